import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { athenaLiteral, cellValue } from '../../functions/store/lake/athena-engine.ts';
import { checkPlaceholders, DUCKDB_SESSION_SQL, DUCKDB_TRINO_MACROS, ParameterError, parseAthenaLiteral } from '../athena/dialect.ts';
import { athenaType } from '../athena/duckdb-lake.ts';
import { partitionsOf } from '../athena/executions.ts';
import { viewQuery } from '../../functions/domain/lake-view.ts';
import { duckDbType } from '../athena/template-lake.ts';

// Both sides of the one place where Athena (Trino) and DuckDB differ: what the engine sends to
// Athena (SQL text unchanged, parameters as Athena literals), and the same text run in a DuckDB
// session the local endpoint prepares (Trino's functions as macros, Trino's integer division, UTC).

describe('execution parameters', () => {
  it('are sent to Athena as SQL literals: strings quoted with quotes doubled, numbers as digits', () => {
    expect(['shop', "o'brien", "'; DROP TABLE events; --", '', 42, -1.5].map(athenaLiteral)).toEqual([
      "'shop'",
      "'o''brien'",
      "'''; DROP TABLE events; --'",
      "''",
      '42',
      '-1.5',
    ]);
    expect(() => athenaLiteral(Number.NaN)).toThrow(/finite number/);
  });

  it('come back as the same values on the local endpoint, whatever they hold', () => {
    for (const value of ['shop', "o'brien", "'; DROP TABLE events; --", "''", '', '?', 'a\nb', 0, 42, -1.5, 1e21]) {
      expect(parseAthenaLiteral(athenaLiteral(value))).toEqual(value);
    }
    expect([parseAthenaLiteral('true'), parseAthenaLiteral('NULL')]).toEqual([true, null]);
    for (const bad of ['shop', "'open", "'a' || 'b'", '"double"', '1; DROP']) expect(() => parseAthenaLiteral(bad)).toThrow(ParameterError);
  });

  it('are allowed in WHERE clauses only, as Athena allows them, and counted', () => {
    expect(checkPlaceholders('SELECT count(*) FROM events WHERE site_id = ? AND "date" BETWEEN ? AND ?')).toBe(3);
    expect(checkPlaceholders("SELECT path FROM events WHERE site_id = ? AND (strpos(lower(path), ?) > 0 OR path IN (?, ?)) AND path <> '?'")).toBe(4);
    expect(checkPlaceholders('SELECT n FROM (SELECT count(*) AS n FROM events WHERE site_id = ?) GROUP BY n')).toBe(1);
    expect(() => checkPlaceholders('SELECT ? FROM events')).toThrow(/parameter 1 is in SELECT/);
    expect(() => checkPlaceholders('SELECT path FROM events WHERE site_id = ? GROUP BY path HAVING count(*) > ?')).toThrow(/parameter 2 is in HAVING/);
    expect(() => checkPlaceholders('SELECT path FROM events WHERE site_id = ? ORDER BY path LIMIT ? OFFSET ?')).toThrow(/parameter 2 is in LIMIT/);
  });
});

describe('result values', () => {
  it('are parsed by their Athena column type: numbers for numeric types, text otherwise, null when absent', () => {
    expect(cellValue('bigint', '12')).toBe(12);
    expect(cellValue('double', '0.25')).toBe(0.25);
    expect(cellValue('double', '1.0E-4')).toBe(0.0001);
    expect(cellValue('decimal(10,2)', '3.50')).toBe(3.5);
    expect(cellValue('integer', '-3')).toBe(-3);
    expect(cellValue('varchar', '12')).toBe('12');
    expect(cellValue('date', '2026-12-06')).toBe('2026-12-06');
    expect(cellValue('bigint', undefined)).toBeNull();
  });

  it("name DuckDB's types as Athena does", () => {
    expect(['BIGINT', 'HUGEINT', 'INTEGER', 'DOUBLE', 'DECIMAL(18,3)', 'VARCHAR', 'BOOLEAN', 'DATE', 'STRUCT("a" INTEGER)'].map(athenaType)).toEqual([
      'bigint', 'bigint', 'integer', 'double', 'decimal', 'varchar', 'boolean', 'date', 'row',
    ]);
  });
});

describe('Glue column types', () => {
  it("become DuckDB's, nested structs included", () => {
    expect(duckDbType('string')).toBe('VARCHAR');
    expect(duckDbType('struct<page:int,gap_ms:int,entry_page:string>')).toBe('STRUCT("page" INTEGER, "gap_ms" INTEGER, "entry_page" VARCHAR)');
    expect(duckDbType('struct<a:struct<b:bigint,c:double>,d:array<string>>')).toBe('STRUCT("a" STRUCT("b" BIGINT, "c" DOUBLE), "d" VARCHAR[])');
    expect(duckDbType('map<string,string>')).toBe('MAP(VARCHAR, VARCHAR)');
    expect(duckDbType('struct<a:map<string,array<int>>>')).toBe('STRUCT("a" MAP(VARCHAR, INTEGER[]))');
    expect(() => duckDbType('uniontype<int,string>')).toThrow(/no DuckDB counterpart/);
  });
});

describe("Athena's SQL in the local endpoint's DuckDB session", () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  /** One row of an Athena SQL text run as the endpoint runs it. */
  const one = async (sql: string): Promise<Record<string, unknown>> => {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJS()[0] as Record<string, unknown>;
  };

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    for (const statement of [...DUCKDB_SESSION_SQL, ...DUCKDB_TRINO_MACROS]) await connection.run(statement);
  });
  afterAll(() => {
    connection?.closeSync();
    instance?.closeSync();
  });

  it('reads ISO 8601 timestamps in UTC and formats them with Trino patterns', async () => {
    expect(
      await one(
        "SELECT date_format(from_iso8601_timestamp('2026-12-06T23:30:05.000Z'), '%Y-%m-%d %H:%i:%s') AS utc, " +
          "date_format(at_timezone(from_iso8601_timestamp('2026-12-06T23:30:05.000Z'), 'Europe/Berlin'), '%Y-%m-%d %H:%i') AS berlin, " +
          "to_unixtime(from_iso8601_timestamp('1970-01-02T00:00:00Z')) AS seconds, " +
          "day_of_week(from_iso8601_timestamp('2026-12-06T12:00:00Z')) AS sunday, " +
          "date_trunc('day', from_iso8601_timestamp('2026-12-06T23:30:05Z')) = from_iso8601_timestamp('2026-12-06T00:00:00Z') AS truncated",
      ),
    ).toEqual({ utc: '2026-12-06 23:30:05', berlin: '2026-12-07 00:30', seconds: 86_400, sunday: 7n, truncated: true });
  });

  it("divides integers as Trino does and counts distinct values with Trino's names", async () => {
    expect(
      await one("SELECT 7 / 2 AS quotient, CAST(7 AS double) / 2 AS exact, approx_distinct(x) AS approx, count(DISTINCT x) AS exact_count FROM (VALUES ('a'), ('b'), ('a')) AS t(x)"),
    ).toEqual({ quotient: 3, exact: 3.5, approx: 2n, exact_count: 2n });
  });

  it("reads a map's values with Trino's element_at: the value, or NULL for a key it lacks; arrays as Trino indexes them", async () => {
    await connection.run(`CREATE OR REPLACE TEMP TABLE props AS SELECT MAP {'plan': 'pro'} AS props UNION ALL SELECT NULL`);
    const reader = await connection.runAndReadAll("SELECT element_at(props, 'plan') AS plan, element_at(props, 'none') AS none FROM props ORDER BY plan NULLS LAST");
    expect(reader.getRowObjectsJS()).toEqual([{ plan: 'pro', none: null }, { plan: null, none: null }]);
    expect(await one('SELECT element_at([10, 20, 30], 1) AS first, element_at([10, 20, 30], -1) AS last, element_at([10, 20, 30], 4) AS past')).toEqual({
      first: 10,
      last: 30,
      past: null,
    });
  });

  it("gathers and searches arrays as Trino does: array_agg with FILTER, filter with a lambda, array_min (NULL for none)", async () => {
    expect(
      await one(
        "SELECT array_min(array_agg(x) FILTER (WHERE x > 'a')) AS least, array_min(filter(array_agg(x), y -> y > 'b')) AS after_b, " +
          "array_min(filter(array_agg(x), y -> y > 'z')) AS none, array_min(array_agg(x) FILTER (WHERE x > 'z')) AS nothing FROM (VALUES ('c'), ('a'), ('b')) AS t(x)",
      ),
    ).toEqual({ least: 'b', after_b: 'c', none: null, nothing: null });
  });

  it('reads struct fields and the quoted column "date" as Athena does', async () => {
    await connection.run(`CREATE OR REPLACE TEMP TABLE events AS SELECT {'entry_page': '/', 'source': 'google.com'} AS visit, '2026-12-06' AS "date"`);
    expect(await one('SELECT visit.entry_page AS entry, visit.source AS source, "date" FROM events WHERE strpos(visit.source, \'google\') > 0')).toEqual({
      entry: '/',
      source: 'google.com',
      date: '2026-12-06',
    });
  });
});

describe('the partitions a query names', () => {
  it("are its site and dates when its first parameters are the stats function's partition condition", () => {
    const view = viewQuery('site-a', { from: '2026-11-01', to: '2026-11-30' }, [], { by: 'day' }, 10);
    expect(partitionsOf(view.sql, [...view.params])).toEqual({ siteId: 'site-a', from: '2026-11-01', to: '2026-11-30' });
    expect(partitionsOf('SELECT count(*) FROM events WHERE site_id = ?', ['site-a'])).toBeUndefined();
    expect(partitionsOf('SELECT * FROM events WHERE event_type = ? AND site_id = ? AND "date" BETWEEN ? AND ?', ['x', 'a', '2026-11-01', '2026-11-02'])).toBeUndefined();
    expect(partitionsOf(view.sql, ['a/b', '2026-11-01', '2026-11-30'])).toBeUndefined();
    expect(partitionsOf(view.sql, ['a', '2026-11-30', '2026-11-01'])).toBeUndefined();
  });
});
