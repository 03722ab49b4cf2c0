import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ALL_TIME, totalsKey, type Scope } from '../domain/keys.ts';
import { pathViewsAgree, sumTotals, unionSketches, type ScopeAggregates } from '../domain/stats.ts';
import type { DayTotals } from '../domain/timeseries.ts';
import { estimate } from '../domain/sketch.ts';
import { readUntilAgreeing } from './agreeing-read.ts';
import { readPathViews } from './path-views.ts';
import { readRangePartitions } from './range-partitions.ts';
import { readSketch } from './sketches.ts';
import { readSiteDays, readTotals, totalsOf } from './totals.ts';

/** Page views per path of a site's days, summed. */
function sumPathViews(days: Iterable<ReadonlyMap<string, number>>): Map<string, number> {
  const pathViews = new Map<string, number>();
  for (const dayPaths of days) for (const [path, views] of dayPaths) pathViews.set(path, (pathViews.get(path) ?? 0) + views);
  return pathViews;
}

/**
 * The aggregates of one site for one day or all time, never raw events. `pathBuckets` is how
 * many path buckets a day has (all time reads every day's, by key).
 */
export const readScopeAggregates = (
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
  pathBuckets: number,
): Promise<ScopeAggregates> =>
  scope === ALL_TIME ? readAllTime(doc, table, siteId, pathBuckets) : readDayAggregates(doc, table, siteId, scope);

/**
 * The aggregates of one site for one day: three reads at once. Read again (a few times) when
 * the paths do not agree with the view counter, which happens when the reads fall in the middle
 * of a commit (see agreement.ts); the counter is read again too, so paths ahead of it can agree
 * on the next read.
 */
async function readDayAggregates(doc: DynamoDBDocumentClient, table: string, siteId: string, scope: Scope): Promise<ScopeAggregates> {
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
 * All time: the counters and unique users of the all-time items, and the paths of every day
 * with data added up (paths are kept by the day only; the days are read as a range is). Read
 * again (a few times) while the days' paths fall short of the all-time view counter, as a read
 * in the middle of a commit does.
 */
async function readAllTime(doc: DynamoDBDocumentClient, table: string, siteId: string, pathBuckets: number): Promise<ScopeAggregates> {
  const { value } = await readUntilAgreeing(
    async () => {
      const [item, days, sketch] = await Promise.all([
        doc.send(new GetCommand({ TableName: table, Key: totalsKey(siteId, ALL_TIME) })),
        readSiteDays(doc, table, siteId),
        readSketch(doc, table, siteId, ALL_TIME),
      ]);
      const partitions = await readRangePartitions(doc, table, siteId, days, { pathBuckets, sketches: false });
      return { totals: totalsOf(item.Item), pathViews: sumPathViews(partitions.pathViews.values()), sketch };
    },
    ({ totals, pathViews }) => (pathViewsAgree(pathViews, totals.views) ? 'agrees' : 'behind'),
  );
  return { ...value.totals, pathViews: value.pathViews, uniqueUsers: estimate(value.sketch) };
}

/**
 * The aggregates of one site over distinct scopes (the days of a range, or all time alone):
 * counters and path views summed, unique users from the days' sketches merged shard by shard,
 * so a user seen on several days counts once. The totals come first (BatchGetItem); only days
 * with a totals item have path and sketch partitions, read together by their known keys
 * (`pathBuckets` buckets a day, see range-partitions.ts), and a day's partitions are read again
 * only when its totals changed.
 */
export async function readAggregates(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scopes: readonly Scope[],
  pathBuckets: number,
): Promise<ScopeAggregates> {
  if (scopes.length === 1) return readScopeAggregates(doc, table, siteId, scopes[0]!, pathBuckets);
  const totals = await readTotals(doc, table, siteId, scopes);
  const days = await readRangePartitions(doc, table, siteId, totals, { pathBuckets });
  const sketches = [...days.sketches.values()].map((sketch) => sketch.shards);
  return { ...sumTotals(totals.values()), pathViews: sumPathViews(days.pathViews.values()), uniqueUsers: estimate(unionSketches(sketches)) };
}

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
): Promise<Map<Scope, DayTotals>> {
  const totals = await readTotals(doc, table, siteId, days);
  const { sketches } = await readRangePartitions(doc, table, siteId, totals);
  return new Map([...totals].map(([day, { views, events, visits }]) => [day, { views, events, visits, uniqueUsers: sketches.get(day)!.uniqueUsers }]));
}
