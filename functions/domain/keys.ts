/**
 * Every DynamoDB key and counter attribute name is built here. Ids never contain `#`
 * (their alphabets exclude it), so `#` separates key parts unambiguously.
 */

/** The scope of an aggregate: a day (YYYY-MM-DD) in the site's time zone, or all time. */
export type Scope = string;
export const ALL_TIME: Scope = 'ALL';

export interface Key {
  pk: string;
  sk: string;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Raw event: one item per (site, event_id), so a retried event finds its first copy. */
export const rawEventKey = (siteId: string, eventId: string): Key => ({ pk: `E#${siteId}#${eventId}`, sk: 'E' });

/** Commit marker of one unit of counter updates. */
export const markerKey = (unitId: string): Key => ({ pk: `C#${unitId}`, sk: 'C' });

/** Views, events and per-type counts of a site for one scope. */
export const totalsKey = (siteId: string, scope: Scope): Key => ({ pk: `S#${siteId}`, sk: `T#${scope}` });

/** Partition holding a site's path buckets for one scope. */
export const pathPartition = (siteId: string, scope: Scope): string => `P#${siteId}#${scope}`;
export const pathBucketKey = (siteId: string, scope: Scope, bucket: number): Key => ({
  pk: pathPartition(siteId, scope),
  sk: pad2(bucket),
});

/** Partition holding a site's unique-user sketch shards for one scope. */
export const sketchPartition = (siteId: string, scope: Scope): string => `U#${siteId}#${scope}`;
export const sketchShardKey = (siteId: string, scope: Scope, shard: number): Key => ({
  pk: sketchPartition(siteId, scope),
  sk: pad2(shard),
});

export const VIEWS_ATTR = 'views';
export const EVENTS_ATTR = 'events';
const TYPE_PREFIX = 't#';
const PATH_PREFIX = 'p#';

export const typeAttr = (eventType: string): string => TYPE_PREFIX + eventType;
export const pathAttr = (path: string): string => PATH_PREFIX + path;

/** Counts per event type from a totals item's attributes. */
export function typeCounts(item: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(TYPE_PREFIX)) out[name.slice(TYPE_PREFIX.length)] = Number(value);
  }
  return out;
}

/** Adds a path bucket item's counts into `into`. */
export function addPathCounts(item: Record<string, unknown>, into: Map<string, number>): void {
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(PATH_PREFIX)) {
      const path = name.slice(PATH_PREFIX.length);
      into.set(path, (into.get(path) ?? 0) + Number(value));
    }
  }
}

/** FNV-1a: a stable, fast string hash for spreading paths over buckets. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The bucket a path's counter lives in, out of `buckets`. */
export const pathBucket = (path: string, buckets: number): number => fnv1a(path) % buckets;

// Sites table: API keys and site registrations.

/** Partition of one site: its registration and the ids of its API keys. */
export const sitePartition = (siteId: string): string => `SITE#${siteId}`;
/** A site's registration for restricted ingestion. */
export const siteRegistrationKey = (siteId: string): Key => ({ pk: sitePartition(siteId), sk: 'SITE' });
/** A site's API key, by key id (for listing and revoking). */
export const SITE_KEY_PREFIX = 'KEY#';
export const siteApiKeyKey = (siteId: string, keyId: string): Key => ({ pk: sitePartition(siteId), sk: `${SITE_KEY_PREFIX}${keyId}` });
/** An API key by the hash of its secret (what a request presents). */
export const apiKeyHashKey = (hash: string): Key => ({ pk: `K#${hash}`, sk: 'K' });
