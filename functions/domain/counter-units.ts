import { AUDIENCE_DIMENSIONS, VISIT_DIMENSIONS, type Dimension } from './audience.ts';
import type { TrackedEvent } from './event.ts';
import {
  ALL_TIME,
  DIMENSION_CODES,
  dimensionAttr,
  dimensionBucket,
  EVENTS_ATTR,
  hourEventsAttr,
  hourViewsAttr,
  hourVisitsAttr,
  MULTI_VIEW_VISITS_ATTR,
  pathAttr,
  pathBucket,
  typeAttr,
  VIEWS_ATTR,
  VISIT_MS_ATTR,
  VISIT_VIEWS_ATTR,
  VISITS_ATTR,
  VISIT_WEIGHT,
  type Scope,
} from './table-schema.ts';
import { endsBounce, startsVisit } from './visit.ts';

/**
 * What events add to the counters: every counter item and attribute one event adds to
 * (eventIncrements), summed per item for a set of events (unitDeltas), and a batch split into
 * commit units, each one transaction (planUnits). The store commits them (store/write/counters.ts).
 */

/** The event type whose events count as page views (views, top paths, breakdowns). */
export const PAGE_VIEW = 'page_view';

/** DynamoDB transactions hold at most 100 items; one is the unit's commit marker. */
export const MAX_UNIT_ITEMS = 99;
/**
 * Items a unit's transaction keeps free for each day it counts: the heavy-hitter summaries of the
 * day's dimensions (paths and the breakdown dimensions; see heavy-hitters.ts), written when they overflow.
 */
export const SUMMARY_ITEMS_PER_DAY = 1 + Object.keys(DIMENSION_CODES).length;
/** Keeps each update expression well under DynamoDB's 4 KB expression limit. */
export const MAX_ATTRS_PER_ITEM = 200;

/** The counter items of a scope: its totals item, or one of its (path and breakdown) buckets. */
export type ItemRef = { scope: Scope; bucket: 'totals' | number };

/** What one commit unit adds to one counter item: attribute -> increment. */
export interface ItemDelta extends ItemRef {
  attrs: Map<string, number>;
}

/** Everything one commit unit adds to one site's counters, by item. */
export interface UnitDeltas {
  siteId: string;
  items: Map<string, ItemDelta>;
}

/** Events of one site whose counter updates commit together, all or nothing. */
export interface UnitPlan {
  unitId: string;
  siteId: string;
  events: TrackedEvent[];
}

/** One counter increment an event causes. */
interface Increment extends ItemRef {
  attr: string;
  by: number;
}

const itemId = ({ scope, bucket }: ItemRef): string => `${scope}|${bucket}`;

function dimensionValue(event: TrackedEvent, dimension: Dimension): string | undefined {
  switch (dimension) {
    case 'country':
    case 'device':
    case 'browser':
    case 'os':
      return event[dimension];
    default:
      return event.visit?.[dimension];
  }
}

/**
 * Every counter one event adds to. In its day: the totals item (views, events, per type, visits
 * and their bounces, durations and page views, and the same by the hour), the path's bucket and
 * a bucket for each breakdown value. In all time: the totals item only; all-time paths and
 * breakdowns add up the days, so that no batch rewrites items that grow with a site's whole
 * history (an update is billed by the item's size).
 */
export function eventIncrements(event: TrackedEvent, pathBuckets: number): Increment[] {
  const out: Increment[] = [];
  const pageView = event.event_type === PAGE_VIEW;
  const entry = pageView && startsVisit(event.visit);
  for (const scope of [event.day, ALL_TIME]) {
    const day = scope !== ALL_TIME;
    const totals = (attr: string, by = 1) => out.push({ scope, bucket: 'totals', attr, by });
    const hour = day ? event.hour : undefined;
    totals(EVENTS_ATTR);
    totals(typeAttr(event.event_type));
    if (hour !== undefined) totals(hourEventsAttr(hour));
    if (event.visit && event.visit.gap_ms > 0) totals(VISIT_MS_ATTR, event.visit.gap_ms);
    if (!pageView) continue;
    totals(VIEWS_ATTR);
    if (hour !== undefined) totals(hourViewsAttr(hour));
    if (event.visit) {
      totals(VISIT_VIEWS_ATTR);
      if (entry) {
        totals(VISITS_ATTR);
        if (hour !== undefined) totals(hourVisitsAttr(hour));
      }
      if (endsBounce(event.visit)) totals(MULTI_VIEW_VISITS_ATTR);
    }
    if (!day) continue;
    out.push({ scope, bucket: pathBucket(event.path, pathBuckets), attr: pathAttr(event.path), by: 1 });
    const dimensions = event.visit ? [...VISIT_DIMENSIONS, ...AUDIENCE_DIMENSIONS] : AUDIENCE_DIMENSIONS;
    const by = entry ? 1 + VISIT_WEIGHT : 1;
    for (const dimension of dimensions) {
      const value = dimensionValue(event, dimension)!;
      out.push({ scope, bucket: dimensionBucket(dimension, value, pathBuckets), attr: dimensionAttr(dimension, value), by });
    }
  }
  return out;
}

export const emptyDeltas = (siteId: string): UnitDeltas => ({ siteId, items: new Map() });

function apply(deltas: UnitDeltas, increments: readonly Increment[]): void {
  for (const { scope, bucket, attr, by } of increments) {
    const id = itemId({ scope, bucket });
    let item = deltas.items.get(id);
    if (!item) deltas.items.set(id, (item = { scope, bucket, attrs: new Map() }));
    item.attrs.set(attr, (item.attrs.get(attr) ?? 0) + by);
  }
}

/** Adds one event to a unit's deltas (the day's counters and the all-time counters). */
export function addEvent(deltas: UnitDeltas, event: TrackedEvent, pathBuckets: number): void {
  apply(deltas, eventIncrements(event, pathBuckets));
}

/** Deltas of a set of events of one site. */
export function unitDeltas(siteId: string, events: readonly TrackedEvent[], pathBuckets: number): UnitDeltas {
  const deltas = emptyDeltas(siteId);
  for (const event of events) addEvent(deltas, event, pathBuckets);
  return deltas;
}

/** How many items a unit's transaction updates (the marker not included). */
export const itemCount = (deltas: UnitDeltas): number => deltas.items.size;

/** Would these increments keep the unit within a transaction's limits? */
function fits(deltas: UnitDeltas, increments: readonly Increment[]): boolean {
  const newAttrs = new Map<string, Set<string>>();
  for (const increment of increments) {
    const id = itemId(increment);
    if (deltas.items.get(id)?.attrs.has(increment.attr)) continue;
    let added = newAttrs.get(id);
    if (!added) newAttrs.set(id, (added = new Set()));
    added.add(increment.attr);
  }
  let newItems = 0;
  const days = new Set([...deltas.items.values()].map((item) => item.scope));
  for (const increment of increments) days.add(increment.scope);
  days.delete(ALL_TIME);
  for (const [id, added] of newAttrs) {
    const existing = deltas.items.get(id);
    if (!existing) newItems++;
    if ((existing?.attrs.size ?? 0) + added.size > MAX_ATTRS_PER_ITEM) return false;
  }
  return deltas.items.size + newItems + SUMMARY_ITEMS_PER_DAY * days.size <= MAX_UNIT_ITEMS;
}

/**
 * The attribute a value will be counted under in its item: its own, or its dimension's
 * `(other)` when the item (as last known) has no room for a name it does not hold.
 */
export type StoredAs = (siteId: string, ref: ItemRef, attr: string) => string;

/**
 * Splits a batch into commit units: one per site, more when a site's updates would not fit
 * in one transaction. 100 events of one site and day become one counter update per item.
 * `storedAs` says which values will go to `(other)` (counter-budget.ts), so that a long tail
 * past the budget does not split a site's events into many units, each rewriting its full items.
 */
export function planUnits(
  events: readonly TrackedEvent[],
  batchId: string,
  pathBuckets: number,
  storedAs: StoredAs = (_siteId, _ref, attr) => attr,
): UnitPlan[] {
  const bySite = Map.groupBy(events, (event) => event.site_id);
  const plans: UnitPlan[] = [];
  for (const [siteId, siteEvents] of bySite) {
    let index = 0;
    let current: UnitPlan | undefined;
    let deltas = emptyDeltas(siteId);
    for (const event of siteEvents) {
      // Values a full item will count under (other) take one attribute between them, not one each.
      const increments = eventIncrements(event, pathBuckets).map((increment) => ({ ...increment, attr: storedAs(siteId, increment, increment.attr) }));
      if (!current || !fits(deltas, increments)) {
        current = { unitId: `${batchId}:${siteId}:${index++}`, siteId, events: [] };
        plans.push(current);
        deltas = emptyDeltas(siteId);
      }
      current.events.push(event);
      apply(deltas, increments);
    }
  }
  return plans;
}
