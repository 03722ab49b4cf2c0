import { DIMENSIONS, type Dimension } from './audience.ts';
import type { Filter } from './filters.ts';
import type { LakeQuery, LakeRow } from './lake-query.ts';
import { bucketSql, countOf, integerLiteral, POINT_COUNTS, rankedParts, textOf, VISIT_COUNTS, type Bucketing } from './lake-sql.ts';
import { FILTER_COLUMNS, whereClause } from './lake-where.ts';
import type { DayRange } from './stats.ts';

/**
 * GET /stats/view: everything the dashboard shows of one period in one query, so that a filtered
 * view scans the period's partitions once (Athena bills each query for the bytes it reads, at
 * least 10 MB) rather than once per figure, chart and panel. One GROUPING SETS query over the
 * kept events gives:
 *
 * - the totals (`total`) and the events of each type (`type`), as GET /stats's figures;
 * - a row per bucket of the chart (`bucket`: date, month or hour index), as GET /stats/timeseries;
 * - the top `rows` paths by page views (`path`), as GET /stats's top paths, and
 *   the top `rows` values of each dimension by visits then page views, as GET /stats/breakdown.
 *
 * Each set counts what its own route's query counts (lake-sql.ts), so the answers are the same.
 */

/** The grouping columns, in the order `grouping(...)` names them. */
const KEY_COLUMNS = ['event_type', 'path', 'bucket', ...DIMENSIONS] as const;
type KeyColumn = (typeof KEY_COLUMNS)[number];
const ALL = 2 ** KEY_COLUMNS.length - 1;

/**
 * The `part` of a row: `grouping(...)` over every key column, whose bit is set for each column
 * the row's set does not group by. A set of one column clears that column's bit.
 */
export const viewPart = (column: KeyColumn | 'total'): number =>
  column === 'total' ? ALL : ALL - 2 ** (KEY_COLUMNS.length - 1 - KEY_COLUMNS.indexOf(column));

const quotedKey = (column: KeyColumn): string => `"${column}"`;

export function viewQuery(siteId: string, range: DayRange, filters: readonly Filter[], bucketing: Bucketing, rows: number): LakeQuery {
  const where = whereClause(siteId, range, filters);
  const dimensions = DIMENSIONS.map((dimension) => `${FILTER_COLUMNS[dimension]} AS ${quotedKey(dimension)}`);
  const kept = `SELECT event_type, path, ${bucketSql(bucketing)} AS bucket, ${dimensions.join(', ')}, visit, user_id FROM events WHERE ${where.sql}`;
  // Every set, whatever `rows` (grouping() may name grouping columns only); with none, the outer WHERE drops the ranked ones.
  const keys = KEY_COLUMNS.map(quotedKey);
  const sets = ['()', ...keys.map((column) => `(${column})`)];
  // A set's key is its one grouped column: the others are null in its rows.
  const key = `coalesce(event_type, path, CAST(bucket AS varchar), ${DIMENSIONS.map(quotedKey).join(', ')})`;
  const grouped =
    `SELECT grouping(${keys.join(', ')}) AS part, ${key} AS item, ${POINT_COUNTS}, ${VISIT_COUNTS} ` +
    `FROM (${kept}) kept GROUP BY GROUPING SETS (${sets.join(', ')})`;
  // Paths rank by page views, dimensions by visits then page views (each route's order), ties by value.
  const order = `CASE WHEN part = ${viewPart('path')} THEN views ELSE visits END DESC, views DESC, item`;
  const unranked = [viewPart('total'), viewPart('event_type'), viewPart('bucket')].join(', ');
  return {
    sql: `${rankedParts(grouped, order, `part IN (${unranked}) OR (item IS NOT NULL AND views > 0 AND place <= ${integerLiteral(rows)})`)} ORDER BY part, place`,
    params: where.params,
  };
}

/** The view query's rows by part: the totals row, the event types' rows, the buckets' rows, the paths' rows and each dimension's rows, in order. */
export interface ViewRows {
  total: LakeRow | undefined;
  types: LakeRow[];
  buckets: LakeRow[];
  paths: LakeRow[];
  dimensions: Record<Dimension, LakeRow[]>;
}

export function viewRows(rows: readonly LakeRow[]): ViewRows {
  const of = (column: KeyColumn): LakeRow[] => rows.filter((row) => countOf(row, 'part') === viewPart(column));
  return {
    total: rows.find((row) => countOf(row, 'part') === viewPart('total')),
    types: of('event_type'),
    buckets: of('bucket'),
    paths: of('path'),
    dimensions: Object.fromEntries(DIMENSIONS.map((dimension) => [dimension, of(dimension)])) as Record<Dimension, LakeRow[]>,
  };
}

/** A row's key: its event type, path, bucket or value. */
export const itemOf = (row: LakeRow): string => textOf(row, 'item');
