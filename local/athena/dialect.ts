// Where Athena (Trino) and DuckDB differ, for the SQL the stats function sends: the local Athena
// endpoint runs Athena's text unchanged in a DuckDB session prepared here. Trino-only functions
// are defined as DuckDB macros of the same name; session settings give Trino's integer division
// and UTC; execution parameters (Athena's SQL literals) become prepared-statement values; and
// parameters outside a WHERE clause, which Athena refuses, are refused here as well.

/** What each DuckDB connection sets first so that Athena's SQL means the same there. */
export const DUCKDB_SESSION_SQL: readonly string[] = [
  // Trino divides integers as integers (7 / 2 = 3); DuckDB's `/` would give 3.5.
  'SET integer_division = true',
  // Athena's sessions are in UTC: date_trunc and casts of timestamps with a zone follow it.
  "SET TimeZone = 'UTC'",
];

/** Trino's functions that DuckDB lacks, as macros of the same name (created once per database). */
export const DUCKDB_TRINO_MACROS: readonly string[] = [
  // from_iso8601_timestamp('2026-12-06T08:00:00.000Z'): a timestamp with time zone in both.
  'CREATE OR REPLACE MACRO from_iso8601_timestamp(text) AS CAST(text AS TIMESTAMPTZ)',
  // Trino's HyperLogLog distinct count; DuckDB's has another name.
  'CREATE OR REPLACE MACRO approx_distinct(value) AS approx_count_distinct(value)',
  // at_timezone(ts, zone): the wall-clock time in that zone (date_format then reads it).
  'CREATE OR REPLACE MACRO at_timezone(ts, zone) AS timezone(zone, ts)',
  // Trino's MySQL-style patterns: %i is minutes, %s seconds (strftime: %M and %S).
  "CREATE OR REPLACE MACRO date_format(ts, pattern) AS strftime(ts, replace(replace(pattern, '%i', '%M'), '%s', '%S'))",
  'CREATE OR REPLACE MACRO to_unixtime(ts) AS epoch(ts)',
  // ISO day of the week, Monday = 1 (DuckDB's dayofweek has Sunday = 0).
  'CREATE OR REPLACE MACRO day_of_week(ts) AS isodow(ts)',
  // element_at(map, key) is the key's value or NULL in Trino; DuckDB's gives a list ([] for no
  // such key). Its subscript gives Trino's answer for maps, and for arrays (1-based, negative from
  // the end, NULL past either end) too.
  'CREATE OR REPLACE MACRO element_at(container, key) AS container[key]',
  // array_min(array): the least element, NULL for an empty or NULL array (DuckDB's list_min).
  'CREATE OR REPLACE MACRO array_min(list) AS list_min(list)',
];

/** A value of an execution parameter, as a DuckDB prepared statement binds it. */
export type BoundValue = string | number | boolean | null;

/** An execution parameter Athena would not take: the query fails with this reason. */
export class ParameterError extends Error {
  override name = 'ParameterError';
}

/**
 * An Athena execution parameter (an SQL literal) as a value: `'o''brien'` is the string o'brien,
 * `42` and `-1.5` numbers, `true`/`false` booleans, `NULL` null. Anything else is not a literal.
 */
export function parseAthenaLiteral(text: string): BoundValue {
  const literal = text.trim();
  const quoted = /^'((?:[^']|'')*)'$/s.exec(literal);
  if (quoted) return quoted[1]!.replaceAll("''", "'");
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(literal)) return Number(literal);
  if (/^(true|false)$/i.test(literal)) return literal.toLowerCase() === 'true';
  if (/^null$/i.test(literal)) return null;
  throw new ParameterError(`Execution parameter ${JSON.stringify(text)} is not a literal: quote strings with single quotes`);
}

/** The parts of an SQL text: code, or a quoted string, identifier or comment left as it is. */
function codeParts(sql: string): { code: boolean; text: string }[] {
  const parts: { code: boolean; text: string }[] = [];
  const quoted = /'(?:[^']|'')*'?|"(?:[^"]|"")*"?|--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/g;
  let last = 0;
  for (const match of sql.matchAll(quoted)) {
    if (match.index > last) parts.push({ code: true, text: sql.slice(last, match.index) });
    parts.push({ code: false, text: match[0] });
    last = match.index + match[0].length;
  }
  if (last < sql.length) parts.push({ code: true, text: sql.slice(last) });
  return parts;
}

const CLAUSES = new Set(['select', 'from', 'where', 'group', 'having', 'order', 'limit', 'offset', 'join', 'on', 'with', 'window', 'values', 'union', 'qualify']);

/**
 * The number of `?` placeholders in `sql`, refusing any outside a WHERE clause: Athena takes
 * execution parameters in WHERE clauses only (`SELECT ?`, `LIMIT ?` fail there). A placeholder in
 * parentheses belongs to the clause around them unless a clause begins inside.
 */
export function checkPlaceholders(sql: string): number {
  const clauses: (string | undefined)[] = [undefined];
  let count = 0;
  for (const part of codeParts(sql)) {
    if (!part.code) continue;
    for (const [token] of part.text.matchAll(/[A-Za-z_][A-Za-z0-9_]*|[()?]/g)) {
      if (token === '(') clauses.push(undefined);
      else if (token === ')') clauses.length > 1 && clauses.pop();
      else if (token === '?') {
        count++;
        const clause = clauses.findLast((c) => c !== undefined);
        if (clause !== 'where') {
          throw new ParameterError(`Execution parameters are only allowed in a WHERE clause; parameter ${count} is in ${clause?.toUpperCase() ?? 'no clause'}`);
        }
      } else if (CLAUSES.has(token.toLowerCase())) clauses[clauses.length - 1] = token.toLowerCase();
    }
  }
  return count;
}
