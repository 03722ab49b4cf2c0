import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Dimension } from '../../domain/audience.ts';
import type { Scope } from '../../domain/table-schema.ts';
import type { SiteTotals } from '../../domain/stats.ts';
import { mapLimit } from '../../commons/map-limit.ts';
import { readDayBuckets, readScopeSketches } from './day-items.ts';
import { READ_CONCURRENCY, readDayPathViews, rememberDayBuckets, rememberSketch, rememberedPartition, type ScopeSketch } from './partition-cache.ts';

/** What a range needs of each day: its totals, which its partitions are checked and cached against. */
export type DayVersions = ReadonlyMap<Scope, SiteTotals>;

export interface RangePartitions {
  /** Page views per path, by day (only when path buckets were asked for). */
  pathViews: Map<Scope, ReadonlyMap<string, number>>;
  /** Unique-user sketches by scope (a day or a month). */
  sketches: Map<Scope, ScopeSketch>;
}

/**
 * The path views of many days of one site (with `pathBuckets`; see readDaysFromBuckets, which
 * keeps the buckets' breakdown counters too, for GET /stats/breakdown), and the unique-user
 * sketches of `sketchScopes` (days or months, each at its version: a day's `events` counter, a
 * month's sum of its days'). Sketches in memory at their current version come from there (see
 * partition-cache.ts); the others are read together, strongly consistent, by their known keys
 * (shards 00-15; see day-items.ts), instead of a Query of each partition. Without
 * `rememberSketches` sketches are neither taken from memory nor kept there: month sketches not
 * yet complete change without their version.
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
  const sketches = new Map<Scope, ScopeSketch>();
  const sketchesToRead = new Map<Scope, number>();
  for (const [scope, version] of sketchScopes) {
    const sketch = rememberSketches ? rememberedPartition<ScopeSketch>('sketch', table, siteId, scope, version) : undefined;
    if (sketch) sketches.set(scope, sketch);
    else sketchesToRead.set(scope, version);
  }
  const [pathViews, readSketches] = await Promise.all([
    pathBuckets !== undefined
      ? readDaysFromBuckets(doc, table, siteId, days, pathBuckets, {
          kind: 'paths',
          fromBuckets: (read) => read.pathViews,
          readWhole: (day, totals) => readDayPathViews(doc, table, siteId, day, totals),
        })
      : new Map<Scope, ReadonlyMap<string, number>>(),
    sketchesToRead.size > 0 ? readScopeSketches(doc, table, siteId, sketchesToRead) : new Map<Scope, ScopeSketch>(),
  ]);
  for (const [scope, sketch] of readSketches) {
    if (rememberSketches) rememberSketch(table, siteId, scope, sketchesToRead.get(scope)!, sketch);
    sketches.set(scope, sketch);
  }
  return { pathViews, sketches };
}

/** What one kind of a day's counts is, as its path buckets give it. */
interface BucketReading<T> {
  /** Where the counts are kept in memory (see partition-cache.ts). */
  kind: 'paths' | `breakdown:${Dimension}`;
  /** The counts from a read of the day's buckets, undefined when they do not agree with its totals. */
  fromBuckets: (read: ReturnType<typeof rememberDayBuckets>) => T | undefined;
  /** The counts of a day whose buckets did not agree, read by Query of its whole partition. */
  readWhole: (day: Scope, totals: SiteTotals) => Promise<T>;
}

/**
 * One kind of counts (paths, or a dimension's values) of many days, from their path buckets:
 * days in memory at their current `events` counter come from there; the others' buckets 00 to
 * `pathBuckets` - 1 are read together by key (see day-items.ts), and everything they hold that
 * agrees is kept in memory; a day that does not agree is read whole, as a single day is.
 */
export async function readDaysFromBuckets<T extends ReadonlyMap<string, unknown>>(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  days: DayVersions,
  pathBuckets: number,
  { kind, fromBuckets, readWhole }: BucketReading<T>,
): Promise<Map<Scope, T>> {
  const counts = new Map<Scope, T>();
  const unread = new Map<Scope, number>();
  for (const [day, { events }] of days) {
    const remembered = rememberedPartition(kind, table, siteId, day, events) as T | undefined;
    if (remembered) counts.set(day, remembered);
    else unread.set(day, events);
  }
  const disagreeing: Scope[] = [];
  if (unread.size > 0) {
    for (const [day, items] of await readDayBuckets(doc, table, siteId, unread, pathBuckets)) {
      const read = fromBuckets(rememberDayBuckets(table, siteId, day, days.get(day)!, items));
      if (read) counts.set(day, read);
      else disagreeing.push(day);
    }
  }
  await mapLimit(disagreeing, READ_CONCURRENCY, async (day) => void counts.set(day, await readWhole(day, days.get(day)!)));
  return counts;
}
