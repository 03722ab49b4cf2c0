// A lake engine over DuckDB for tests: given lake lines, writes them as the lake lays them out
// (gzipped NDJSON under events/site_id=S/date=D/) in a temporary folder, reads them back as the
// view `events` with the Glue table's columns, and runs the lake's queries with their
// parameters bound to a prepared statement, in a session prepared as the local Athena endpoint
// prepares its own (local/athena/dialect.ts), refusing parameters where Athena refuses them.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { LakeRecord } from '../../functions/domain/lake.ts';
import type { LakeEngine, LakeQuery, LakeRow } from '../../functions/domain/lake-query.ts';
import { LAKE_COLUMNS } from '../../infra/lake.ts';
import { checkPlaceholders, DUCKDB_SESSION_SQL, DUCKDB_TRINO_MACROS } from '../../local/athena/dialect.ts';
import { glueColumns } from '../../local/athena/template-lake.ts';

/** A line of the lake and the local date whose folder holds it. */
export interface DatedRecord {
  date: string;
  record: LakeRecord;
}

export interface DuckDbLake extends LakeEngine {
  /** Every query run, in order. */
  readonly queries: LakeQuery[];
  close(): Promise<void>;
}

/** The columns of infra/lake.ts's table in DuckDB's types, as the local Athena endpoint reads them (site_id and date come from the folders). */
const COLUMNS = Object.fromEntries(glueColumns(LAKE_COLUMNS).map((column) => [column.name, column.type]));

const columnsSql = `{${Object.entries(COLUMNS)
  .map(([name, type]) => `${name}: '${type.replaceAll("'", "''")}'`)
  .join(', ')}}`;

/** A DuckDB value as the engine's rows hold it: BigInt as a number, text as text. */
function plain(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string') return value;
  return String(value);
}

async function runQuery(connection: DuckDBConnection, query: LakeQuery): Promise<LakeRow[]> {
  const placeholders = checkPlaceholders(query.sql);
  if (placeholders !== query.params.length) throw new Error(`${placeholders} placeholders for ${query.params.length} parameters`);
  const prepared = await connection.prepare(query.sql);
  query.params.forEach((param, index) => {
    if (typeof param === 'string') prepared.bindVarchar(index + 1, param);
    else if (Number.isInteger(param)) prepared.bindBigInt(index + 1, BigInt(param));
    else prepared.bindDouble(index + 1, param);
  });
  const reader = await prepared.runAndReadAll();
  return reader.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([name, value]) => [name, plain(value)])));
}

/** A DuckDB lake over `lines`, each in its site's and date's folder (several files a day when `filesPerDay` > 1). */
export async function duckDbLake(lines: readonly DatedRecord[], filesPerDay = 2): Promise<DuckDbLake> {
  const dir = await mkdtemp(join(tmpdir(), 'lake-'));
  const byFolder = Map.groupBy(lines, ({ date, record }) => join(dir, 'events', `site_id=${record.site_id}`, `date=${date}`));
  for (const [folder, records] of byFolder) {
    await mkdir(folder, { recursive: true });
    for (let file = 0; file < filesPerDay; file++) {
      const part = records.filter((_, index) => index % filesPerDay === file);
      const body = part.map(({ record }) => `${JSON.stringify(record)}\n`).join('');
      if (part.length > 0) await writeFile(join(folder, `x${file}.ndjson.gz`), gzipSync(body));
    }
  }
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  for (const statement of [...DUCKDB_SESSION_SQL, ...DUCKDB_TRINO_MACROS]) await connection.run(statement);
  const glob = join(dir, 'events', '*', '*', '*.ndjson.gz').replaceAll("'", "''");
  const source =
    lines.length > 0
      ? `SELECT * FROM read_ndjson('${glob}', hive_partitioning = true, hive_types_autocast = false, columns = ${columnsSql})`
      : `SELECT * FROM (SELECT ${Object.entries(COLUMNS)
          .map(([name, type]) => `CAST(NULL AS ${type}) AS "${name}"`)
          .join(', ')}, CAST(NULL AS VARCHAR) AS site_id, CAST(NULL AS VARCHAR) AS "date") WHERE false`;
  await connection.run(`CREATE VIEW events AS ${source}`);
  const queries: LakeQuery[] = [];
  return {
    queries,
    async run(query) {
      queries.push(query);
      return runQuery(connection, query);
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
