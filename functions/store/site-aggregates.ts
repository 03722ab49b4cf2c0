import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { totalsKey, type Scope } from '../domain/keys.ts';
import { pathViewsAgree, sumTotals, unionSketches, type ScopeAggregates } from '../domain/stats.ts';
import type { DayTotals } from '../domain/timeseries.ts';
import { estimate, type ShardState } from '../domain/sketch.ts';
import { mapLimit } from '../commons/map-limit.ts';
import { readUntilAgreeing } from './agreeing-read.ts';
import { READ_CONCURRENCY, readDayPathViews, readDaySketch } from './day-partitions.ts';
import { readPathViews } from './path-views.ts';
import { readSketch } from './sketches.ts';
import { readTotals, totalsOf } from './totals.ts';

/**
 * The aggregates of one site for one day or all time: three reads at once, never raw events.
 * Read again (a few times) when the paths do not agree with the view counter, which happens
 * when the reads fall in the middle of a commit (see agreement.ts); the counter is read again
 * too, so paths ahead of it can agree on the next read.
 */
export async function readScopeAggregates(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
): Promise<ScopeAggregates> {
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
 * The aggregates of one site over distinct scopes (the days of a range, or all time alone):
 * counters and path views summed, unique users from the days' sketches merged shard by shard,
 * so a user seen on several days counts once. The totals come first (BatchGetItem); only days
 * with a totals item have path and sketch partitions to read, at most READ_CONCURRENCY at a
 * time, and a day's partitions are read again only when its totals changed.
 */
export async function readAggregates(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scopes: readonly Scope[],
): Promise<ScopeAggregates> {
  if (scopes.length === 1) return readScopeAggregates(doc, table, siteId, scopes[0]!);
  const totals = await readTotals(doc, table, siteId, scopes);
  const pathViews = new Map<string, number>();
  const sketches: ReadonlyMap<number, ShardState>[] = [];
  const reads = [...totals].flatMap(([day, dayTotals]) => [
    async () => {
      for (const [path, views] of await readDayPathViews(doc, table, siteId, day, dayTotals)) pathViews.set(path, (pathViews.get(path) ?? 0) + views);
    },
    async () => void sketches.push((await readDaySketch(doc, table, siteId, day, dayTotals.events)).shards),
  ]);
  await mapLimit(reads, READ_CONCURRENCY, (read) => read());
  return { ...sumTotals(totals.values()), pathViews, uniqueUsers: estimate(unionSketches(sketches)) };
}

/**
 * Views, events, visits and unique users of one site per day, for the days that have data: the totals
 * (BatchGetItem), then each such day's sketch (at most READ_CONCURRENCY at a time, again only
 * when its totals changed). No paths.
 */
export async function readDailyTotals(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  days: readonly Scope[],
): Promise<Map<Scope, DayTotals>> {
  const totals = await readTotals(doc, table, siteId, days);
  const withData = [...totals];
  const sketches = await mapLimit(withData, READ_CONCURRENCY, ([day, { events }]) => readDaySketch(doc, table, siteId, day, events));
  return new Map(withData.map(([day, { views, events, visits }], i) => [day, { views, events, visits, uniqueUsers: sketches[i]!.uniqueUsers }]));
}
