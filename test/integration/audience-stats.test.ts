import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DIMENSIONS, type Dimension } from '../../functions/domain/audience.ts';
import type { ValueCounts } from '../../functions/domain/breakdown.ts';
import type { TrackedEvent } from '../../functions/domain/event.ts';
import {
  dimensionAttr,
  EVENTS_ATTR,
  pathAttr,
  pathBucketKey,
  pathPartition,
  totalsKey,
  VIEWS_ATTR,
  VISIT_VIEWS_ATTR,
  VISITS_ATTR,
  VISIT_WEIGHT,
} from '../../functions/domain/table-schema.ts';
import { daysIn } from '../../functions/domain/stats.ts';
import type { VisitMarks } from '../../functions/domain/visit.ts';
import { processBatch } from '../../functions/processor/process-batch.ts';
import { AGREEMENT_ATTEMPTS } from '../../functions/store/read/agreeing-read.ts';
import { readBreakdown } from '../../functions/store/read/breakdowns.ts';
import { readDayHours } from '../../functions/store/read/totals.ts';
import { trackedEvent } from '../support/factories.ts';
import { silenceOutput } from '../support/output.ts';
import { countingStack, queueRecords, type CountingStack } from '../support/processing.ts';
import { adminGets } from '../support/stats-requests.ts';

// Visits, hours and breakdowns as the processor writes them and the stats function reads them
// back: the store reads against DynamoDB Local, then the handler under both payload formats.

let { aws, settings, stats } = {} as CountingStack;
const run = Date.now().toString(36);

beforeAll(async () => {
  silenceOutput();
  ({ aws, settings, stats } = await countingStack());
});

interface VisitPlan {
  user: string;
  /** UTC start, ISO 8601. */
  at: string;
  /** The visit's page views, in order, each with the ms since the visit's previous event. */
  pages: Array<[path: string, gapMs: number]>;
  /** A custom event after the page views, with its gap. */
  signupAfterMs?: number;
  attributes: Pick<VisitMarks, 'source' | 'utm_medium' | 'utm_campaign'>;
  audience: Pick<TrackedEvent, 'country' | 'device' | 'browser' | 'os'>;
}

/** The events of a visit, as ingestion queues them (UTC site: day from the timestamp). */
function visitEvents(site: string, plan: VisitPlan): TrackedEvent[] {
  let at = Date.parse(plan.at);
  const entry_page = plan.pages[0]![0];
  const marks = (page: number, gap_ms: number): VisitMarks => ({ page, gap_ms, entry_page, ...plan.attributes });
  const events = plan.pages.map(([path, gapMs], i) => {
    at += gapMs;
    const timestamp = new Date(at).toISOString();
    return trackedEvent({ site_id: site, user_id: plan.user, path, timestamp, day: timestamp.slice(0, 10), ...plan.audience, visit: marks(i + 1, gapMs) });
  });
  if (plan.signupAfterMs !== undefined) {
    at += plan.signupAfterMs;
    const timestamp = new Date(at).toISOString();
    events.push(
      trackedEvent({
        site_id: site, user_id: plan.user, event_type: 'signup', path: '/join', timestamp, day: timestamp.slice(0, 10), ...plan.audience,
        visit: marks(plan.pages.length, plan.signupAfterMs),
      }),
    );
  }
  return events;
}

const direct = { source: '(direct)', utm_medium: '(none)', utm_campaign: '(none)' };
const news = { source: 'news', utm_medium: 'email', utm_campaign: 'spring' };
const google = { source: 'google.com', utm_medium: '(none)', utm_campaign: '(none)' };
const desktopUs = { country: 'US', device: 'desktop', browser: 'Chrome', os: 'Windows' } as const;
const mobileDe = { country: 'DE', device: 'mobile', browser: 'Safari', os: 'iOS' } as const;

/** Four visits on two days (a day apart, with none in between), and page views sent without visits. */
function siteEvents(site: string): TrackedEvent[] {
  return [
    ...visitEvents(site, { user: 'u1', at: '2025-11-10T09:15:00.000Z', pages: [['/a', 0], ['/b', 30_000], ['/c', 45_000]], attributes: news, audience: desktopUs }),
    ...visitEvents(site, { user: 'u2', at: '2025-11-10T09:40:00.000Z', pages: [['/b', 0]], attributes: direct, audience: mobileDe }),
    ...visitEvents(site, { user: 'u3', at: '2025-11-10T17:05:00.000Z', pages: [['/a', 0], ['/a', 12_000]], signupAfterMs: 8_000, attributes: google, audience: mobileDe }),
    ...visitEvents(site, { user: 'u1', at: '2025-11-12T23:10:00.000Z', pages: [['/c', 0]], attributes: news, audience: desktopUs }),
    // Page views of a client that sends no visits: audience counts, no visit counts.
    trackedEvent({ site_id: site, user_id: 'u9', path: '/a', timestamp: '2025-11-12T08:00:00.000Z', day: '2025-11-12', ...mobileDe }),
    trackedEvent({ site_id: site, user_id: 'u9', path: '/b', timestamp: '2025-11-12T08:01:00.000Z', day: '2025-11-12', ...mobileDe }),
  ];
}

const dimensionValue = (event: TrackedEvent, dimension: Dimension): string | undefined =>
  dimension === 'country' || dimension === 'device' || dimension === 'browser' || dimension === 'os' ? event[dimension] : event.visit?.[dimension];

/** What a breakdown must say, from the events themselves. */
function breakdownTruth(events: TrackedEvent[], dimension: Dimension): Map<string, ValueCounts> {
  const counts = new Map<string, ValueCounts>();
  for (const event of events.filter((e) => e.event_type === 'page_view')) {
    const value = dimensionValue(event, dimension);
    if (value === undefined) continue;
    const sum = counts.get(value) ?? { visits: 0, views: 0 };
    sum.views++;
    if (event.visit?.page === 1) sum.visits++;
    counts.set(value, sum);
  }
  return counts;
}

async function load(events: TrackedEvent[]): Promise<void> {
  expect((await processBatch(aws.doc, settings, queueRecords(events), `audience-${run}-${events[0]!.site_id}`)).failed).toEqual([]);
}

const { getRest, getHttpApi } = adminGets(() => stats);

describe('a range breakdown read by key', () => {
  const site = `aud-keys-${run}`;
  const events = siteEvents(site);
  beforeAll(() => load(events));

  /** A client that counts the commands it sends, by name. */
  function countingClient(): { doc: DynamoDBDocumentClient; sent: (name: string) => number } {
    const counts = new Map<string, number>();
    const doc = new Proxy(aws.doc, {
      get(target, prop, receiver) {
        if (prop !== 'send') return Reflect.get(target, prop, receiver);
        return (command: { constructor: { name: string } }) => {
          counts.set(command.constructor.name, (counts.get(command.constructor.name) ?? 0) + 1);
          return target.send(command as never);
        };
      },
    });
    return { doc, sent: (name) => counts.get(name) ?? 0 };
  }

  it('reads the days\' path buckets together (no Query), and the other dimensions of those days from memory', async () => {
    // Prepare
    const { doc, sent } = countingClient();
    const days = daysIn({ from: '2025-11-09', to: '2025-11-12' });

    // Act
    const source = await readBreakdown(doc, aws.tables.aggregates, site, days, 'source');
    const afterFirst = { query: sent('QueryCommand'), batchGet: sent('BatchGetCommand') };
    const rest = await Promise.all(DIMENSIONS.filter((d) => d !== 'source').map((d) => readBreakdown(doc, aws.tables.aggregates, site, days, d)));

    // Assess: one BatchGetItem of the totals and one of the buckets; then the totals alone, read
    // once for the seven requests sent together (they share it).
    expect(afterFirst).toEqual({ query: 0, batchGet: 2 });
    expect(sent('QueryCommand')).toBe(0);
    expect(sent('BatchGetCommand')).toBe(2 + 1);
    expect(source).toEqual(breakdownTruth(events, 'source'));
    DIMENSIONS.filter((d) => d !== 'source').forEach((dimension, i) => expect(rest[i]).toEqual(breakdownTruth(events, dimension)));
  });
});

describe('visit counters read back', () => {
  const site = `aud-${run}`;
  const events = siteEvents(site);
  const on = (...days: string[]) => events.filter((e) => days.includes(e.day));
  beforeAll(() => load(events));

  it.each(DIMENSIONS)('readBreakdown of %s: a day, a range (days without data skipped) and all time, as the events say', async (dimension) => {
    // Act
    const [day, range, all] = await Promise.all([
      readBreakdown(aws.doc, aws.tables.aggregates, site, ['2025-11-10'], dimension),
      readBreakdown(aws.doc, aws.tables.aggregates, site, daysIn({ from: '2025-11-09', to: '2025-11-12' }), dimension),
      readBreakdown(aws.doc, aws.tables.aggregates, site, ['ALL'], dimension),
    ]);

    // Assess
    expect(day).toEqual(breakdownTruth(on('2025-11-10'), dimension));
    expect(range).toEqual(breakdownTruth(events, dimension));
    expect(all).toEqual(breakdownTruth(events, dimension));
  });

  it('counts the page views sent without visits under the audience, not under the visit attributes', async () => {
    const [country, source] = await Promise.all([
      readBreakdown(aws.doc, aws.tables.aggregates, site, ['2025-11-12'], 'country'),
      readBreakdown(aws.doc, aws.tables.aggregates, site, ['2025-11-12'], 'source'),
    ]);
    expect(Object.fromEntries(country)).toEqual({ DE: { visits: 0, views: 2 }, US: { visits: 1, views: 1 } });
    expect(Object.fromEntries(source)).toEqual({ news: { visits: 1, views: 1 } });
  });

  it('GET /stats gives the visit figures of a day, a range and all time', async () => {
    // Act
    const [day, range, all] = await Promise.all([
      getRest('/stats', { site_id: site, date: '2025-11-10' }),
      getRest('/stats', { site_id: site, from: '2025-11-10', to: '2025-11-12' }),
      getRest('/stats', { site_id: site }),
    ]);

    // Assess: on the 10th, 3 visits (one bounce) of 6 page views over 30 + 45 + 12 + 8 s.
    expect(day.json).toMatchObject({ total_views: 6, visits: 3, bounce_rate: 0.3333, visit_duration_s: 32, views_per_visit: 2 });
    // With the 12th: a fourth visit (a bounce), its page view, and two page views without visits.
    const expected = { total_views: 9, visits: 4, bounce_rate: 0.5, visit_duration_s: 24, views_per_visit: 1.75 };
    expect(range.json).toMatchObject(expected);
    expect(all.json).toMatchObject({ ...expected, date: null });
  });

  it('GET /stats/breakdown answers the same under both payload formats, ordered and limited', async () => {
    // Act
    const query = { site_id: site, dimension: 'entry_page', from: '2025-11-10', to: '2025-11-12' };
    const [rest, httpApi, limited] = await Promise.all([
      getRest('/stats/breakdown', query),
      getHttpApi('/stats/breakdown', query),
      getRest('/stats/breakdown', { ...query, limit: '1' }),
    ]);

    // Assess
    expect(rest.statusCode).toBe(200);
    expect(rest.json).toEqual({
      site_id: site,
      timezone: 'UTC',
      answered_by: 'counters',
      dimension: 'entry_page',
      from: '2025-11-10',
      to: '2025-11-12',
      results: [
        { value: '/a', visits: 2, views: 5 },
        { value: '/b', visits: 1, views: 1 },
        { value: '/c', visits: 1, views: 1 },
      ],
    });
    expect(httpApi).toEqual(rest);
    expect(limited.json.results).toEqual([{ value: '/a', visits: 2, views: 5 }]);
  });

  it('GET /stats/breakdown answers 400 invalid_query naming dimension when it is missing or unknown', async () => {
    for (const query of [{ site_id: site }, { site_id: site, dimension: 'path' }] as Record<string, string>[]) {
      const { statusCode, json } = await getRest('/stats/breakdown', query);
      expect(statusCode).toBe(400);
      expect(json.error).toMatchObject({ code: 'invalid_query', details: [{ field: 'dimension' }] });
    }
  });

  it('GET /stats/timeseries gives visits by the day and by the hour', async () => {
    // Act
    const [daily, hourly] = await Promise.all([
      getRest('/stats/timeseries', { site_id: site, from: '2025-11-10', to: '2025-11-12' }),
      getHttpApi('/stats/timeseries', { site_id: site, interval: 'hour', date: '2025-11-10' }),
    ]);
    const hours = await readDayHours(aws.doc, aws.tables.aggregates, site, '2025-11-10');

    // Assess
    expect(daily.json.points.map((point: { visits: number }) => point.visits)).toEqual([3, 0, 1]);
    expect(hourly.json.points).toHaveLength(24);
    expect(hourly.json.points.filter((point: { events: number }) => point.events > 0)).toEqual([
      { hour: '2025-11-10T09:00:00+00:00', views: 4, visits: 2, events: 4 },
      { hour: '2025-11-10T17:00:00+00:00', views: 2, visits: 1, events: 3 },
    ]);
    expect([...hours.keys()].sort((a, b) => a - b)).toEqual([9, 17]);
  });
});

describe('packed breakdown counters', () => {
  it('read exactly past 2^53 (100,000 visits and 7 page views of one value on one day)', async () => {
    // Prepare: a day whose counter of one source is 100,000 x VISIT_WEIGHT + 7 = 10^16 + 7.
    const site = `aud-packed-${run}`;
    const day = '2025-09-29';
    const table = aws.tables.aggregates;
    await aws.doc.send(
      new PutCommand({ TableName: table, Item: { ...totalsKey(site, day), [VIEWS_ATTR]: 7, [EVENTS_ATTR]: 7, [VISITS_ATTR]: 100_000, [VISIT_VIEWS_ATTR]: 7 } }),
    );
    const packed = BigInt(100_000) * BigInt(VISIT_WEIGHT) + 7n;
    expect(packed > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    await aws.doc.send(new PutCommand({ TableName: table, Item: { ...pathBucketKey(site, day, 0), [pathAttr('/a')]: 7, [dimensionAttr('source', 'big')]: packed } }));

    // Act
    const counts = await readBreakdown(aws.doc, table, site, [day], 'source');

    // Assess
    expect(Object.fromEntries(counts)).toEqual({ big: { visits: 100_000, views: 7 } });
  });
});

describe('breakdown reads that fall in the middle of a commit', () => {
  const table = () => aws.tables.aggregates;

  /** The first half of a commit of two visits from `news`: totals say 2, the bucket says 1. */
  async function tornState(site: string, scope: string): Promise<void> {
    await aws.doc.send(
      new PutCommand({ TableName: table(), Item: { ...totalsKey(site, scope), [VIEWS_ATTR]: 2, [EVENTS_ATTR]: 2, [VISITS_ATTR]: 2, [VISIT_VIEWS_ATTR]: 2 } }),
    );
    await bucket(site, scope, 1);
  }

  /** The bucket with `count` of the two visits (their paths already whole, as in another bucket). */
  const bucket = (site: string, scope: string, count: number) =>
    aws.doc.send(
      new PutCommand({
        TableName: table(),
        Item: { ...pathBucketKey(site, scope, 0), [pathAttr('/a')]: 2, [dimensionAttr('source', 'news')]: count * (1 + VISIT_WEIGHT) },
      }),
    );

  /** A client that counts the queries of each bucket partition and completes `scope`'s commit after its first. */
  function completingAfterFirstRead(site: string, scope: string): { doc: DynamoDBDocumentClient; queries: (scope: string) => number } {
    const counts = new Map<string, number>();
    const doc = new Proxy(aws.doc, {
      get(target, prop, receiver) {
        if (prop !== 'send') return Reflect.get(target, prop, receiver);
        return async (command: unknown) => {
          const out = await target.send(command as never);
          if (command instanceof QueryCommand) {
            const pk = String(command.input.ExpressionAttributeValues?.[':pk']);
            counts.set(pk, (counts.get(pk) ?? 0) + 1);
            if (pk === pathPartition(site, scope) && counts.get(pk) === 1) await bucket(site, scope, 2);
          }
          return out;
        };
      },
    });
    return { doc, queries: (of) => counts.get(pathPartition(site, of)) ?? 0 };
  }

  it('one scope is read again until its visits agree with the totals', async () => {
    // Prepare
    const site = `aud-torn-one-${run}`;
    await tornState(site, '2025-09-30');
    const { doc, queries } = completingAfterFirstRead(site, '2025-09-30');

    // Act
    const counts = await readBreakdown(doc, table(), site, ['2025-09-30'], 'source');

    // Assess
    expect(Object.fromEntries(counts)).toEqual({ news: { visits: 2, views: 2 } });
    expect(queries('2025-09-30')).toBe(2);
  });

  it('a range reads a torn day again, and never caches counts that disagree', async () => {
    // Prepare: two days; the second stays torn.
    const site = `aud-torn-range-${run}`;
    const [first, second] = ['2025-10-01', '2025-10-02'];
    await tornState(site, first);
    await tornState(site, second);
    const { doc, queries } = completingAfterFirstRead(site, first);

    // Act
    const before = await readBreakdown(doc, table(), site, [first, second], 'source');
    const queried = [queries(first), queries(second)];
    const after = await readBreakdown(doc, table(), site, [first, second], 'source');

    // Assess: the first day agreed on its second read and was cached; the second was read
    // AGREEMENT_ATTEMPTS times on each call.
    expect(queried).toEqual([2, AGREEMENT_ATTEMPTS]);
    expect([queries(first), queries(second)]).toEqual([2, 2 * AGREEMENT_ATTEMPTS]);
    expect(Object.fromEntries(before)).toEqual({ news: { visits: 3, views: 3 } });
    expect(after).toEqual(before);
  });
});
