import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Scope } from '../domain/keys.ts';
import type { SiteTotals } from '../domain/stats.ts';
import { mapLimit } from '../commons/map-limit.ts';
import { readDayBuckets, readScopeSketches } from './day-items.ts';
import { READ_CONCURRENCY, readDayPathViews, rememberDayBuckets, rememberDaySketch, rememberedDay, type DaySketch } from './day-partitions.ts';

/** What a range needs of each day: its totals, which its partitions are checked and cached against. */
export type DayVersions = ReadonlyMap<Scope, SiteTotals>;

export interface RangePartitions {
  /** Page views per path, by day (only when path buckets were asked for). */
  pathViews: Map<Scope, ReadonlyMap<string, number>>;
  /** Unique-user sketches by scope (a day or a month). */
  sketches: Map<Scope, DaySketch>;
}

/**
 * The path views of many days of one site (with `pathBuckets`), and the unique-user sketches of
 * `sketchScopes` (days or months, each at its version: a day's `events` counter, a month's sum
 * of its days'). Days and scopes in memory at their current version come from there (see
 * day-partitions.ts); the others are read together, strongly consistent, by their known keys
 * (path buckets 00 to pathBuckets-1, sketch shards 00-15; see day-items.ts), instead of a Query
 * of each partition (sketches are neither taken from memory nor kept there without
 * `rememberSketches`: month sketches not yet complete change without their version). The buckets' breakdown counters are kept too, for GET /stats/breakdown. A
 * day whose paths do not sum to its view counter (read in the middle of a commit, or buckets
 * written under a larger bucket count than `pathBuckets`) is read again by Query of its whole
 * partition, as a single day is, and cached only if it agrees.
 */
export async function readRangePartitions(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  days: DayVersions,
  {
    pathBuckets,
    sketchScopes = new Map(),
    rememberSketches = true,
  }: { pathBuckets?: number; sketchScopes?: ReadonlyMap<Scope, number>; rememberSketches?: boolean } = {},
): Promise<RangePartitions> {
  const pathViews = new Map<Scope, ReadonlyMap<string, number>>();
  const sketches = new Map<Scope, DaySketch>();
  const pathDays = new Map<Scope, number>();
  const sketchesToRead = new Map<Scope, number>();
  if (pathBuckets !== undefined) {
    for (const [day, { events }] of days) {
      const paths = rememberedDay<ReadonlyMap<string, number>>('paths', table, siteId, day, events);
      if (paths) pathViews.set(day, paths);
      else pathDays.set(day, events);
    }
  }
  for (const [scope, version] of sketchScopes) {
    const sketch = rememberSketches ? rememberedDay<DaySketch>('sketch', table, siteId, scope, version) : undefined;
    if (sketch) sketches.set(scope, sketch);
    else sketchesToRead.set(scope, version);
  }
  const [buckets, readSketches] = await Promise.all([
    pathDays.size > 0 ? readDayBuckets(doc, table, siteId, pathDays, pathBuckets!) : new Map<Scope, Record<string, unknown>[]>(),
    sketchesToRead.size > 0 ? readScopeSketches(doc, table, siteId, sketchesToRead) : new Map<Scope, DaySketch>(),
  ]);
  for (const [scope, sketch] of readSketches) {
    if (rememberSketches) rememberDaySketch(table, siteId, scope, sketchesToRead.get(scope)!, sketch);
    sketches.set(scope, sketch);
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
