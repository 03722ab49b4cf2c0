import { isPropDimension, propKey, type Filter, type FilterDimension, type FixedDimension } from './filters.ts';
import { goalFilterCondition } from './goal-sql.ts';
import type { SqlParam } from './lake-query.ts';
import type { DayRange } from './stats.ts';

/**
 * The WHERE clause of every lake query: the site's partition and the range's date partitions,
 * always named (so Athena reads those objects only), then the filters. Column expressions come
 * from the fixed table below; every value a client sent is a `?` parameter.
 */

/** The lake column (or `visit` field) each fixed filter dimension reads. */
export const FILTER_COLUMNS: Readonly<Record<FixedDimension, string>> = {
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
 * What a dimension reads, as an expression and its parameters: a column, or a custom property's
 * value (`element_at(props, ?)`, NULL when the event lacks the key) with the key bound.
 */
export function dimensionValue(dimension: FilterDimension): SqlPart {
  return isPropDimension(dimension) ? { sql: 'element_at(props, ?)', params: [propKey(dimension)] } : { sql: FILTER_COLUMNS[dimension], params: [] };
}

/**
 * One filter as a condition. `==` and `~` hold only for events that have the value (events without
 * a visit have no visit dimensions, events without a property's key no value of it); `!=` is their negation, so it keeps events without the value:
 * `source==x` and `source!=x` split the events in two.
 */
export function filterCondition({ dimension, operator, values }: Filter): SqlPart {
  // The expression's parameters (a property's key) come again wherever it is written.
  const { sql: column, params: key } = dimensionValue(dimension);
  switch (operator) {
    case '==':
      return { sql: `${column} IN (${placeholders(values.length)})`, params: [...key, ...values] };
    case '!=':
      return { sql: `(${column} IS NULL OR ${column} NOT IN (${placeholders(values.length)}))`, params: [...key, ...key, ...values] };
    case '~':
      return { sql: `(${values.map(() => `strpos(${column}, ?) > 0`).join(' OR ')})`, params: values.flatMap((value) => [...key, value]) };
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
