import type { Scope } from './table-schema.ts';

/**
 * Which sketches make up the unique users of a range of days. The processor merges each event's
 * user into the sketch of its day and of its month (`YYYY-MM`, the month of the local day), so
 * a month whose days outside the range have no data is read as one sketch (16 shards) instead
 * of a sketch per day: a year is 12 month sketches, not 365 day sketches. Both are max-merges of
 * the same hashes, so the union is the same registers either way and the estimate does not change.
 *
 * This module is pure (no AWS dependencies).
 */

/** The month (YYYY-MM) of a day (YYYY-MM-DD); a month is a sketch scope beside days. */
export const monthOfDay = (day: string): Scope => day.slice(0, 7);

/** Every day of a month, oldest first. */
export function daysOfMonth(month: Scope): string[] {
  const [year, index] = month.split('-').map(Number) as [number, number];
  const length = new Date(Date.UTC(year, index, 0)).getUTCDate();
  return Array.from({ length }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
}

/** The days of the months a range touches that lie outside it: its first month's days before it, its last month's after it. */
export function daysAroundRange(rangeDays: readonly string[]): string[] {
  if (rangeDays.length === 0) return [];
  const first = rangeDays[0]!;
  const last = rangeDays[rangeDays.length - 1]!;
  const before = daysOfMonth(monthOfDay(first)).filter((day) => day < first);
  const after = daysOfMonth(monthOfDay(last)).filter((day) => day > last);
  return [...before, ...after];
}

/**
 * The sketch scopes of each month of a range, each with the version it is read and cached at (a
 * day: its `events` counter; a month: the sum of its days'). `eventsByDay` holds the `events`
 * counter of the range's days and of `daysAroundRange` that have data. With `monthsComplete`
 * (the site's month sketches hold every event of their months, see sites-with-data.ts) a month
 * with no data outside the range is its month sketch; otherwise its days with data are their own
 * sketches. Months without data in the range are left out.
 */
export function sketchScopesByMonth(
  rangeDays: readonly string[],
  eventsByDay: ReadonlyMap<string, number>,
  monthsComplete: boolean,
): Map<Scope, Map<Scope, number>> {
  const inRange = new Set(rangeDays);
  const months = new Map<Scope, Map<Scope, number>>();
  for (const day of rangeDays) {
    const events = eventsByDay.get(day) ?? 0;
    if (events === 0) continue;
    const month = monthOfDay(day);
    let scopes = months.get(month);
    if (!scopes) months.set(month, (scopes = new Map()));
    scopes.set(day, events);
  }
  if (!monthsComplete) return months;
  for (const [month, days] of months) {
    const monthDays = daysOfMonth(month);
    if (monthDays.some((day) => !inRange.has(day) && (eventsByDay.get(day) ?? 0) > 0)) continue;
    months.set(month, new Map([[month, monthVersions(days).get(month)!]]));
  }
  return months;
}

/** The months of these days, each at the sum of its days' `events` counters (the version a month sketch is read and cached at). */
export function monthVersions(eventsByDay: ReadonlyMap<string, number>): Map<Scope, number> {
  const months = new Map<Scope, number>();
  for (const [day, events] of eventsByDay) months.set(monthOfDay(day), (months.get(monthOfDay(day)) ?? 0) + events);
  return months;
}

/** The scopes of every month together (what a range's unique users are the union of). */
export function allSketchScopes(byMonth: ReadonlyMap<Scope, ReadonlyMap<Scope, number>>): Map<Scope, number> {
  const all = new Map<Scope, number>();
  for (const scopes of byMonth.values()) for (const [scope, version] of scopes) all.set(scope, version);
  return all;
}
