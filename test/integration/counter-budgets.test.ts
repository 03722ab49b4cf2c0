import { beforeAll, describe, expect, inject, it } from 'vitest';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { claimEvents } from '../../functions/store/write/raw-events.ts';
import { lakeWriter } from '../../functions/store/lake/lake-objects.ts';
import { lakeLines } from '../support/lake.ts';
import { processBatch, type ProcessorSettings } from '../../functions/processor/process-batch.ts';
import type { TrackedEvent } from '../../functions/domain/event.ts';
import { toQueueMessage } from '../../functions/domain/queue-codec.ts';
import { readSiteStats, readScopeStats } from '../../functions/store/read/site-stats.ts';
import { isExactRow } from '../../functions/domain/overflow-rows.ts';
import { topPaths } from '../../functions/domain/stats.ts';
import { readBreakdown } from '../../functions/store/read/breakdowns.ts';
import { ALL_TIME, pathAttr, pathBucket, pathBucketKey, pathPartition, totalsKey, typeAttr, type Key } from '../../functions/domain/table-schema.ts';
import { BUCKET_BUDGET_BYTES, MAX_EVENT_TYPES, OTHER, TOTALS_BUDGET_BYTES } from '../../functions/domain/counter-budget.ts';
import type { VisitMarks } from '../../functions/domain/visit.ts';
import { trackedEvent } from '../support/factories.ts';
import { stackResources, type StackResources } from '../support/aws.ts';
import { createDocumentClient } from '../../functions/commons/dynamodb-client.ts';
import { localDynamoDbClient } from '../../local/clients.ts';
import { itemBytes, shuffled, tallyOf } from '../support/counters.ts';
import { processorSettings, queueRecords as records } from '../support/processing.ts';

let aws: StackResources;
let settings: ProcessorSettings;
beforeAll(async () => {
  aws = await stackResources();
  settings = processorSettings(aws);
});

const DAY = '2025-11-12';
const run = Date.now().toString(36);
const visit = (overrides: Partial<VisitMarks>): VisitMarks => ({
  page: 1,
  gap_ms: 0,
  entry_page: '/',
  source: '(direct)',
  utm_medium: '(none)',
  utm_campaign: '(none)',
  ...overrides,
});

/** The flood: distinct 64-character event types, 2,048-character paths of 3-byte characters, distinct campaigns. */
function flood(site: string): TrackedEvent[] {
  const types = Array.from({ length: MAX_EVENT_TYPES + 200 }, (_, i) =>
    trackedEvent({ site_id: site, event_type: `t${i}-`.padEnd(64, 'x'), path: '/' }),
  );
  const paths = Array.from({ length: 300 }, (_, i) =>
    trackedEvent({ site_id: site, path: `/${i}/`.padEnd(2048, '€'), user_id: `flood-${i % 50}` }),
  );
  const campaigns = Array.from({ length: 2000 }, (_, i) =>
    trackedEvent({ site_id: site, path: '/landing', user_id: `visitor-${i}`, visit: visit({ utm_campaign: `spring-${i}-`.padEnd(100, 'c') }) }),
  );
  return [...types, ...paths, ...campaigns];
}

/** An ordinary site's traffic: a few pages, sources and campaigns. */
function ordinary(site: string, count: number): TrackedEvent[] {
  return Array.from({ length: count }, (_, i) =>
    trackedEvent({
      site_id: site,
      path: `/page-${i % 20}`,
      user_id: `o-${i % 97}`,
      event_type: i % 10 === 0 ? 'signup' : 'page_view',
      visit: visit({ page: 1 + (i % 3), source: `source-${i % 5}.example`, utm_campaign: `c-${i % 4}` }),
    }),
  );
}

describe('counter budgets', () => {
  it('keep a flooded site and an ordinary site exact in the same batches, with the overflow under (other)', async () => {
    // Prepare: the flooded site names a page before the flood; then the flood, mixed with the
    // ordinary site's traffic, in batches of 1,000; then more of both after the flood.
    const flooded = `flood-${run}`;
    const plain = `plain-${run}`;
    const before = [trackedEvent({ site_id: flooded, path: '/named-early' })];
    const during = shuffled([...flood(flooded), ...ordinary(plain, 1500)], 7);
    const after = [
      ...Array.from({ length: 40 }, () => trackedEvent({ site_id: flooded, path: '/named-early' })),
      ...Array.from({ length: 60 }, (_, i) => trackedEvent({ site_id: flooded, path: `/after-${i % 3}`, event_type: i % 2 ? 'page_view' : 'late_type' })),
      ...ordinary(plain, 100),
    ];
    const batches = [before];
    for (let i = 0; i < during.length; i += 1000) batches.push(during.slice(i, i + 1000));
    batches.push(after);

    // Act
    const results = [];
    for (const [i, batch] of batches.entries()) results.push(await processBatch(aws.doc, settings, records(batch), `budget-${run}-${i}`));

    // Assess: no message failed (none is retried or reaches the dead-letter queue), every event counted once.
    for (const result of results) expect(result).toMatchObject({ failed: [], invalid: [], isolated: 0 });
    expect(results.reduce((sum, r) => sum + r.counted, 0)).toBe(batches.flat().length);
    const all = batches.flat();
    for (const site of [flooded, plain]) {
      const tally = tallyOf(all.filter((e) => e.site_id === site));
      const day = await readScopeStats(aws.doc, aws.tables.aggregates, site, DAY, 4);
      expect(day.views).toBe(tally.views);
      expect(day.events).toBe(tally.events);
      expect(day.visits).toBe(tally.visits);
      // Rows plus (other) add up to the totals; every named row is exact.
      expect(sum(Object.values(day.eventsByType))).toBe(tally.events);
      for (const [type, count] of Object.entries(day.eventsByType)) if (type !== OTHER) expect(count).toBe(tally.types.get(type));
      expect(sum([...day.pathViews.values()])).toBe(tally.views);
      for (const [path, views] of day.pathViews) if (path !== OTHER) expect(views).toBe(tally.paths.get(path));
      const campaigns = await readBreakdown(aws.doc, aws.tables.aggregates, site, [DAY], 'utm_campaign');
      expect(sum([...campaigns.values()].map((c) => c.visits))).toBe(tally.visits);
      for (const [campaign, { visits }] of campaigns) if (campaign !== OTHER) expect(visits).toBe(tally.campaigns.get(campaign));
      const allTime = await readScopeStats(aws.doc, aws.tables.aggregates, site, ALL_TIME, 4);
      expect([allTime.views, allTime.events]).toEqual([tally.views, tally.events]);
      if (site === plain) {
        // The ordinary site stays within its budgets: every value named, exactly as sent.
        expect(day.eventsByType[OTHER]).toBeUndefined();
        expect(day.pathViews.has(OTHER)).toBe(false);
        expect(campaigns.has(OTHER)).toBe(false);
        expect(day.uniqueUsers).toBe(tally.users);
        continue;
      }
      // The flood overflowed each dimension; what was named before it stays exact, and events sent after it count.
      expect(Object.keys(day.eventsByType).length).toBeLessThanOrEqual(MAX_EVENT_TYPES + 1);
      expect(day.eventsByType[OTHER]).toBeGreaterThan(0);
      expect(day.pathViews.get(OTHER)).toBeGreaterThan(0);
      expect(campaigns.get(OTHER)?.visits).toBeGreaterThan(0);
      expect(day.pathViews.get('/named-early')).toBe(41);
      // Over 1,000 users a sketch estimates (standard error 0.81%).
      expect(Math.abs(day.uniqueUsers - tally.users) / tally.users).toBeLessThan(0.03);
    }

    // Every counter item of the flooded site stays within its budget.
    const totals = await aws.doc.send(new GetCommand({ TableName: aws.tables.aggregates, Key: totalsKey(flooded, DAY) }));
    expect(itemBytes(totals.Item!)).toBeLessThan(TOTALS_BUDGET_BYTES + 4096);
    const buckets = await aws.doc.send(
      new QueryCommand({ TableName: aws.tables.aggregates, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pathPartition(flooded, DAY) } }),
    );
    // Its four buckets, and beside them the heavy-hitter summaries and names of what overflowed.
    const bucketItems = buckets.Items!.filter((item) => /^\d\d$/.test(String(item.sk)));
    expect(bucketItems).toHaveLength(4);
    for (const item of bucketItems) expect(itemBytes(item)).toBeLessThan(BUCKET_BUDGET_BYTES + 2048);
    for (const item of buckets.Items!) expect(itemBytes(item)).toBeLessThan(BUCKET_BUDGET_BYTES + 2048);
  });
});

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const execFileAsync = promisify(execFile);

describe('a value that first comes after the budget filled', () => {
  it('is listed by name once it holds 1% of the day, within 0.2% of the day’s views, and marked as an estimate', async () => {
    // Prepare: a long tail of pages fills the day's buckets; a popular page named early; then a
    // page that goes viral in the afternoon, among more of the tail.
    const site = `viral-${run}`;
    const tail = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => {
        const path = `/products/item-${from + i}/`.padEnd(200, 'p');
        return trackedEvent({ site_id: site, path, user_id: `t${i % 300}`, visit: visit({ entry_page: path }) });
      });
    // As long as the tail's pages, so it cannot take the room a full bucket has left for a short name.
    const page = '/viral/'.padEnd(200, 'v');
    const viral = Array.from({ length: 100 }, (_, i) =>
      trackedEvent({ site_id: site, path: page, user_id: `v${i}`, visit: visit({ entry_page: page, source: 'news.example' }) }),
    );
    const morning = [...tail(0, 600), ...Array.from({ length: 100 }, () => trackedEvent({ site_id: site, path: '/home' }))];
    const afternoon = shuffled([...tail(600, 1000), ...viral], 11);
    const batches = [morning.slice(0, 350), morning.slice(350), afternoon.slice(0, 550), afternoon.slice(550)];

    // Act
    for (const [i, batch] of batches.entries()) expect((await processBatch(aws.doc, settings, records(batch), `viral-${run}-${i}`)).failed).toEqual([]);

    // Assess, for one day (a Query of its partition) and as part of a range (its items by key).
    const views = batches.flat().length;
    const oneDay = await readScopeStats(aws.doc, aws.tables.aggregates, site, DAY, 4);
    const range = await readSiteStats(aws.doc, aws.tables.aggregates, site, [DAY, '2025-11-13'], { pathBuckets: 4, monthsComplete: async () => false });
    for (const read of [oneDay, range]) {
      expect(read.views).toBe(views);
      expect(sum([...read.pathViews.values()])).toBe(views);
      expect(read.pathViews.get('/home')).toBe(100);
      expect(isExactRow(read.pathViews, '/home')).toBe(true);
      const estimate = read.pathViews.get(page)!;
      expect(estimate).toBeGreaterThanOrEqual(100);
      expect(estimate - 100).toBeLessThanOrEqual(0.002 * views);
      expect(isExactRow(read.pathViews, page)).toBe(false);
      expect(isExactRow(read.pathViews, OTHER)).toBe(false);
      const rows = topPaths(read.pathViews, 5);
      expect(rows.find((row) => row.path === page)).toMatchObject({ exact: false });
      expect(rows.find((row) => row.path === '/home')).toEqual({ path: '/home', views: 100 });
    }
    const entries = await readBreakdown(aws.doc, aws.tables.aggregates, site, [DAY], 'entry_page');
    expect(entries.get(page)!.visits - 100).toBeGreaterThanOrEqual(0);
    expect(entries.get(page)!.visits - 100).toBeLessThanOrEqual(0.002 * views);
    expect(isExactRow(entries, page)).toBe(false);
  });
});

describe('a counter update DynamoDB refuses as invalid', () => {
  it('is isolated, not retried as a conflict, and never touches another site’s unit', async () => {
    // Prepare: DynamoDB refuses the first transaction of one site for the size of one of its
    // path buckets, as it does when an item would pass 400 KB.
    const refused = `refused-${run}`;
    const plain = `beside-${run}`;
    const transactions: string[][] = [];
    const doc = refusingClient(pathPartition(refused, DAY), (sites) => transactions.push(sites));
    const events = shuffled(
      [
        ...Array.from({ length: 5 }, (_, i) => trackedEvent({ site_id: refused, path: '/x', user_id: `r${i}` })),
        ...Array.from({ length: 5 }, (_, i) => trackedEvent({ site_id: plain, path: '/y', user_id: `p${i}` })),
      ],
      3,
    );

    // Act
    const result = await processBatch(doc, settings, records(events), `refused-${run}`);

    // Assess: both units committed; the refused one once more, its bucket's new values under (other).
    expect(result).toMatchObject({ failed: [], counted: 10, isolated: 1 });
    expect(transactions.filter((sites) => sites.includes(refused))).toHaveLength(2);
    expect(transactions.filter((sites) => sites.includes(plain))).toHaveLength(1);
    const refusedDay = await readScopeStats(aws.doc, aws.tables.aggregates, refused, DAY, 4);
    expect([refusedDay.views, refusedDay.events, sum([...refusedDay.pathViews.values()])]).toEqual([5, 5, 5]);
    expect(refusedDay.pathViews.get('/x') ?? 0).toBe(0);
    const plainDay = await readScopeStats(aws.doc, aws.tables.aggregates, plain, DAY, 4);
    expect(Object.fromEntries(plainDay.pathViews)).toEqual({ '/y': 5 });
  });
});

/**
 * A document client whose first TransactWriteItems touching `partition` is cancelled with a
 * ValidationError on that item (as DynamoDB cancels one that would pass 400 KB); `seen` gets the
 * sites of every TransactWriteItems sent.
 */
function refusingClient(partition: string, seen: (sites: string[]) => void) {
  const client = localDynamoDbClient(inject('dynamodbEndpoint'));
  let refused = false;
  client.middlewareStack.add(
    ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: { TransactItems?: unknown[] } }) => {
      if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
      const items = (args.input.TransactItems ?? []).map((item) => JSON.stringify(item));
      seen([...new Set(items.flatMap((item) => [.../"[SP]#([^#"]+)[#"]/.exec(item) ?? []].slice(1)))]);
      const position = items.findIndex((item) => item.includes(`"${partition}"`));
      if (refused || position < 0) return next(args);
      refused = true;
      throw new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
        $metadata: {},
        CancellationReasons: items.map((_, i) =>
          i === position ? { Code: 'ValidationError', Message: 'Item size to update has exceeded the maximum allowed size' } : { Code: 'None' },
        ),
      });
    }) as never,
    { step: 'initialize', name: 'refuseOneItem', priority: 'high' },
  );
  return createDocumentClient(client);
}

describe('messages parked in the dead-letter queue by an item that overflowed before budgets', () => {
  it('are counted exactly once when redriven after the upgrade (npm run dlq -- redrive)', async () => {
    // Prepare, as the processor before budgets left things: the day's totals and one path bucket
    // grown by commits until DynamoDB refused them, and the events whose units could not commit
    // then (claimed by their unit, in its lake object, no marker) parked in the dead-letter queue.
    const site = `legacy-${run}`;
    const tally = await fillUntilRefused(site);
    const fullBucket = pathBucket('/legacy-path-0', 4);
    const parked = [
      ...Array.from({ length: 30 }, (_, i) => trackedEvent({ site_id: site, path: newPathIn(fullBucket, `/parked-${i}`) })),
      ...Array.from({ length: 20 }, () => trackedEvent({ site_id: site, path: '/legacy-path-0' })),
      ...Array.from({ length: 10 }, (_, i) => trackedEvent({ site_id: site, event_type: `parked_type_${i}` })),
    ].map((event) => ({ ...event, hour: 19 }));
    const oldUnit = `before-budgets-${run}:${site}:0`;
    await claimEvents(aws.doc, aws.tables.events, parked.map((event) => ({ event, unitId: oldUnit })), {
      now: Date.now() - 10 * 60_000,
      leaseMs: settings.leaseMs,
      expiresAt: undefined,
      markerExpiresAt: undefined,
    });
    const lake = lakeWriter(aws.s3, aws.lakeBucket);
    await lake.write(oldUnit, site, parked);
    for (let i = 0; i < parked.length; i += 10) {
      await aws.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: aws.dlqUrl,
          Entries: parked.slice(i, i + 10).map((event, j) => ({ Id: String(j), MessageBody: toQueueMessage(event) })),
        }),
      );
    }

    // Act: after the upgrade, the operator redrives the queue and the processor drains it.
    const redrive = await execFileAsync(process.execPath, ['--import', 'tsx', 'ops/dlq.ts', 'redrive', '--queue-url', aws.queueUrl, '--dlq-url', aws.dlqUrl]);
    expect(redrive.stdout).toContain(`moved ${parked.length} of ${parked.length}`);
    let counted = 0;
    for (let idle = 0; idle < 2; ) {
      const { Messages = [] } = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: aws.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      if (Messages.length === 0) {
        idle++;
        continue;
      }
      const result = await processBatch(aws.doc, { ...settings, lake }, Messages.map((m) => ({ messageId: m.MessageId!, body: m.Body! })), `after-${run}-${counted}`);
      expect(result.failed).toEqual([]);
      counted += result.counted;
      await aws.settle(Messages, result.failed);
    }

    // Assess: every parked event counted once, rows plus (other) equal the totals, named rows exact.
    expect(counted).toBe(parked.length);
    for (const event of parked) {
      tally.events++;
      bump(tally.types, event.event_type);
      if (event.event_type !== 'page_view') continue;
      tally.views++;
      bump(tally.paths, event.path);
    }
    const day = await readScopeStats(aws.doc, aws.tables.aggregates, site, DAY, 4);
    expect([day.views, day.events]).toEqual([tally.views, tally.events]);
    expect(sum(Object.values(day.eventsByType))).toBe(tally.events);
    for (const [type, count] of Object.entries(day.eventsByType)) if (type !== OTHER) expect(count).toBe(tally.types.get(type));
    expect(sum([...day.pathViews.values()])).toBe(tally.views);
    for (const [path, views] of day.pathViews) if (path !== OTHER) expect(views).toBe(tally.paths.get(path));
    expect(day.pathViews.get('/legacy-path-0')).toBe(21);
    const allTime = await readScopeStats(aws.doc, aws.tables.aggregates, site, ALL_TIME, 4);
    expect(allTime.events).toBe(tally.events);
    // The lake holds each parked event once: the old unit's object was removed when its events were taken over.
    const lines = await lakeLines(aws.s3, aws.lakeBucket, [site]);
    expect(lines.map((line) => line.record.event_id).sort()).toEqual(parked.map((event) => event.event_id).sort());
  });
});

/** A path named after `prefix` that falls in path bucket `bucket` (of 4). */
function newPathIn(bucket: number, prefix: string): string {
  for (let i = 0; ; i++) if (pathBucket(`${prefix}-${i}`, 4) === bucket) return `${prefix}-${i}`;
}

/**
 * Grows a site's day as the processor did before budgets, with no limit: one path bucket with
 * 2,048-character paths of 3-byte characters, and the day's and all-time totals with 64-character
 * event types, each until DynamoDB refuses the item as too large. Returns what was counted.
 */
async function fillUntilRefused(site: string): Promise<{ views: number; events: number; types: Map<string, number>; paths: Map<string, number> }> {
  const tally = { views: 0, events: 0, types: new Map<string, number>(), paths: new Map<string, number>() };
  const bucket = pathBucket('/legacy-path-0', 4);
  const update = (key: Key, adds: Record<string, number>) => ({
    Update: {
      TableName: aws.tables.aggregates,
      Key: key,
      UpdateExpression: `ADD ${Object.keys(adds).map((_, i) => `#a${i} :a${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(Object.keys(adds).map((name, i) => [`#a${i}`, name])),
      ExpressionAttributeValues: Object.fromEntries(Object.values(adds).map((value, i) => [`:a${i}`, value])),
    },
  });
  /** Commits one unit's worth; false when DynamoDB refused it for an item's size. */
  const commit = async (items: ReturnType<typeof update>[]) => {
    try {
      await aws.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.some((r) => r.Code === 'ValidationError')) return false;
      throw error;
    }
  };
  let n = 0;
  for (;;) {
    const path = n === 0 ? '/legacy-path-0' : newPathIn(bucket, `/${n}/`.padEnd(2040, '€'));
    n++;
    const totals = { views: 1, events: 1, 't#page_view': 1 };
    if (!(await commit([update(pathBucketKey(site, DAY, bucket), { [pathAttr(path)]: 1 }), update(totalsKey(site, DAY), totals), update(totalsKey(site, ALL_TIME), totals)]))) break;
    tally.views++;
    tally.events++;
    bump(tally.types, 'page_view');
    bump(tally.paths, path);
  }
  for (let step = 100; step >= 1; step = Math.floor(step / 10)) {
    for (;;) {
      const types = Array.from({ length: step }, () => `legacy-${n++}-`.padEnd(64, 'y'));
      const adds = { events: step, ...Object.fromEntries(types.map((type) => [typeAttr(type), 1])) };
      if (!(await commit([update(totalsKey(site, DAY), adds), update(totalsKey(site, ALL_TIME), adds)]))) break;
      tally.events += step;
      for (const type of types) bump(tally.types, type);
    }
  }
  return tally;
}

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

describe('a batch past its deadline', () => {
  it('commits no further unit and hands its messages back, counting them once on redelivery', async () => {
    const site = `late-${run}`;
    const events = Array.from({ length: 4 }, () => trackedEvent({ site_id: site }));
    const late = await processBatch(aws.doc, settings, records(events), `late-${run}`, Date.now(), { deadline: Date.now() - 1 });
    expect(late).toMatchObject({ counted: 0 });
    expect(late.failed.sort()).toEqual(records(events).map((r) => r.messageId).sort());
    // Redelivered after the claims' lease, the events are taken over and counted once.
    const again = await processBatch(aws.doc, settings, records(events), `late-again-${run}`, Date.now() + settings.leaseMs + 1);
    expect(again).toMatchObject({ failed: [], counted: 4 });
    expect((await readScopeStats(aws.doc, aws.tables.aggregates, site, DAY, 4)).views).toBe(4);
  });
});

describe('a long tail past the budget', () => {
  it('is planned as few units: values a full item will count under (other) take one attribute between them', async () => {
    // Prepare: fill a day's buckets, then a batch of 1,200 new distinct paths.
    const site = `tail-${run}`;
    const fill = Array.from({ length: 600 }, (_, i) => trackedEvent({ site_id: site, path: `/fill-${i}/`.padEnd(200, 'f') }));
    expect((await processBatch(aws.doc, settings, records(fill), `tail-fill-${run}`)).failed).toEqual([]);
    const tail = Array.from({ length: 1200 }, (_, i) => trackedEvent({ site_id: site, path: `/tail-${i}/`.padEnd(200, 't') }));
    // Act
    const result = await processBatch(aws.doc, settings, records(tail), `tail-${run}`);
    // Assess: one unit (200 new names an item would have made several), every event counted.
    expect(result).toMatchObject({ failed: [], counted: 1200, units: 1 });
    const day = await readScopeStats(aws.doc, aws.tables.aggregates, site, DAY, 4);
    expect(day.views).toBe(1800);
    expect(sum([...day.pathViews.values()])).toBe(1800);
  });
});
