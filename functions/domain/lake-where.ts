import type { Filter, FilterDimension } from './filters.ts';
import { goalFilterCondition } from './goal-sql.ts';
import type { SqlParam } from './lake-query.ts';
import type { DayRange } from './stats.ts';

/**
 * The WHERE clause of every lake query: the site's partition and the range's date partitions,
 * always named (so Athena reads those objects only), then the filters. Column expressions come
 * from the fixed table below; every value a client sent is a `?` parameter.
 */

/** The lake column (or `visit` field) each filter dimension reads. */
export const FILTER_COLUMNS: Readonly<Record<FilterDimension, string>> = {
  page: 'path',
  entry_page: 'visit.entry_page',
  source: 'visit.source',
  utm_medium: 'visit.utm_medium',
  utm_campaign: 'visit.utm_campaign',
  country: 'country',
  device: 'device',
  browser: 'browser',
  os: 'os',
  event_type: 'event_type',
  // Visitors who completed a goal (goal-sql.ts).
  goal: 'user_id',
};

/** An SQL condition and its parameters, in order. */
export interface SqlPart {
  sql: string;
  params: SqlParam[];
}

const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ');

/**
 * One filter as a condition. `==` and `~` hold only for events that have the value (events without
 * a visit have no visit dimensions); `!=` is their negation, so it keeps events without the value:
 * `source==x` and `source!=x` split the events in two.
 */
export function filterCondition({ dimension, operator, values }: Filter): SqlPart {
  const column = FILTER_COLUMNS[dimension];
  switch (operator) {
    case '==':
      return { sql: `${column} IN (${placeholders(values.length)})`, params: [...values] };
    case '!=':
      return { sql: `(${column} IS NULL OR ${column} NOT IN (${placeholders(values.length)}))`, params: [...values] };
    case '~':
      return { sql: `(${values.map(() => `strpos(${column}, ?) > 0`).join(' OR ')})`, params: [...values] };
  }
}

/** The site, the range's partitions and every filter, joined by AND. */
export function whereClause(siteId: string, range: DayRange, filters: readonly Filter[]): SqlPart {
  const partitions: SqlPart = { sql: 'site_id = ? AND "date" BETWEEN ? AND ?', params: [siteId, range.from, range.to] };
  const parts = filters.map((filter) => (filter.dimension === 'goal' ? goalFilterCondition(filter, partitions) : filterCondition(filter)));
  return {
    sql: [partitions.sql, ...parts.map((part) => part.sql)].join(' AND '),
    params: [...partitions.params, ...parts.flatMap((part) => part.params)],
  };
}
