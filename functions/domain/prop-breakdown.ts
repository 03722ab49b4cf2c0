import type { PropBreakdownRow } from '../api/responses.ts';
import { periodRange, withLakeOptions, type LakeOptions } from './filtered-queries.ts';
import { isPropDimension, propKey, type Filter, type PropDimension } from './filters.ts';
import type { LakeQuery, LakeRow } from './lake-query.ts';
import { countOf, integerLiteral, textOf } from './lake-sql.ts';
import { whereClause } from './lake-where.ts';
import type { FieldIssue, ParseResult } from './parse-result.ts';
import { MAX_PROP_KEY_LENGTH } from './props.ts';
import { parseStatsQuery, type DayRange, type StatsQuery } from './stats.ts';

/**
 * GET /stats/breakdown?dimension=prop:<key>: the events and visitors under each value of a custom
 * property (props.ts), from the lake (the counters keep no properties). Every event the filters
 * keep counts, under its value of the key, or under `(none)` when it lacks the key. Rows are
 * ordered by visitors, then events (both descending), then value.
 */

/** The value of the events without the property's key. */
export const NO_VALUE = '(none)';

export interface PropBreakdownQuery extends StatsQuery {
  dimension: PropDimension;
}

type Params = Record<string, string | undefined>;

function parseAlone(params: Params): ParseResult<PropBreakdownQuery> {
  const stats = parseStatsQuery(params);
  const issues: FieldIssue[] = stats.ok ? [] : [...stats.issues];
  const dimension = params.dimension ?? '';
  const key = isPropDimension(dimension) ? propKey(dimension) : '';
  if (key.length === 0 || [...key].length > MAX_PROP_KEY_LENGTH) {
    issues.push({ field: 'dimension', message: `must be prop:<key> with a key of 1-${MAX_PROP_KEY_LENGTH} characters` });
  }
  if (!stats.ok || issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { ...stats.value, dimension: dimension as PropDimension } };
}

const parseWithOptions = withLakeOptions(parseAlone, (query) => query.period, true);

/** Validates a property breakdown's query: the dimension, a period (the lake is read by the day), `limit`, `offset` and `filters`. */
export function parsePropBreakdownQuery(params: Params): ParseResult<PropBreakdownQuery & LakeOptions> {
  const parsed = parseWithOptions(params);
  if (parsed.ok && periodRange(parsed.value.period) === undefined) {
    return { ok: false, issues: [{ field: 'dimension', message: 'prop:<key> needs a period: date, or from and to' }] };
  }
  return parsed;
}

/**
 * The query: each kept event's value of the key (the key is bound in a WHERE clause, where Athena
 * takes parameters: it is found among the event's keys, and its value read by that), counted by
 * value, `limit` rows from `offset`.
 */
export function propBreakdownQuery(siteId: string, range: DayRange, filters: readonly Filter[], dimension: PropDimension, page: { offset: number; limit: number }): LakeQuery {
  const where = whereClause(siteId, range, filters);
  const key = '(SELECT k FROM UNNEST(map_keys(props)) AS keys(k) WHERE k = ?)';
  const kept = `SELECT user_id, props, ${key} AS prop_key FROM events WHERE ${where.sql}`;
  return {
    sql:
      `SELECT coalesce(element_at(props, prop_key), '${NO_VALUE}') AS item, count(*) AS events, count(DISTINCT user_id) AS visitors ` +
      `FROM (${kept}) kept GROUP BY 1 ORDER BY visitors DESC, events DESC, item OFFSET ${integerLiteral(page.offset)} LIMIT ${integerLiteral(page.limit)}`,
    params: [propKey(dimension), ...where.params],
  };
}

/** The query's rows, in its order. */
export const propBreakdownRows = (rows: readonly LakeRow[]): PropBreakdownRow[] =>
  rows.map((row) => ({ value: textOf(row, 'item'), events: countOf(row, 'events'), visitors: countOf(row, 'visitors') }));
