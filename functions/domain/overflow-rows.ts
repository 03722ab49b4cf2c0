import { OTHER } from './counter-budget.ts';
import { isHeavy, summaryOf, type HeavyEntry } from './heavy-hitters.ts';
import { heavyNameOf, heavySummaryCode } from './table-schema.ts';

/**
 * The rows a day's path buckets give once a dimension overflowed its budget: the named values
 * (exact), the heavy hitters of its `(other)` listed by name with their estimates, and `(other)`
 * less those estimates. Rows whose counts are estimates are remembered with the map that holds
 * them (inexactRows), so that sums over days and the responses can say so.
 */

const inexact = new WeakMap<ReadonlyMap<string, unknown>, ReadonlySet<string>>();

/** The rows of `counts` whose counts are estimates. */
export const inexactRows = (counts: ReadonlyMap<string, unknown>): ReadonlySet<string> => inexact.get(counts) ?? new Set();

/** Marks rows of `counts` as estimates (added to those already marked). */
export function markInexact(counts: ReadonlyMap<string, unknown>, rows: Iterable<string>): void {
  const marked = new Set([...inexactRows(counts), ...rows]);
  if (marked.size > 0) inexact.set(counts, marked);
}

/** Whether a row's count is exact in `counts`. */
export const isExactRow = (counts: ReadonlyMap<string, unknown>, row: string): boolean => !inexactRows(counts).has(row);

/** A day's heavy hitters of one dimension (`code`): their entries, with the names stored for them. */
function heavyHitters(items: readonly Record<string, unknown>[], code: string): Array<{ name: string; entry: HeavyEntry }> {
  let entries: HeavyEntry[] = [];
  const names = new Map<number, string>();
  for (const item of items) {
    const sk = String(item.sk);
    if (heavySummaryCode(sk) === code) entries = summaryOf(item).summary.entries;
    const name = heavyNameOf(sk);
    if (name?.code === code && typeof item.name === 'string') names.set(name.hash, item.name);
  }
  return entries.flatMap((entry) => (names.has(entry.hash) ? [{ name: names.get(entry.hash)!, entry }] : []));
}

/**
 * Lists a day's heavy hitters of one dimension (`code`) in `counts` (read from the same items):
 * each value holding at least HEAVY_SHARE of the day's views, with its estimate taken out of
 * `(other)` by `split` (the row, and what `(other)` keeps).
 */
function listHeavy<T>(
  items: readonly Record<string, unknown>[],
  code: string,
  counts: Map<string, T>,
  viewsOf: (count: T) => number,
  split: (other: T, entry: HeavyEntry) => [row: T, other: T],
): void {
  let other = counts.get(OTHER);
  if (other === undefined) return;
  let total = 0;
  for (const count of counts.values()) total += viewsOf(count);
  const listed: string[] = [];
  for (const { name, entry } of heavyHitters(items, code)) {
    if (!isHeavy(entry, total) || entry.views > viewsOf(other) || counts.has(name)) continue;
    const [row, rest] = split(other, entry);
    counts.set(name, row);
    other = rest;
    listed.push(name);
  }
  if (listed.length === 0) return;
  counts.set(OTHER, other);
  markInexact(counts, [...listed, OTHER]);
}

/** Lists a day's heavy hitters of the paths (`code` p) in `pathViews`, as listHeavy does. */
export function listHeavyPaths(items: readonly Record<string, unknown>[], code: string, pathViews: Map<string, number>): void {
  listHeavy(items, code, pathViews, (views) => views, (other, entry) => [entry.views, other - entry.views]);
}

/** The same for a dimension's values (visits and page views; heavy by page views). */
export function listHeavyValues(items: readonly Record<string, unknown>[], code: string, counts: Map<string, { visits: number; views: number }>): void {
  listHeavy(
    items,
    code,
    counts,
    ({ views }) => views,
    (other, entry) => {
      const visits = Math.min(entry.visits, other.visits);
      return [
        { visits, views: entry.views },
        { visits: other.visits - visits, views: other.views - entry.views },
      ];
    },
  );
}

/** Adds one day's counts into a sum over days, carrying which rows are estimates. */
export function carryInexact(from: ReadonlyMap<string, unknown>, into: ReadonlyMap<string, unknown>): void {
  markInexact(into, inexactRows(from));
}
