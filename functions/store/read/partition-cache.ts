import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DIMENSIONS, type Dimension } from '../../domain/audience.ts';
import { breakdownAgreement, type ValueCounts } from '../../domain/breakdown.ts';
import { agreementOf } from '../../domain/agreement.ts';
import { addDimensionCounts, addPathCounts, DIMENSION_CODES, PATHS_CODE, type Scope } from '../../domain/table-schema.ts';
import { listHeavyPaths, listHeavyValues } from '../../domain/overflow-rows.ts';
import type { ShardState } from '../../domain/sketch.ts';
import { totalPathViews, type SiteTotals } from '../../domain/stats.ts';
import { WeightedLru } from '../../commons/weighted-lru.ts';
import { readAgreeingDimensionCounts } from './dimension-counts.ts';
import { readAgreeingPathViews } from './path-views.ts';

/**
 * The stats function's cache of partitions: what it read of a day's path buckets (paths and the
 * counts of each dimension) and of a day's or a month's sketch, kept in memory between
 * invocations under the version it was read at, and read again only when that changed.
 *
 * Every commit that changes a day's path buckets or adds its users adds to the `events` counter
 * of the day's totals item in the same transaction (sketches are merged just before it), so an
 * unchanged counter means unchanged partitions. A partition is cached under the counter read
 * before it, read with strong consistency; paths are cached only when they agree with the
 * day's view counter (a read in the middle of a commit does not), so a cached partition is
 * never older than its counter; a dimension's counts likewise when they agree with the day's
 * visit counters (see breakdownAgreement).
 */

/** Partition reads in flight at once for a range of days. */
export const READ_CONCURRENCY = 16;

/** Approximate bytes the cache may hold (the stats function has 256 MB). */
const CACHE_BYTES = 32 * 1024 * 1024;

/** The unique-user sketch of a scope (a day or a month) and its estimate. */
export interface ScopeSketch {
  shards: ReadonlyMap<number, ShardState>;
  uniqueUsers: number;
}

interface Cached<T> {
  /** The scope's version when the partition was read: a day's `events` counter, a month's sum of its days'. */
  version: number;
  value: T;
}

const cache = new WeightedLru<string, Cached<unknown>>(CACHE_BYTES);

const cacheKey = (kind: 'paths' | 'sketch' | `breakdown:${Dimension}`, table: string, siteId: string, scope: Scope): string =>
  `${kind}\n${table}\n${siteId}\n${scope}`;

/** Approximate bytes of a map from paths or dimension values to counts. */
const mapWeight = (counts: ReadonlyMap<string, unknown>): number => {
  let bytes = 64;
  for (const key of counts.keys()) bytes += 64 + 2 * key.length;
  return bytes;
};

const sketchWeight = ({ shards }: ScopeSketch): number => {
  let bytes = 64;
  for (const state of shards.values()) bytes += state.kind === 'dense' ? 600 : 64 + 48 * state.hashes.length;
  return bytes;
};

/** A day's paths or counts of a dimension, or a scope's sketch, from memory, if they were read at `version`. */
export function rememberedPartition<T extends ReadonlyMap<string, number> | ScopeSketch | ReadonlyMap<string, ValueCounts>>(
  kind: 'paths' | 'sketch' | `breakdown:${Dimension}`,
  table: string,
  siteId: string,
  scope: Scope,
  version: number,
): T | undefined {
  const hit = cache.get(cacheKey(kind, table, siteId, scope));
  return hit?.version === version ? (hit.value as T) : undefined;
}

/** Keeps a day's paths, read at `version`, that agree with its view counter. */
export function rememberDayPaths(table: string, siteId: string, day: Scope, version: number, pathViews: ReadonlyMap<string, number>): void {
  cache.set(cacheKey('paths', table, siteId, day), { version, value: pathViews }, mapWeight(pathViews));
}

/** Keeps a scope's sketch (a day's or a month's), read at `version`. */
export function rememberSketch(table: string, siteId: string, scope: Scope, version: number, sketch: ScopeSketch): void {
  cache.set(cacheKey('sketch', table, siteId, scope), { version, value: sketch }, sketchWeight(sketch));
}

/**
 * What a day's path buckets, read together at `totals.events`, hold: page views per path, and
 * visits and page views per value of each dimension. Paths are kept when they agree with the
 * day's view counter; a dimension's counts when they agree with its visit counters (see
 * breakdownAgreement) and the paths agree too, so that no bucket was missed. `pathViews` is
 * undefined when the paths do not agree; `breakdowns` holds the dimensions that agree.
 */
export function rememberDayBuckets(
  table: string,
  siteId: string,
  day: Scope,
  totals: SiteTotals,
  items: readonly Record<string, unknown>[],
): { pathViews: ReadonlyMap<string, number> | undefined; breakdowns: Map<Dimension, ReadonlyMap<string, ValueCounts>> } {
  const pathViews = new Map<string, number>();
  for (const item of items) addPathCounts(item, pathViews);
  listHeavyPaths(items, PATHS_CODE, pathViews);
  const breakdowns = new Map<Dimension, ReadonlyMap<string, ValueCounts>>();
  if (agreementOf([[totalPathViews(pathViews), totals.views]]) !== 'agrees') return { pathViews: undefined, breakdowns };
  rememberDayPaths(table, siteId, day, totals.events, pathViews);
  for (const dimension of DIMENSIONS) {
    const counts = new Map<string, ValueCounts>();
    for (const item of items) addDimensionCounts(item, dimension, counts);
    listHeavyValues(items, DIMENSION_CODES[dimension], counts);
    if (breakdownAgreement(counts, dimension, totals) !== 'agrees') continue;
    cache.set(cacheKey(`breakdown:${dimension}`, table, siteId, day), { version: totals.events, value: counts }, mapWeight(counts));
    breakdowns.set(dimension, counts);
  }
  return { pathViews, breakdowns };
}

/** A cached value if it was read at `version`, else `read()`'s value, cached if `keep`. */
async function cached<T>(
  key: string,
  version: number,
  read: () => Promise<{ value: T; keep: boolean }>,
  weigh: (value: T) => number,
): Promise<T> {
  const hit = cache.get(key);
  if (hit?.version === version) return hit.value as T;
  const { value, keep } = await read();
  if (keep) cache.set(key, { version, value }, weigh(value));
  return value;
}

/**
 * Page views per path on one day, summed over the day's path buckets (whatever their number),
 * agreeing with the day's `views` counter; paths that never agreed (a torn read) are returned
 * but not cached.
 */
export function readDayPathViews(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  day: Scope,
  totals: { events: number; views: number },
): Promise<ReadonlyMap<string, number>> {
  return cached(
    cacheKey('paths', table, siteId, day),
    totals.events,
    async () => {
      const { pathViews, agrees } = await readAgreeingPathViews(doc, table, siteId, day, totals.views);
      return { value: pathViews, keep: agrees };
    },
    mapWeight,
  );
}

/**
 * Visits and page views per value of one dimension on one day, from the day's path buckets,
 * agreeing with the day's visit counters; counts that never agreed are returned but not cached.
 */
export function readDayBreakdown(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  day: Scope,
  dimension: Dimension,
  totals: SiteTotals,
): Promise<ReadonlyMap<string, ValueCounts>> {
  return cached(
    cacheKey(`breakdown:${dimension}`, table, siteId, day),
    totals.events,
    async () => {
      const { counts, agrees } = await readAgreeingDimensionCounts(doc, table, siteId, day, dimension, totals);
      return { value: counts, keep: agrees };
    },
    mapWeight,
  );
}
