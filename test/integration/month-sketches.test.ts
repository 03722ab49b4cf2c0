import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchGetCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { TrackedEvent } from '../../functions/domain/event.ts';
import { ALL_TIME, sketchShardKey } from '../../functions/domain/table-schema.ts';
import { daysIn, type DayRange } from '../../functions/domain/stats.ts';
import { estimate, hashUser, SHARD_COUNT } from '../../functions/domain/sketch.ts';
import { readSiteStats, readMonthlyTotals, readScopeStats } from '../../functions/store/read/site-stats.ts';
import { siteRecorder } from '../../functions/store/write/site-recorder.ts';
import { hasMonthSketches, recordSiteWithData } from '../../functions/store/sites/sites-with-data.ts';
import { mergeSketch } from '../../functions/store/write/sketch-merges.ts';
import { readSketch } from '../../functions/store/read/sketches.ts';
import { backfillMonthSketches } from '../../ops/migrations/backfill-months/backfill-months.ts';
import { ADMIN_AUTH } from '../support/aws.ts';
import { lambdaContext, restEvent } from '../support/events.ts';
import { trackedEvent } from '../support/factories.ts';
import { silenceOutput } from '../support/output.ts';
import { countingStack, processAll, type CountingStack } from '../support/processing.ts';

let { aws, settings, stats } = {} as CountingStack;
beforeAll(async () => {
  silenceOutput();
  ({ aws, settings, stats } = await countingStack((aws) => ({ recordSites: siteRecorder(aws.doc, aws.tables.aggregates) })));
});
afterEach(() => vi.restoreAllMocks());

const run = Date.now().toString(36);
let siteCounter = 0;
const newSite = () => `months-${run}-${siteCounter++}`;
let batchCounter = 0;

const load = (events: TrackedEvent[], processor = settings): Promise<void> =>
  processAll(aws.doc, processor, events, () => `months-${run}-${batchCounter++}`);

/** Three users a day from 2025-09-20 to 2025-11-10, drawn from 40, so users come back on other days and months. */
function history(site: string): TrackedEvent[] {
  return daysIn({ from: '2025-09-20', to: '2025-11-10' }).flatMap((day, d) =>
    [0, 1, 2].map((k) => trackedEvent({ site_id: site, user_id: `u${(d * 7 + k * 13) % 40}`, path: `/p${k}`, timestamp: `${day}T12:0${k}:00.000Z` })),
  );
}

const usersIn = (events: TrackedEvent[], range: DayRange) => new Set(events.filter((e) => e.day >= range.from && e.day <= range.to).map((e) => e.user_id)).size;

async function get(path: string, query: Record<string, string>) {
  const response = await stats(restEvent({ method: 'GET', path, query, headers: ADMIN_AUTH }), lambdaContext('stats'));
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

/** The sketch shard keys (`U#` partitions) and path bucket keys (`P#`) that `doc` asks BatchGetItem for from now on. */
function keysRead() {
  const send = vi.spyOn(aws.doc, 'send');
  const keys = () =>
    send.mock.calls.flatMap(([command]) =>
      command instanceof BatchGetCommand ? Object.values(command.input.RequestItems ?? {}).flatMap((request) => request.Keys ?? []) : [],
    );
  return {
    sketchPartitions: () => new Set(keys().filter((key) => String(key.pk).startsWith('U#')).map((key) => String(key.pk).split('#').at(-1))),
    pathKeys: () => keys().filter((key) => String(key.pk).startsWith('P#')).length,
  };
}

describe('month sketches', () => {
  it('are merged by the processor beside the day sketches, and no all-time sketch is kept', async () => {
    // Prepare
    const site = newSite();
    const events = history(site);

    // Act
    await load(events);

    // Assess
    expect(await hasMonthSketches(aws.doc, aws.tables.aggregates, site)).toBe(true);
    for (const month of ['2025-09', '2025-10', '2025-11']) {
      const sketch = await readSketch(aws.doc, aws.tables.aggregates, site, month, { consistent: true });
      expect(estimate(sketch), month).toBe(usersIn(events, { from: `${month}-01`, to: `${month}-31` }));
    }
    expect((await readSketch(aws.doc, aws.tables.aggregates, site, ALL_TIME, { consistent: true })).size).toBe(0);
    const allTime = await readScopeStats(aws.doc, aws.tables.aggregates, site, ALL_TIME, 4);
    expect(allTime.uniqueUsers).toBe(40);
  });

  it('give a range the same unique users as its days, reading a whole month as one sketch', async () => {
    // Prepare: October is whole in the range; September has data before it; November none after it.
    const site = newSite();
    const events = history(site);
    await load(events);
    const range = { from: '2025-09-25', to: '2025-11-30' };
    const expected = usersIn(events, range);

    // Act
    const { status, body } = await get('/stats', { site_id: site, ...range });
    const reads = keysRead();
    const read = await readSiteStats(aws.doc, aws.tables.aggregates, site, daysIn(range), {
      pathBuckets: 4,
      monthsComplete: (id) => hasMonthSketches(aws.doc, aws.tables.aggregates, id),
    });

    // Assess: September's days in the range, October and November whole.
    expect(status).toBe(200);
    expect(body.unique_users).toBe(expected);
    expect(read.uniqueUsers).toBe(expected);
    expect(body.total_views).toBe(events.filter((e) => e.day >= range.from).length);
    const partitions = [...reads.sketchPartitions()].sort();
    expect(partitions).toEqual([...daysIn({ from: '2025-09-25', to: '2025-09-30' }), '2025-10', '2025-11']);
    // The same figure from the days alone.
    const byDays = await readSiteStats(aws.doc, aws.tables.aggregates, site, daysIn(range), { pathBuckets: 4, monthsComplete: async () => false });
    expect(byDays.uniqueUsers).toBe(expected);
  });

  it('give GET /stats/timeseries by the month each month’s figures, its first and last months clipped to the range', async () => {
    // Prepare
    const site = newSite();
    const events = history(site);
    await load(events);
    const range = { from: '2025-09-25', to: '2025-11-05' };

    // Act
    const { status, body } = await get('/stats/timeseries', { site_id: site, interval: 'month', ...range });

    // Assess
    expect(status).toBe(200);
    const point = (month: string, from: string, to: string) => {
      const mine = events.filter((e) => e.day >= from && e.day <= to);
      return { month, from, to, views: mine.length, unique_users: usersIn(events, { from, to }), events: mine.length, visits: 0 };
    };
    expect(body).toEqual({
      site_id: site,
      timezone: 'UTC',
      answered_by: 'counters',
      ...range,
      points: [point('2025-09', '2025-09-25', '2025-09-30'), point('2025-10', '2025-10-01', '2025-10-31'), point('2025-11', '2025-11-01', '2025-11-05')],
    });
  });

  it('give GET /stats with limit=0 the figures without top paths, which a range then does not read', async () => {
    // Prepare
    const site = newSite();
    await load(history(site));
    const october = daysIn({ from: '2025-10-01', to: '2025-10-31' });
    const settings = { pathBuckets: 4, monthsComplete: async () => true };

    // Act
    const { status, body } = await get('/stats', { site_id: site, from: '2025-10-01', to: '2025-10-31', limit: '0' });
    const reads = keysRead();
    const withoutPaths = await readSiteStats(aws.doc, aws.tables.aggregates, site, october, settings, { paths: false });

    // Assess
    expect(status).toBe(200);
    expect(body.top_paths).toEqual([]);
    expect(body.total_views).toBe(93);
    expect(withoutPaths.views).toBe(93);
    expect(reads.pathKeys()).toBe(0);
    expect((await readSiteStats(aws.doc, aws.tables.aggregates, site, october, settings)).pathViews.size).toBe(3);
    expect(reads.pathKeys()).toBe(31 * 4);
  });

  it('are built for data counted before them by npm run backfill-months, which all-time figures do not wait for', async () => {
    // Prepare: a site as processors before month sketches left it: day sketches and an all-time
    // sketch, no month sketches, recorded without the month flag.
    const site = newSite();
    const events = history(site);
    await recordSiteWithData(aws.doc, aws.tables.aggregates, site);
    await load(events, { ...settings, recordSites: undefined });
    for (const month of ['2025-09', '2025-10', '2025-11']) {
      for (let shard = 0; shard < SHARD_COUNT; shard++) {
        await aws.doc.send(new DeleteCommand({ TableName: aws.tables.aggregates, Key: sketchShardKey(site, month, shard) }));
      }
    }
    await mergeSketch(aws.doc, aws.tables.aggregates, site, ALL_TIME, events.map((e) => hashUser(e.user_id)));
    const range = daysIn({ from: '2025-09-25', to: '2025-11-30' });
    const complete = () => hasMonthSketches(aws.doc, aws.tables.aggregates, site);

    // Before: ranges read days (the site is not marked), all time the old all-time sketch.
    expect(await complete()).toBe(false);
    expect((await readSiteStats(aws.doc, aws.tables.aggregates, site, range, { pathBuckets: 4, monthsComplete: complete })).uniqueUsers).toBe(
      usersIn(events, { from: '2025-09-25', to: '2025-11-30' }),
    );
    expect((await readScopeStats(aws.doc, aws.tables.aggregates, site, ALL_TIME, 4, complete)).uniqueUsers).toBe(40);

    // Act
    const first = await backfillMonthSketches(aws.doc, aws.tables.aggregates);
    const again = await backfillMonthSketches(aws.doc, aws.tables.aggregates);

    // Assess: the months hold their users, the site is marked, ranges read its months.
    expect(first.built).toBeGreaterThanOrEqual(1);
    expect(first.months).toBeGreaterThanOrEqual(3);
    expect(again.built).toBe(0);
    expect(await complete()).toBe(true);
    const reads = keysRead();
    const months = await readMonthlyTotals(aws.doc, aws.tables.aggregates, site, range, complete);
    expect([...months].map(([month, totals]) => [month, totals.uniqueUsers])).toEqual([
      ['2025-09', usersIn(events, { from: '2025-09-25', to: '2025-09-30' })],
      ['2025-10', usersIn(events, { from: '2025-10-01', to: '2025-10-31' })],
      ['2025-11', usersIn(events, { from: '2025-11-01', to: '2025-11-30' })],
    ]);
    expect((await readSiteStats(aws.doc, aws.tables.aggregates, site, range, { pathBuckets: 4, monthsComplete: complete })).uniqueUsers).toBe(
      usersIn(events, { from: '2025-09-25', to: '2025-11-30' }),
    );
    expect([...reads.sketchPartitions()].filter((scope) => scope?.length === 7).sort()).toEqual(['2025-10', '2025-11']);
  });
});
