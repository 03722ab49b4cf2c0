import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { agreementOf } from '../domain/agreement.ts';
import { addPathCounts, pathBucketKey, pathPartition, sketchPartition, sketchShardKey, type Key, type Scope } from '../domain/keys.ts';
import { estimate, SHARD_COUNT } from '../domain/sketch.ts';
import { totalPathViews } from '../domain/stats.ts';
import { mapLimit } from '../commons/map-limit.ts';
import { batchGetAll } from './batch-get.ts';
import { READ_CONCURRENCY, readDayPathViews, rememberDayPaths, rememberDaySketch, rememberedDay, type DaySketch } from './day-partitions.ts';
import { sketchOf } from './sketches.ts';

/** What a range needs of each day: the counters its partitions are checked and cached against. */
export type DayVersions = ReadonlyMap<Scope, { events: number; views: number }>;

export interface RangePartitions {
  /** Page views per path, by day (only when path buckets were asked for). */
  pathViews: Map<Scope, ReadonlyMap<string, number>>;
  sketches: Map<Scope, DaySketch>;
}

/**
 * The path views (with `pathBuckets`) and unique-user sketches (unless `sketches` is false) of
 * many days of one site. Days in
 * memory at their current `events` counter come from there (see day-partitions.ts); the others
 * are read together, strongly consistent, with BatchGetItem over their known keys (path buckets
 * 00 to pathBuckets-1, sketch shards 00-15; 100 keys a call, the calls at once), instead of a
 * Query of each day's two partitions. A day whose paths do not sum to its view counter (read in
 * the middle of a commit, or buckets written under a larger bucket count than `pathBuckets`) is
 * read again by Query of its whole partition, as a single day is, and cached only if it agrees.
 */
export async function readRangePartitions(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  days: DayVersions,
  { pathBuckets, sketches: withSketches = true }: { pathBuckets?: number; sketches?: boolean } = {},
): Promise<RangePartitions> {
  const pathViews = new Map<Scope, ReadonlyMap<string, number>>();
  const sketches = new Map<Scope, DaySketch>();
  const keys: Key[] = [];
  const pathDays: Scope[] = [];
  const sketchDays: Scope[] = [];
  for (const [day, { events }] of days) {
    if (pathBuckets !== undefined) {
      const paths = rememberedDay<ReadonlyMap<string, number>>('paths', table, siteId, day, events);
      if (paths) pathViews.set(day, paths);
      else {
        pathDays.push(day);
        for (let bucket = 0; bucket < pathBuckets; bucket++) keys.push(pathBucketKey(siteId, day, bucket));
      }
    }
    if (!withSketches) continue;
    const sketch = rememberedDay<DaySketch>('sketch', table, siteId, day, events);
    if (sketch) sketches.set(day, sketch);
    else {
      sketchDays.push(day);
      for (let shard = 0; shard < SHARD_COUNT; shard++) keys.push(sketchShardKey(siteId, day, shard));
    }
  }
  if (keys.length === 0) return { pathViews, sketches };

  const byPartition = new Map<string, Record<string, unknown>[]>();
  for (const item of await batchGetAll(doc, table, keys, { consistentRead: true })) {
    const pk = String(item.pk);
    let items = byPartition.get(pk);
    if (!items) byPartition.set(pk, (items = []));
    items.push(item);
  }
  for (const day of sketchDays) {
    const shards = sketchOf(byPartition.get(sketchPartition(siteId, day)) ?? []);
    const sketch = { shards, uniqueUsers: estimate(shards) };
    rememberDaySketch(table, siteId, day, days.get(day)!.events, sketch);
    sketches.set(day, sketch);
  }
  const disagreeing: Scope[] = [];
  for (const day of pathDays) {
    const views = new Map<string, number>();
    for (const item of byPartition.get(pathPartition(siteId, day)) ?? []) addPathCounts(item, views);
    const totals = days.get(day)!;
    if (agreementOf([[totalPathViews(views), totals.views]]) !== 'agrees') disagreeing.push(day);
    else {
      rememberDayPaths(table, siteId, day, totals.events, views);
      pathViews.set(day, views);
    }
  }
  await mapLimit(disagreeing, READ_CONCURRENCY, async (day) => void pathViews.set(day, await readDayPathViews(doc, table, siteId, day, days.get(day)!)));
  return { pathViews, sketches };
}
