import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Scope } from '../domain/keys.ts';
import { estimate, type ShardState } from '../domain/sketch.ts';
import { WeightedLru } from '../commons/weighted-lru.ts';
import { readAgreeingPathViews } from './path-views.ts';
import { readSketch } from './sketches.ts';

/**
 * The path and sketch partitions of single days, kept in memory between invocations and read
 * again only when the day's totals have changed.
 *
 * Every commit that changes a day's path buckets or adds its users adds to the `events` counter
 * of the day's totals item in the same transaction (sketches are merged just before it), so an
 * unchanged counter means unchanged partitions. A partition is cached under the counter read
 * before it, read with strong consistency; paths are cached only when they agree with the
 * day's view counter (a read in the middle of a commit does not), so a cached partition is
 * never older than its counter.
 */

/** Approximate bytes the cache may hold (the stats function has 256 MB). */
const CACHE_BYTES = 32 * 1024 * 1024;

/** A day's unique-user sketch and its estimate. */
export interface DaySketch {
  shards: ReadonlyMap<number, ShardState>;
  uniqueUsers: number;
}

interface Cached<T> {
  /** The day's `events` counter when the partition was read. */
  version: number;
  value: T;
}

const cache = new WeightedLru<string, Cached<unknown>>(CACHE_BYTES);

const cacheKey = (kind: 'paths' | 'sketch', table: string, siteId: string, day: Scope): string => `${kind}\n${table}\n${siteId}\n${day}`;

const pathsWeight = (views: ReadonlyMap<string, number>): number => {
  let bytes = 64;
  for (const path of views.keys()) bytes += 64 + 2 * path.length;
  return bytes;
};

const sketchWeight = ({ shards }: DaySketch): number => {
  let bytes = 64;
  for (const state of shards.values()) bytes += state.kind === 'dense' ? 600 : 64 + 48 * state.hashes.length;
  return bytes;
};

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
    pathsWeight,
  );
}

/** One day's unique-user sketch with its estimate. */
export function readDaySketch(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  day: Scope,
  version: number,
): Promise<DaySketch> {
  return cached(
    cacheKey('sketch', table, siteId, day),
    version,
    async () => {
      const shards = await readSketch(doc, table, siteId, day, { consistent: true });
      return { value: { shards, uniqueUsers: estimate(shards) }, keep: true };
    },
    sketchWeight,
  );
}
