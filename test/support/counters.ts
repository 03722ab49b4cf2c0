// What tests expect of the counters: a tally of the events sent, item sizes, a seeded shuffle.
import { PAGE_VIEW } from '../../functions/domain/counter-units.ts';
import type { TrackedEvent } from '../../functions/domain/event.ts';

export interface Tally {
  views: number;
  events: number;
  visits: number;
  users: number;
  types: Map<string, number>;
  paths: Map<string, number>;
  /** Visits by campaign. */
  campaigns: Map<string, number>;
}

const bump = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

/** The counts one site's events should give (visits: page views marked as a visit's first). */
export function tallyOf(events: readonly TrackedEvent[]): Tally {
  const tally: Tally = { views: 0, events: 0, visits: 0, users: 0, types: new Map(), paths: new Map(), campaigns: new Map() };
  const users = new Set<string>();
  for (const event of events) {
    tally.events++;
    users.add(event.user_id);
    bump(tally.types, event.event_type);
    if (event.event_type !== PAGE_VIEW) continue;
    tally.views++;
    bump(tally.paths, event.path);
    if (event.visit?.page === 1) {
      tally.visits++;
      bump(tally.campaigns, event.visit.utm_campaign);
    }
  }
  tally.users = users.size;
  return tally;
}

/** An item's size as DynamoDB counts it, near enough: attribute names and values in UTF-8. */
export function itemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    bytes += typeof value === 'string' ? Buffer.byteLength(value) : value instanceof Uint8Array ? value.byteLength : 21;
  }
  return bytes;
}

/** A small seeded generator of floats in [0, 1) (mulberry32), so that a failing workload can be replayed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The same order for the same seed (mulberry32). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seeded(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
