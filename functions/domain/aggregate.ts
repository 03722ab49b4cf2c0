import type { TrackedEvent } from './event.ts';
import { ALL_TIME, pathBucket, type Scope } from './keys.ts';

/** The event type whose events count as page views (views, top paths). */
export const PAGE_VIEW = 'page_view';

/** DynamoDB transactions hold at most 100 items; one is the unit's commit marker. */
export const MAX_UNIT_ITEMS = 99;
/** Keeps each update expression well under DynamoDB's 4 KB expression limit. */
export const MAX_ATTRS_PER_ITEM = 200;

export interface TotalsDelta {
  views: number;
  events: number;
  types: Map<string, number>;
}

/** Everything one commit unit adds to one site's counters. */
export interface UnitDeltas {
  siteId: string;
  totals: Map<Scope, TotalsDelta>;
  /** scope -> bucket -> path -> page views */
  paths: Map<Scope, Map<number, Map<string, number>>>;
}

/** Events of one site whose counter updates commit together, all or nothing. */
export interface UnitPlan {
  unitId: string;
  siteId: string;
  events: TrackedEvent[];
}

const increment = <K>(map: Map<K, number>, key: K, by = 1): void => {
  map.set(key, (map.get(key) ?? 0) + by);
};

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

export const emptyDeltas = (siteId: string): UnitDeltas => ({ siteId, totals: new Map(), paths: new Map() });

/** Adds one event to a unit's deltas (the day's counters and the all-time counters). */
export function addEvent(deltas: UnitDeltas, event: TrackedEvent, pathBuckets: number): void {
  for (const scope of [event.day, ALL_TIME]) {
    const totals = getOrCreate(deltas.totals, scope, () => ({ views: 0, events: 0, types: new Map() }));
    totals.events += 1;
    increment(totals.types, event.event_type);
    if (event.event_type === PAGE_VIEW) {
      totals.views += 1;
      const buckets = getOrCreate(deltas.paths, scope, () => new Map<number, Map<string, number>>());
      increment(getOrCreate(buckets, pathBucket(event.path, pathBuckets), () => new Map()), event.path);
    }
  }
}

/** Deltas of a set of events of one site. */
export function unitDeltas(siteId: string, events: readonly TrackedEvent[], pathBuckets: number): UnitDeltas {
  const deltas = emptyDeltas(siteId);
  for (const event of events) addEvent(deltas, event, pathBuckets);
  return deltas;
}

/** How many items a unit's transaction updates (the marker not included). */
export function itemCount(deltas: UnitDeltas): number {
  let count = deltas.totals.size;
  for (const buckets of deltas.paths.values()) count += buckets.size;
  return count;
}

/** Would adding this event keep the unit within a transaction's limits? */
function fits(deltas: UnitDeltas, event: TrackedEvent, pathBuckets: number): boolean {
  let newItems = 0;
  for (const scope of [event.day, ALL_TIME]) {
    const totals = deltas.totals.get(scope);
    if (!totals) newItems += 1;
    else if (!totals.types.has(event.event_type) && totals.types.size + 3 > MAX_ATTRS_PER_ITEM) return false;
    if (event.event_type !== PAGE_VIEW) continue;
    const bucket = deltas.paths.get(scope)?.get(pathBucket(event.path, pathBuckets));
    if (!bucket) newItems += 1;
    else if (!bucket.has(event.path) && bucket.size + 1 > MAX_ATTRS_PER_ITEM) return false;
  }
  return itemCount(deltas) + newItems <= MAX_UNIT_ITEMS;
}

/**
 * Splits a batch into commit units: one per site, more when a site's updates would not fit
 * in one transaction. 100 events of one site and day become one counter update per item.
 */
export function planUnits(events: readonly TrackedEvent[], batchId: string, pathBuckets: number): UnitPlan[] {
  const bySite = new Map<string, TrackedEvent[]>();
  for (const event of events) getOrCreate(bySite, event.site_id, () => []).push(event);

  const plans: UnitPlan[] = [];
  for (const [siteId, siteEvents] of bySite) {
    let index = 0;
    let current: UnitPlan | undefined;
    let deltas = emptyDeltas(siteId);
    for (const event of siteEvents) {
      if (!current || !fits(deltas, event, pathBuckets)) {
        current = { unitId: `${batchId}:${siteId}:${index++}`, siteId, events: [] };
        plans.push(current);
        deltas = emptyDeltas(siteId);
      }
      current.events.push(event);
      addEvent(deltas, event, pathBuckets);
    }
  }
  return plans;
}
