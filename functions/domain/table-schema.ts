import type { Dimension } from './audience.ts';

/**
 * The table schema: every key format and counter attribute name of the three tables (events,
 * aggregates, sites) is built here, with how counter attributes are read back; docs/architecture.md
 * ("Tables") describes the items. Ids never contain `#` (their alphabets exclude it), so `#`
 * separates key parts unambiguously.
 */

/** The scope of a counter or sketch item: a day (YYYY-MM-DD) in the site's time zone, a month (YYYY-MM, sketches), or all time. */
export type Scope = string;
export const ALL_TIME: Scope = 'ALL';

export interface Key {
  pk: string;
  sk: string;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

// Events table: raw events (their claims) and commit markers.

/** Raw event: one item per (site, event_id), so a retried event finds its first copy. */
export const rawEventKey = (siteId: string, eventId: string): Key => ({ pk: `E#${siteId}#${eventId}`, sk: 'E' });

/** Commit marker of one unit of counter updates. */
export const markerKey = (unitId: string): Key => ({ pk: `C#${unitId}`, sk: 'C' });

/** The lease of a run compacting a site's lake objects (one run per site at a time). */
export const compactionLeaseKey = (siteId: string): Key => ({ pk: `L#${siteId}`, sk: 'L' });

// Aggregates table: totals, path buckets, heavy hitters, sketch shards, the sites with data.

/** Views, events and per-type counts of a site for one scope. */
export const totalsKey = (siteId: string, scope: Scope): Key => ({ pk: `S#${siteId}`, sk: `T#${scope}` });

/**
 * The sites with data: one item per site, written the first time the processor counts an event
 * of it, all in one partition so they are listed with a Query (no scan). `SITES` has no `#`, so
 * it never meets a site's partitions.
 */
export const SITES_WITH_DATA = 'SITES';
export const siteWithDataKey = (siteId: string): Key => ({ pk: SITES_WITH_DATA, sk: siteId });

/** Sort keys between these hold a site's day totals (`T#YYYY-MM-DD`), not its all-time `T#ALL`. */
export const DAY_TOTALS_FIRST = 'T#0';
export const DAY_TOTALS_LAST = 'T#9';
/** The day of a day totals sort key. */
export const dayOfTotalsKey = (sk: string): Scope => sk.slice(2);

/** Path buckets a day has unless PATH_BUCKETS says otherwise (the processor's and the stats function's default). */
export const DEFAULT_PATH_BUCKETS = 4;

/** Partition holding a site's path buckets for one scope. */
export const pathPartition = (siteId: string, scope: Scope): string => `P#${siteId}#${scope}`;
export const pathBucketKey = (siteId: string, scope: Scope, bucket: number): Key => ({
  pk: pathPartition(siteId, scope),
  sk: pad2(bucket),
});

/**
 * Beside a day's path buckets: the Space-Saving summary of the values of one dimension that came
 * after the buckets' budget filled (heavy-hitters.ts), `code` being `p` for paths or the
 * dimension's code, and the name of each value of it that may be listed.
 */
export const PATHS_CODE = 'p';
const HEAVY_SUMMARY_PREFIX = 'H';
const HEAVY_NAME_PREFIX = 'N';
/** The sort keys of a summary and of a name, in their day's path partition. */
export const heavySummarySk = (code: string): string => `${HEAVY_SUMMARY_PREFIX}${code}`;
export const heavyNameSk = (code: string, hash: number): string => `${HEAVY_NAME_PREFIX}${code}#${hash.toString(36)}`;
export const heavySummaryKey = (siteId: string, scope: Scope, code: string): Key => ({ pk: pathPartition(siteId, scope), sk: heavySummarySk(code) });
export const heavyNameKey = (siteId: string, scope: Scope, code: string, hash: number): Key => ({
  pk: pathPartition(siteId, scope),
  sk: heavyNameSk(code, hash),
});
/** The code of a heavy-hitter summary's sort key (undefined for other items). */
export const heavySummaryCode = (sk: string): string | undefined => (sk.startsWith(HEAVY_SUMMARY_PREFIX) ? sk.slice(1) : undefined);
/** The code and hash of a heavy-hitter name's sort key (undefined for other items). */
export function heavyNameOf(sk: string): { code: string; hash: number } | undefined {
  if (!sk.startsWith(HEAVY_NAME_PREFIX)) return undefined;
  const [code, hash] = sk.slice(1).split('#');
  return code && hash ? { code, hash: parseInt(hash, 36) } : undefined;
}

/** Partition holding a site's unique-user sketch shards for one scope. */
export const sketchPartition = (siteId: string, scope: Scope): string => `U#${siteId}#${scope}`;
export const sketchShardKey = (siteId: string, scope: Scope, shard: number): Key => ({
  pk: sketchPartition(siteId, scope),
  sk: pad2(shard),
});

export const VIEWS_ATTR = 'views';
export const EVENTS_ATTR = 'events';
/** Visits started (entry page views). */
export const VISITS_ATTR = 'visits';
/** Visits with a second page view: visits less these are bounces. */
export const MULTI_VIEW_VISITS_ATTR = 'visits_multi';
/** Milliseconds of visits, summed: the gaps between a visit's events. */
export const VISIT_MS_ATTR = 'visit_ms';
/** Page views that belong to a visit (posted with visit marks). */
export const VISIT_VIEWS_ATTR = 'visit_views';
const TYPE_PREFIX = 't#';
const PATH_PREFIX = 'p#';

/**
 * Hourly counters of a day's totals item, by the hour's index from local midnight (00-24; 25
 * hours on the day clocks go back): views, visits and events.
 */
export const hourViewsAttr = (hour: number): string => `h${pad2(hour)}`;
export const hourVisitsAttr = (hour: number): string => `hv${pad2(hour)}`;
export const hourEventsAttr = (hour: number): string => `he${pad2(hour)}`;

/** Views, visits and events per hour index from a day's totals item. */
export function hourCounts(item: Record<string, unknown>): Map<number, { views: number; visits: number; events: number }> {
  const hours = new Map<number, { views: number; visits: number; events: number }>();
  for (const [name, value] of Object.entries(item)) {
    const match = /^h(v|e)?(\d\d)$/.exec(name);
    if (!match) continue;
    const hour = Number(match[2]);
    let counts = hours.get(hour);
    if (!counts) hours.set(hour, (counts = { views: 0, visits: 0, events: 0 }));
    counts[match[1] === 'v' ? 'visits' : match[1] === 'e' ? 'events' : 'views'] += Number(value);
  }
  return hours;
}

/**
 * Breakdown counters live in a day's path buckets beside the paths' views (all-time breakdowns
 * add up the days), one short code per dimension: `<code>#<value>`. One number holds both
 * counts of a value: each page view adds 1, each visit VISIT_WEIGHT, so one attribute name is
 * stored per value instead of two (an item is billed by its size).
 */
export const DIMENSION_CODES = {
  source: 's',
  utm_medium: 'm',
  utm_campaign: 'c',
  entry_page: 'e',
  country: 'n',
  device: 'd',
  browser: 'b',
  os: 'o',
} as const satisfies Record<Dimension, string>;

/**
 * What a visit adds to its value's counter: page views of one value and day stay exact below
 * 10^11, and a unit's increment (at most 10,000 events) stays a safe integer.
 */
export const VISIT_WEIGHT = 100_000_000_000;
const VISIT_WEIGHT_BIG = BigInt(VISIT_WEIGHT);

export const dimensionAttr = (dimension: Dimension, value: string): string => `${DIMENSION_CODES[dimension]}#${value}`;

/** Visits and page views of a packed counter (a number, or a bigint once past 2^53). */
export function unpackDimensionCount(raw: unknown): { visits: number; views: number } {
  const packed = typeof raw === 'bigint' ? raw : BigInt(String(raw));
  return { visits: Number(packed / VISIT_WEIGHT_BIG), views: Number(packed % VISIT_WEIGHT_BIG) };
}

/** Adds the counters of one dimension in a bucket item into `into` (value -> visits and views). */
export function addDimensionCounts(
  item: Record<string, unknown>,
  dimension: Dimension,
  into: Map<string, { visits: number; views: number }>,
): void {
  const prefix = `${DIMENSION_CODES[dimension]}#`;
  for (const [name, raw] of Object.entries(item)) {
    if (!name.startsWith(prefix)) continue;
    const value = name.slice(prefix.length);
    const { visits, views } = unpackDimensionCount(raw);
    const counts = into.get(value);
    if (counts) {
      counts.visits += visits;
      counts.views += views;
    } else into.set(value, { visits, views });
  }
}

export const typeAttr = (eventType: string): string => TYPE_PREFIX + eventType;
export const pathAttr = (path: string): string => PATH_PREFIX + path;

/**
 * A record of counts by a name clients choose (an event type): without a prototype, so that
 * `__proto__`, `constructor` or `toString` are keys like any other, neither lost nor read from
 * Object.prototype. JSON.stringify writes it as any object.
 */
export const countsByName = (): Record<string, number> => Object.create(null) as Record<string, number>;

/** Counts per event type from a totals item's attributes. */
export function typeCounts(item: Record<string, unknown>): Record<string, number> {
  const out = countsByName();
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

/** The bucket (of the path buckets) a dimension value's counters live in. */
export const dimensionBucket = (dimension: Dimension, value: string, buckets: number): number =>
  fnv1a(dimensionAttr(dimension, value)) % buckets;

// Sites table: API keys and site registrations.

/** Partition of one site: its registration and the ids of its API keys. */
export const sitePartition = (siteId: string): string => `SITE#${siteId}`;
/** A site's registration for restricted ingestion. */
export const siteRegistrationKey = (siteId: string): Key => ({ pk: sitePartition(siteId), sk: 'SITE' });
/** A site's goals (goals.ts), kept apart from its registration: a site needs none to have goals. */
export const siteGoalsKey = (siteId: string): Key => ({ pk: sitePartition(siteId), sk: 'GOALS' });
/** A site's API key, by key id (for listing and revoking). */
export const SITE_KEY_PREFIX = 'KEY#';
export const siteApiKeyKey = (siteId: string, keyId: string): Key => ({ pk: sitePartition(siteId), sk: `${SITE_KEY_PREFIX}${keyId}` });
/** An API key by the hash of its secret (what a request presents). */
export const apiKeyHashKey = (hash: string): Key => ({ pk: `K#${hash}`, sk: 'K' });
