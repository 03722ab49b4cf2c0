import type { BreakdownRow } from '../api/responses.ts';
import type { LakeRow } from './lake-query.ts';
import { countOf, FIGURE_PARTS, textOf } from './lake-sql.ts';
import type { ScopeStats } from './stats.ts';
import { countsByName } from './table-schema.ts';
import type { HourCounts, ScopeTotals } from './timeseries.ts';

/**
 * The rows of the lake's queries (lake-sql.ts) as the structures the counters' reads give, so
 * that the same shaping functions write both answers.
 */

/** The figures query's rows as the stats of the range: totals, events by type, page views of the top paths. */
export function lakeScopeStats(rows: readonly LakeRow[]): ScopeStats {
  const part = (value: number) => rows.filter((row) => countOf(row, 'part') === value);
  return scopeStatsOf(
    part(FIGURE_PARTS.total)[0],
    part(FIGURE_PARTS.type).map((row) => [textOf(row, 'event_type'), countOf(row, 'events')]),
    part(FIGURE_PARTS.path).map((row) => [textOf(row, 'path'), countOf(row, 'views')]),
  );
}

/** The stats of a range from its totals row (none: no events), its events by type and its paths' page views. */
export function scopeStatsOf(total: LakeRow | undefined, types: Iterable<[string, number]>, paths: Iterable<[string, number]>): ScopeStats {
  const eventsByType = countsByName();
  for (const [type, events] of types) eventsByType[type] = events;
  const count = (column: string) => (total ? countOf(total, column) : 0);
  return {
    views: count('views'),
    events: count('events'),
    uniqueUsers: count('users'),
    visits: count('visits'),
    multiViewVisits: count('multi_view_visits'),
    visitMs: count('visit_ms'),
    visitViews: count('visit_views'),
    eventsByType,
    pathViews: new Map(paths),
  };
}

/** The time series query's rows by bucket (a date or a month), by its `column`. */
export function lakeBucketTotals(rows: readonly LakeRow[], column = 'bucket'): Map<string, ScopeTotals> {
  return new Map(
    rows.map((row) => [
      textOf(row, column),
      { views: countOf(row, 'views'), events: countOf(row, 'events'), visits: countOf(row, 'visits'), uniqueUsers: countOf(row, 'users') },
    ]),
  );
}

/** The time series query's rows by hour index (its `column`). */
export function lakeHourCounts(rows: readonly LakeRow[], column = 'bucket'): Map<number, HourCounts> {
  return new Map(rows.map((row) => [countOf(row, column), { views: countOf(row, 'views'), events: countOf(row, 'events'), visits: countOf(row, 'visits') }]));
}

/** The breakdown query's rows, in its order. */
export const lakeBreakdownRows = (rows: readonly LakeRow[]): BreakdownRow[] =>
  rows.map((row) => ({ value: textOf(row, 'item'), visits: countOf(row, 'visits'), views: countOf(row, 'views') }));
