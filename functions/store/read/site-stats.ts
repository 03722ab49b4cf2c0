import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ALL_TIME, totalsKey, type Scope } from '../../domain/table-schema.ts';
import { eventsByScope, pathViewsAgree, sumTotals, unionSketches, type ScopeStats } from '../../domain/stats.ts';
import type { ScopeTotals } from '../../domain/timeseries.ts';
import { estimate } from '../../domain/sketch.ts';
import { readUntilAgreeing } from './agreeing-read.ts';
import { readPathViews } from './path-views.ts';
import { readRangePartitions } from './range-partitions.ts';
import { readSketch } from './sketches.ts';
import { readSiteDays, readTotals, totalsOf } from './totals.ts';
import { readRangeTotals } from './range-totals.ts';
import { carryInexact } from '../../domain/overflow-rows.ts';
import type { ScopeSketch } from './partition-cache.ts';
import { allSketchScopes, monthOfDay, monthVersions } from '../../domain/month-sketches.ts';

/** Page views per path of a site's days, summed. */
function sumPathViews(days: Iterable<ReadonlyMap<string, number>>): Map<string, number> {
  const pathViews = new Map<string, number>();
  for (const dayPaths of days) {
    for (const [path, views] of dayPaths) pathViews.set(path, (pathViews.get(path) ?? 0) + views);
    carryInexact(dayPaths, pathViews);
  }
  return pathViews;
}

/**
 * The stats of one site for one day or all time, from its counters and sketches (never raw events). `pathBuckets` is how
 * many path buckets a day has (all time reads every day's, by key); `monthsComplete` says
 * whether the site's month sketches may be kept in memory (all time reads them either way).
 */
export const readScopeStats = (
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
  pathBuckets: number,
  monthsComplete: (siteId: string) => Promise<boolean> = async () => false,
): Promise<ScopeStats> =>
  scope === ALL_TIME ? readAllTime(doc, table, siteId, pathBuckets, monthsComplete) : readDayStats(doc, table, siteId, scope);

/**
 * The stats of one site for one day: three reads at once. Read again (a few times) when
 * the paths do not agree with the view counter, which happens when the reads fall in the middle
 * of a commit (see agreement.ts); the counter is read again too, so paths ahead of it can agree
 * on the next read.
 */
async function readDayStats(doc: DynamoDBDocumentClient, table: string, siteId: string, scope: Scope): Promise<ScopeStats> {
  const { value } = await readUntilAgreeing(
    async () => {
      const [item, pathViews, sketch] = await Promise.all([
        doc.send(new GetCommand({ TableName: table, Key: totalsKey(siteId, scope) })),
        readPathViews(doc, table, siteId, scope),
        readSketch(doc, table, siteId, scope),
      ]);
      return { totals: totalsOf(item.Item), pathViews, sketch };
    },
    ({ totals, pathViews }) => (pathViewsAgree(pathViews, totals.views) ? 'agrees' : 'behind'),
  );
  return { ...value.totals, pathViews: value.pathViews, uniqueUsers: estimate(value.sketch) };
}

/**
 * All time: the counters of the all-time item; unique users from the month sketches of every
 * month with data merged, with the all-time sketch that processors before month sketches kept
 * (so a site's users from before and after are all there); and the paths of every day with data
 * added up (paths are kept by the day only; the days are read as a range is). Read again (a few
 * times) while the days' paths fall short of the all-time view counter, as a read in the middle
 * of a commit does.
 */
async function readAllTime(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  pathBuckets: number,
  monthsComplete: (siteId: string) => Promise<boolean>,
): Promise<ScopeStats> {
  const { value } = await readUntilAgreeing(
    async () => {
      const [item, days, legacy, complete] = await Promise.all([
        doc.send(new GetCommand({ TableName: table, Key: totalsKey(siteId, ALL_TIME) })),
        readSiteDays(doc, table, siteId),
        readSketch(doc, table, siteId, ALL_TIME),
        monthsComplete(siteId),
      ]);
      const partitions = await readRangePartitions(doc, table, siteId, days, {
        pathBuckets,
        sketchScopes: monthVersions(eventsByScope(days)),
        rememberSketches: complete,
      });
      const sketch = unionSketches([legacy, ...[...partitions.sketches.values()].map((month) => month.shards)]);
      return { totals: totalsOf(item.Item), pathViews: sumPathViews(partitions.pathViews.values()), sketch };
    },
    ({ totals, pathViews }) => (pathViewsAgree(pathViews, totals.views) ? 'agrees' : 'behind'),
  );
  return { ...value.totals, pathViews: value.pathViews, uniqueUsers: estimate(value.sketch) };
}

/**
 * The stats of one site over distinct scopes (the days of a range, or all time alone):
 * counters and path views summed, unique users from the days' or months' sketches merged shard
 * by shard, so a user seen on several days counts once. The totals come first (BatchGetItem);
 * only days with a totals item have path and sketch partitions, read together by their known
 * keys (`pathBuckets` buckets a day, see range-partitions.ts), and a partition is read again
 * only when its version changed. A month of the range with no data outside it is one month
 * sketch (see range-totals.ts). Without `paths`, a range reads no path buckets and its
 * `pathViews` is empty (top paths were not asked for).
 */
export async function readSiteStats(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scopes: readonly Scope[],
  { pathBuckets, monthsComplete }: StatsReadSettings,
  { paths = true }: { paths?: boolean } = {},
): Promise<ScopeStats> {
  if (scopes.length === 1) return readScopeStats(doc, table, siteId, scopes[0]!, pathBuckets, monthsComplete);
  const { totals, sketchScopes } = await readRangeTotals(doc, table, siteId, scopes, monthsComplete);
  const read = await readRangePartitions(doc, table, siteId, totals, {
    pathBuckets: paths ? pathBuckets : undefined,
    sketchScopes: allSketchScopes(sketchScopes),
  });
  return { ...sumTotals(totals.values()), pathViews: sumPathViews(read.pathViews.values()), uniqueUsers: estimate(unionOf(read.sketches.values())) };
}

/** How the stats function reads stats: the path buckets a day has, and whether a site's month sketches are complete. */
export interface StatsReadSettings {
  pathBuckets: number;
  monthsComplete: (siteId: string) => Promise<boolean>;
}

const unionOf = (sketches: Iterable<ScopeSketch>) => unionSketches([...sketches].map((sketch) => sketch.shards));

/**
 * Views, events, visits and unique users of one site per day, for the days that have data: the
 * totals (BatchGetItem), then the sketches of the days whose totals changed since they were last
 * read, together by their known keys. No paths.
 */
export async function readDailyTotals(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  days: readonly Scope[],
): Promise<Map<Scope, ScopeTotals>> {
  const totals = await readTotals(doc, table, siteId, days);
  const { sketches } = await readRangePartitions(doc, table, siteId, totals, { sketchScopes: eventsByScope(totals) });
  return new Map([...totals].map(([day, { views, events, visits }]) => [day, { views, events, visits, uniqueUsers: sketches.get(day)!.uniqueUsers }]));
}

/**
 * The same figures per month of a range (the days of the range in it): counters summed over the
 * month's days in the range, unique users from its month sketch when the month's days outside
 * the range have no data, else from its days' sketches merged. Months without data are left out.
 */
export async function readMonthlyTotals(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  days: readonly Scope[],
  monthsComplete: (siteId: string) => Promise<boolean>,
): Promise<Map<Scope, ScopeTotals>> {
  const { totals, sketchScopes } = await readRangeTotals(doc, table, siteId, days, monthsComplete);
  const { sketches } = await readRangePartitions(doc, table, siteId, new Map(), { sketchScopes: allSketchScopes(sketchScopes) });
  const daysByMonth = Map.groupBy(totals.keys(), monthOfDay);
  const months = new Map<Scope, ScopeTotals>();
  for (const [month, scopes] of sketchScopes) {
    const monthTotals = sumTotals(daysByMonth.get(month)!.map((day) => totals.get(day)!));
    const uniqueUsers = estimate(unionOf([...scopes.keys()].map((scope) => sketches.get(scope)!)));
    months.set(month, { views: monthTotals.views, events: monthTotals.events, visits: monthTotals.visits, uniqueUsers });
  }
  return months;
}
