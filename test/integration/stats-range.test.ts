import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { TrackedEvent } from '../../functions/domain/event.ts';
import { daysIn, type DayRange } from '../../functions/domain/stats.ts';
import { readSiteStats } from '../../functions/store/read/site-stats.ts';
import { trackedEvent } from '../support/factories.ts';
import { faultyClient } from '../support/faults.ts';
import { silenceOutput } from '../support/output.ts';
import { countingStack, processAll, type CountingStack } from '../support/processing.ts';
import { adminGets } from '../support/stats-requests.ts';

let { aws, settings, stats } = {} as CountingStack;

beforeAll(async () => {
  silenceOutput();
  ({ aws, settings, stats } = await countingStack());
});

let siteCounter = 0;
const newSite = () => `range-${Date.now().toString(36)}-${siteCounter++}`;

let batchCounter = 0;

/** Counts every event through the processor, a batch of at most 1,000 at a time. */
const load = (events: TrackedEvent[]): Promise<void> => processAll(aws.doc, settings, events, () => `range-batch-${Date.now()}-${batchCounter++}`);

/** A visit of `user` on `day`: two page views and, for every fifth user, a signup. */
function visit(site: string, day: string, user: number): TrackedEvent[] {
  const at = (minute: number) => `${day}T10:${String(minute).padStart(2, '0')}:00.000Z`;
  const events = [
    trackedEvent({ site_id: site, user_id: `user-${user}`, path: `/p${user % 4}`, timestamp: at(1) }),
    trackedEvent({ site_id: site, user_id: `user-${user}`, path: '/', timestamp: at(2) }),
  ];
  if (user % 5 === 0) events.push(trackedEvent({ site_id: site, user_id: `user-${user}`, event_type: 'signup', path: '/join', timestamp: at(3) }));
  return events;
}

/** Users `from` (included) to `to` (excluded) visiting on `day`. */
const visits = (site: string, day: string, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => visit(site, day, from + i)).flat();

// The events of these tests carry no visit marks.
const NO_VISITS = { visits: 0, multiViewVisits: 0, visitMs: 0, visitViews: 0 };
const NO_VISIT_FIGURES = { visits: 0, bounce_rate: 0, visit_duration_s: 0, views_per_visit: 0 };

/** What GET /stats must say for a range, from the events themselves. */
function truth(events: TrackedEvent[], range: DayRange) {
  const days = new Set(daysIn(range));
  const mine = events.filter((e) => days.has(e.day));
  const views = mine.filter((e) => e.event_type === 'page_view');
  const pathViews = new Map<string, number>();
  for (const e of views) pathViews.set(e.path, (pathViews.get(e.path) ?? 0) + 1);
  const eventsByType: Record<string, number> = {};
  for (const e of mine) eventsByType[e.event_type] = (eventsByType[e.event_type] ?? 0) + 1;
  const usersOn = (day: string) => new Set(mine.filter((e) => e.day === day).map((e) => e.user_id)).size;
  return {
    views: views.length,
    events: mine.length,
    eventsByType,
    pathViews,
    uniqueUsers: new Set(mine.map((e) => e.user_id)).size,
    dailyUniques: [...days].map(usersOn),
    points: [...days].map((date) => {
      const onDay = mine.filter((e) => e.day === date);
      return { date, views: onDay.filter((e) => e.event_type === 'page_view').length, unique_users: usersOn(date), events: onDay.length, visits: 0 };
    }),
  };
}

const { getRest, getHttpApi } = adminGets(() => stats);

describe('GET /stats over a range of days', () => {
  // Four days with data and a day without (2025-11-12); users come back on later days.
  const site = newSite();
  const events = [
    ...visits(site, '2025-11-10', 0, 40),
    ...visits(site, '2025-11-11', 20, 70),
    ...visits(site, '2025-11-13', 60, 100),
    ...visits(site, '2025-11-14', 0, 10),
  ];
  const range = { from: '2025-11-10', to: '2025-11-14' };
  beforeAll(() => load(events));

  it('sums the counters and counts each user once across the range', async () => {
    // Prepare
    const expected = truth(events, range);

    // Act
    const { statusCode, json } = await getRest('/stats', { site_id: site, ...range, limit: '100' });

    // Assess
    expect(statusCode).toBe(200);
    expect(json).toEqual({
      site_id: site,
      timezone: 'UTC',
      answered_by: 'counters',
      from: range.from,
      to: range.to,
      total_views: expected.views,
      unique_users: 100,
      total_events: expected.events,
      ...NO_VISIT_FIGURES,
      events_by_type: expected.eventsByType,
      top_paths: [...expected.pathViews].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([path, views]) => ({ path, views })),
    });
    expect(expected.uniqueUsers).toBe(100);
    const sumOfDays = expected.dailyUniques.reduce((a, b) => a + b, 0);
    expect(sumOfDays).toBe(140);
    expect(json.unique_users).toBeLessThan(sumOfDays);
  });

  it('leaves out the days outside the range', async () => {
    // Prepare
    const inner = { from: '2025-11-11', to: '2025-11-13' };
    const expected = truth(events, inner);

    // Act
    const { json } = await getRest('/stats', { site_id: site, ...inner });

    // Assess
    expect(json).toMatchObject({ total_views: expected.views, total_events: expected.events, unique_users: expected.uniqueUsers });
    expect(json.unique_users).toBe(80);
  });

  it('shows events counted after an earlier read of the same range', async () => {
    // Prepare: read the range once, then count a new user on a new path on one day.
    const before = await getRest('/stats', { site_id: site, ...range, limit: '100' });
    const late = [trackedEvent({ site_id: site, user_id: 'user-late', path: '/late', timestamp: '2025-11-13T23:00:00.000Z' })];
    await load(late);
    events.push(...late);

    // Act
    const [after, series] = await Promise.all([
      getRest('/stats', { site_id: site, ...range, limit: '100' }),
      getRest('/stats/timeseries', { site_id: site, ...range }),
    ]);

    // Assess
    expect(after.json.total_events).toBe(before.json.total_events + 1);
    expect(after.json.unique_users).toBe(before.json.unique_users + 1);
    expect(after.json.top_paths).toContainEqual({ path: '/late', views: 1 });
    expect(series.json.points).toEqual(truth(events, range).points);
  });

  it('answers a one-day range as that day, with from and to', async () => {
    // Act
    const [ranged, day] = await Promise.all([
      getRest('/stats', { site_id: site, from: '2025-11-11', to: '2025-11-11' }),
      getRest('/stats', { site_id: site, date: '2025-11-11' }),
    ]);

    // Assess
    const { date, ...figures } = day.json;
    expect(date).toBe('2025-11-11');
    expect(ranged.json).toEqual({ ...figures, from: '2025-11-11', to: '2025-11-11' });
  });

  it('answers the same under the HTTP API payload format', async () => {
    // Act
    const [rest, httpApi] = await Promise.all([getRest('/stats', { site_id: site, ...range }), getHttpApi('/stats', { site_id: site, ...range })]);

    // Assess
    expect(httpApi).toEqual(rest);
  });

  it('answers 400 invalid_query for date with from and to, a reversed range and a range over 366 days', async () => {
    const queries: Record<string, string>[] = [
      { site_id: site, date: '2025-11-10', ...range },
      { site_id: site, from: range.to, to: range.from },
      { site_id: site, from: '2024-11-10', to: '2025-11-14' },
      { site_id: site, from: range.from },
    ];
    for (const query of queries) {
      const { statusCode, json } = await getRest('/stats', query);
      expect(statusCode, JSON.stringify(query)).toBe(400);
      expect(json.error.code).toBe('invalid_query');
    }
  });
});

describe('GET /stats/timeseries', () => {
  const site = newSite();
  const events = [...visits(site, '2025-11-10', 0, 30), ...visits(site, '2025-11-11', 10, 50), ...visits(site, '2025-11-13', 0, 5)];
  const range = { from: '2025-11-09', to: '2025-11-14' };
  beforeAll(() => load(events));

  it('gives one point per day in order, each as that day counts, zeros for days without data', async () => {
    // Act
    const { statusCode, json } = await getRest('/stats/timeseries', { site_id: site, ...range });

    // Assess
    expect(statusCode).toBe(200);
    expect(json).toEqual({ site_id: site, timezone: 'UTC', answered_by: 'counters', ...range, points: truth(events, range).points });
    expect(json.points.map((p: { unique_users: number }) => p.unique_users)).toEqual([0, 30, 40, 0, 5, 0]);
  });

  it('agrees with GET /stats for each day', async () => {
    // Act
    const { json } = await getRest('/stats/timeseries', { site_id: site, ...range });
    const days = await Promise.all(daysIn(range).map((date) => getRest('/stats', { site_id: site, date })));

    // Assess
    expect(json.points).toEqual(
      days.map(({ json: day }) => ({ date: day.date, views: day.total_views, unique_users: day.unique_users, events: day.total_events, visits: day.visits })),
    );
  });

  it('is routed by routeKey under the HTTP API payload format', async () => {
    // Act
    const [rest, httpApi] = await Promise.all([
      getRest('/stats/timeseries', { site_id: site, ...range }),
      getHttpApi('/stats/timeseries', { site_id: site, ...range }),
    ]);

    // Assess
    expect(httpApi).toEqual(rest);
    expect(httpApi.json.points).toHaveLength(6);
  });

  it('answers 400 invalid_query without from and to, with date, or over 366 days', async () => {
    const queries: Record<string, string>[] = [
      { site_id: site },
      { site_id: site, date: '2025-11-10' },
      { site_id: site, from: '2025-11-10' },
      { site_id: site, from: '2024-11-10', to: '2025-11-11' },
      { site_id: site, from: '2025-11-11', to: '2025-11-10' },
    ];
    for (const query of queries) {
      const { statusCode, json } = await getRest('/stats/timeseries', query);
      expect(statusCode, JSON.stringify(query)).toBe(400);
      expect(json.error.code).toBe('invalid_query');
    }
  });
});

describe('unique users of a range, many users', () => {
  it('is exact below 1,000 distinct users across a week where each day has 300', async () => {
    // Prepare: day i has users 100*i .. 100*i + 299, so the week has 900 distinct users.
    const site = newSite();
    const week = daysIn({ from: '2025-10-06', to: '2025-10-12' });
    const events = week.flatMap((day, i) => visits(site, day, 100 * i, 100 * i + 300));
    await load(events);

    // Act
    const { json } = await getRest('/stats', { site_id: site, from: week[0]!, to: week.at(-1)! });

    // Assess
    expect(json.unique_users).toBe(900);
    expect(json.total_events).toBe(events.length);
    expect(truth(events, { from: week[0]!, to: week.at(-1)! }).dailyUniques.reduce((a, b) => a + b, 0)).toBe(2_100);
  });

  it('is within 2% of the distinct users above that, where the sketches turn dense', async () => {
    // Prepare: three days of 1,500 users each, overlapping by half: 3,000 distinct users.
    const site = newSite();
    const days = ['2025-09-01', '2025-09-02', '2025-09-03'];
    await load(days.flatMap((day, i) => Array.from({ length: 1_500 }, (_, u) => trackedEvent({ site_id: site, user_id: `user-${750 * i + u}`, timestamp: `${day}T12:00:00.000Z` }))));

    // Act
    const { json } = await getRest('/stats', { site_id: site, from: days[0]!, to: days[2]! });

    // Assess
    expect(Math.abs(json.unique_users - 3_000) / 3_000).toBeLessThan(0.02);
    expect(json.total_events).toBe(4_500);
  });
});

describe('a range of more than 100 days', () => {
  // Data on every seventh day of 200: the totals take two BatchGetItem calls.
  const site = newSite();
  const range = { from: '2025-01-01', to: '2025-07-19' };
  const events = daysIn(range)
    .filter((_, i) => i % 7 === 0)
    .flatMap((day, i) => visits(site, day, i, i + 3));
  beforeAll(() => load(events));

  it('reads every day, and reads the totals DynamoDB returned as UnprocessedKeys again', async () => {
    // Prepare
    const faulty = faultyClient(inject('dynamodbEndpoint'), 'partial-batch-get', 1);
    const expected = truth(events, range);
    const days = daysIn(range);
    expect(days).toHaveLength(200);

    // Act
    const [aggregates, body] = await Promise.all([
      readSiteStats(faulty.doc, aws.tables.aggregates, site, days, { pathBuckets: 4, monthsComplete: async () => true }),
      getRest('/stats/timeseries', { site_id: site, ...range }),
    ]);

    // Assess
    expect(faulty.withheld()).toBeGreaterThan(0);
    expect(aggregates).toEqual({
      views: expected.views,
      events: expected.events,
      eventsByType: expected.eventsByType,
      ...NO_VISITS,
      pathViews: expected.pathViews,
      uniqueUsers: expected.uniqueUsers,
    });
    expect(body.json.points).toEqual(expected.points);
  });
});
