import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { processBatch, type ProcessorSettings } from '../../functions/processor/process-batch.ts';
import { toQueueMessage, type TrackedEvent } from '../../functions/domain/event.ts';
import { readScopeAggregates } from '../../functions/store/site-aggregates.ts';
import { readBreakdown } from '../../functions/store/breakdowns.ts';
import { ALL_TIME, pathPartition, totalsKey } from '../../functions/domain/keys.ts';
import { BUCKET_BUDGET_BYTES, MAX_EVENT_TYPES, OTHER, TOTALS_BUDGET_BYTES } from '../../functions/domain/counter-budget.ts';
import type { VisitMarks } from '../../functions/domain/visit.ts';
import { trackedEvent } from '../support/factories.ts';
import { stackResources, type StackResources } from '../support/aws.ts';
import { itemBytes, shuffled, tallyOf } from '../support/counters.ts';

let aws: StackResources;
let settings: ProcessorSettings;
beforeAll(async () => {
  aws = await stackResources();
  settings = { tables: aws.tables, pathBuckets: 4, leaseMs: 90_000, retentionDays: 90 };
});

const DAY = '2025-11-12';
const run = Date.now().toString(36);
const records = (events: TrackedEvent[]) => events.map((e) => ({ messageId: `m-${e.event_id}`, body: toQueueMessage(e) }));
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
      const day = await readScopeAggregates(aws.doc, aws.tables.aggregates, site, DAY, 4);
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
      const allTime = await readScopeAggregates(aws.doc, aws.tables.aggregates, site, ALL_TIME, 4);
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
    expect(buckets.Items).toHaveLength(4);
    for (const item of buckets.Items!) expect(itemBytes(item)).toBeLessThan(BUCKET_BUDGET_BYTES + 2048);
  });
});

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
