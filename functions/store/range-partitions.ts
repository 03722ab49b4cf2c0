import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Scope } from '../domain/keys.ts';
import type { SiteTotals } from '../domain/stats.ts';
import { mapLimit } from '../commons/map-limit.ts';
import { readDayBuckets, readDaySketches } from './day-items.ts';
import { READ_CONCURRENCY, readDayPathViews, rememberDayBuckets, rememberDaySketch, rememberedDay, type DaySketch } from './day-partitions.ts';

/** What a range needs of each day: its totals, which its partitions are checked and cached against. */
export type DayVersions = ReadonlyMap<Scope, SiteTotals>;

export interface RangePartitions {
  /** Page views per path, by day (only when path buckets were asked for). */
  pathViews: Map<Scope, ReadonlyMap<string, number>>;
  sketches: Map<Scope, DaySketch>;
}

/**
 * The path views (with `pathBuckets`) and unique-user sketches (unless `sketches` is false) of
 * many days of one site. Days in memory at their current `events` counter come from there (see
 * day-partitions.ts); the others are read together, strongly consistent, by their known keys
 * (path buckets 00 to pathBuckets-1, sketch shards 00-15; see day-items.ts), instead of a Query
 * of each day's two partitions. The buckets' breakdown counters are kept too, for
 * GET /stats/breakdown. A day whose paths do not sum to its view counter (read in the middle of
 * a commit, or buckets written under a larger bucket count than `pathBuckets`) is read again by
 * Query of its whole partition, as a single day is, and cached only if it agrees.
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
  const pathDays = new Map<Scope, number>();
  const sketchDays = new Map<Scope, number>();
  for (const [day, { events }] of days) {
    if (pathBuckets !== undefined) {
      const paths = rememberedDay<ReadonlyMap<string, number>>('paths', table, siteId, day, events);
      if (paths) pathViews.set(day, paths);
      else pathDays.set(day, events);
    }
    if (!withSketches) continue;
    const sketch = rememberedDay<DaySketch>('sketch', table, siteId, day, events);
    if (sketch) sketches.set(day, sketch);
    else sketchDays.set(day, events);
  }
  const [buckets, readSketches] = await Promise.all([
    pathDays.size > 0 ? readDayBuckets(doc, table, siteId, pathDays, pathBuckets!) : new Map<Scope, Record<string, unknown>[]>(),
    sketchDays.size > 0 ? readDaySketches(doc, table, siteId, sketchDays) : new Map<Scope, DaySketch>(),
  ]);
  for (const [day, sketch] of readSketches) {
    rememberDaySketch(table, siteId, day, days.get(day)!.events, sketch);
    sketches.set(day, sketch);
  }
  const disagreeing: Scope[] = [];
  for (const [day, items] of buckets) {
    const read = rememberDayBuckets(table, siteId, day, days.get(day)!, items).pathViews;
    if (read) pathViews.set(day, read);
    else disagreeing.push(day);
  }
  await mapLimit(disagreeing, READ_CONCURRENCY, async (day) => void pathViews.set(day, await readDayPathViews(doc, table, siteId, day, days.get(day)!)));
  return { pathViews, sketches };
}
