import type { Dimension } from './audience.ts';
import { PAGE_VIEW } from './counter-units.ts';
import type { Filter } from './filters.ts';
import type { LakeQuery, LakeRow } from './lake-query.ts';
import { FILTER_COLUMNS, whereClause } from './lake-where.ts';
import type { DayRange } from './stats.ts';

/**
 * The lake's queries for the stats routes, written once in SQL that Athena (Trino) and DuckDB
 * both run: `count`, `sum`, `CASE`, `strpos`, `substr`, GROUPING SETS and window functions,
 * nothing dialect-specific. Each counts what the counters count (counter-units.ts), over the
 * events the filters keep:
 *
 * - events: every event; views: its page views (`event_type = 'page_view'`);
 * - visits: page views with `visit.page = 1` (a visit's entry); multi-view visits: page views
 *   with `visit.page = 2`; visit views: page views of a visit; visit milliseconds: the positive
 *   `visit.gap_ms` of every event;
 * - unique users: `count(DISTINCT user_id)`, exact (the counters' sketches estimate it).
 *
 * Each route asks one query, which scans the range's partitions once.
 */

export const PAGE_VIEW_SQL = `event_type = '${PAGE_VIEW}'`;
export const COUNT_IF = (condition: string): string => `sum(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;
export const VISITS_SQL = COUNT_IF(`${PAGE_VIEW_SQL} AND visit.page = 1`);
/** What every figure and point counts. */
export const POINT_COUNTS = [
  'count(*) AS events',
  `${COUNT_IF(PAGE_VIEW_SQL)} AS views`,
  `${VISITS_SQL} AS visits`,
  'count(DISTINCT user_id) AS users',
].join(', ');
export const VISIT_COUNTS = [
  `${COUNT_IF(`${PAGE_VIEW_SQL} AND visit.page = 2`)} AS multi_view_visits`,
  'sum(CASE WHEN visit.gap_ms > 0 THEN visit.gap_ms ELSE 0 END) AS visit_ms',
  `${COUNT_IF(`${PAGE_VIEW_SQL} AND visit IS NOT NULL`)} AS visit_views`,
].join(', ');

/**
 * Numbers and instants the stats function computes itself (a page's offset and length, the hour
 * starts of a day), written into the SQL text as literals: Athena takes execution parameters in
 * WHERE clauses only. Each is checked for its form first, so nothing else can reach the text;
 * what a client sends (site, dates, filter values) stays a parameter.
 */
export function integerLiteral(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`not a count: ${value}`);
  return String(value);
}
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export function instantLiteral(value: string): string {
  if (!INSTANT.test(value)) throw new Error(`not an ISO 8601 UTC instant: ${value}`);
  return `'${value}'`;
}

/**
 * The rows of a GROUPING SETS query (`grouped`, whose `part` names each row's set) numbered within
 * their set by `order` as `place`, and those `keep` (a condition on `part`, `place` and the
 * counts) kept: the top rows of each ranked set beside the rows of the others.
 */
export function rankedParts(grouped: string, order: string, keep: string): string {
  const placed = `SELECT grouped.*, row_number() OVER (PARTITION BY part ORDER BY ${order}) AS place FROM (${grouped}) grouped`;
  return `SELECT * FROM (${placed}) placed WHERE ${keep}`;
}

/** What `part` says of a row of the figures query: `grouping(event_type, path)`. */
export const FIGURE_PARTS = { total: 3, type: 1, path: 2 } as const;

/**
 * GET /stats: one row of totals (`part` 3), one per event type (`part` 1), and `paths` paths by
 * page views, then path (`part` 2), from the `offset`-th on (0: the top), in one scan (GROUPING
 * SETS; without paths, no path set). The page is bound in the outer WHERE, as the site and range.
 */
export function figuresQuery(siteId: string, range: DayRange, filters: readonly Filter[], paths: number, offset = 0): LakeQuery {
  const where = whereClause(siteId, range, filters);
  // grouping() may name grouping columns only: without the path set, the same parts come from event_type alone.
  const keys = paths > 0 ? 'grouping(event_type, path) AS part, event_type, path' : 'grouping(event_type) * 2 + 1 AS part, event_type, CAST(NULL AS varchar) AS path';
  const sets = paths > 0 ? '(), (event_type), (path)' : '(), (event_type)';
  const grouped = `SELECT ${keys}, ${POINT_COUNTS}, ${VISIT_COUNTS} FROM events WHERE ${where.sql} GROUP BY GROUPING SETS (${sets})`;
  return {
    sql: rankedParts(grouped, 'views DESC, path', `part <> ${FIGURE_PARTS.path} OR (views > 0 AND place > ? AND place <= ?)`),
    params: [...where.params, offset, offset + paths],
  };
}

/** How a time series buckets events: by local date, by month, or by hour of one local day. */
export type Bucketing = { by: 'day' } | { by: 'month' } | { by: 'hour'; hourStarts: readonly string[] };

/**
 * The hour index of an event from its UTC `timestamp` (ISO 8601 with milliseconds and `Z`, so
 * text order is time order): the number of the day's hour starts after the first that it has
 * reached, as the processor's `floor((timestamp - start of day) / 1 h)`.
 */
function hourIndexSql(hourStarts: readonly string[]): string {
  if (hourStarts.length <= 1) return '0';
  const later = hourStarts.slice(1);
  return `CASE ${later.map((start, index) => `WHEN "timestamp" < ${instantLiteral(start)} THEN ${index}`).join(' ')} ELSE ${later.length} END`;
}

/** The bucket of an event: its local date, its month, or its hour index. */
export const bucketSql = (bucketing: Bucketing): string =>
  bucketing.by === 'hour' ? hourIndexSql(bucketing.hourStarts) : bucketing.by === 'day' ? '"date"' : 'substr("date", 1, 7)';

/** GET /stats/timeseries: views, events, visits and users of each bucket that has events (`bucket`: date, month or hour index). */
export function timeseriesQuery(siteId: string, range: DayRange, filters: readonly Filter[], bucketing: Bucketing): LakeQuery {
  const where = whereClause(siteId, range, filters);
  const kept = `SELECT ${bucketSql(bucketing)} AS bucket, event_type, visit, user_id FROM events WHERE ${where.sql}`;
  return { sql: `SELECT bucket, ${POINT_COUNTS} FROM (${kept}) kept GROUP BY bucket ORDER BY bucket`, params: where.params };
}

/**
 * GET /stats/breakdown: visits started and page views under each value of a dimension, ordered as
 * the counters' rows (visits, then views, both descending, then value), `limit` rows from `offset`.
 * Only page views count, and only those with a value (a visit dimension needs a visit).
 */
export function breakdownQuery(
  siteId: string,
  range: DayRange,
  filters: readonly Filter[],
  dimension: Dimension,
  page: { offset: number; limit: number },
): LakeQuery {
  const where = whereClause(siteId, range, filters);
  const column = FILTER_COLUMNS[dimension];
  return {
    sql:
      `SELECT ${column} AS item, ${VISITS_SQL} AS visits, count(*) AS views FROM events ` +
      `WHERE ${where.sql} AND ${PAGE_VIEW_SQL} AND ${column} IS NOT NULL ` +
      `GROUP BY ${column} ORDER BY visits DESC, views DESC, item OFFSET ${integerLiteral(page.offset)} LIMIT ${integerLiteral(page.limit)}`,
    params: where.params,
  };
}

/** A count of a row (0 when null: a sum over no events). */
export const countOf = (row: LakeRow, column: string): number => Number(row[column] ?? 0);
/** A text of a row ('' when null). */
export const textOf = (row: LakeRow, column: string): string => String(row[column] ?? '');
