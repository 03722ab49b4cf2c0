// The lake in DuckDB, for the local Athena endpoint: an in-memory database holding the mirrored
// objects' lines (gzipped NDJSON in Hive folders, read with the Glue table's columns), loaded as
// objects come and go and kept by file, under a view `events` with the table's columns; queries
// run on their own connection with their parameters bound, their results as Athena sends them
// (every value as text, NULL as no value, column types in Athena's names).
import { DuckDBInstance, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { DUCKDB_SESSION_SQL, DUCKDB_TRINO_MACROS, type BoundValue } from './dialect.ts';
import type { MirrorChange } from './lake-mirror.ts';
import type { LakeColumn } from './template-lake.ts';

export interface QueryResult {
  columns: { name: string; type: string }[];
  /** Each value as text, undefined for NULL. */
  rows: (string | undefined)[][];
}

export interface RunningQuery {
  readonly done: Promise<QueryResult>;
  /** Interrupts the query: `done` rejects. */
  interrupt(): void;
}

export interface DuckDbLake {
  /** Loads the lines of added files and drops those of removed (or replaced) ones. */
  apply(change: MirrorChange): Promise<void>;
  /** Runs a query on a connection of its own. */
  start(sql: string, params: readonly BoundValue[]): RunningQuery;
  close(): void;
}

/**
 * Settings of the database that holds the lake (not of Athena's SQL: see dialect.ts). Without
 * them, loading thousands of small files keeps every file's rows buffered to insert them in
 * order: 3,000 objects of 100,000 events (a 32 MiB table) took 4-12 s and about 800 MiB, against
 * 1-3 s and about 115 MiB with insertion order off (the lake's rows have no order a query may
 * rely on, as on Athena; npm run bench:lake-load). The memory limit bounds the rest; past it
 * DuckDB spills to `spillDir`.
 */
const DUCKDB_LAKE_SETTINGS: readonly string[] = ['SET preserve_insertion_order = false', "SET memory_limit = '1GB'"];

const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`;
const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Athena's name of a DuckDB column type (the engine parses numbers by it). */
export function athenaType(duckDbType: string): string {
  const base = duckDbType.toUpperCase().replace(/\(.*$/s, '').trim();
  switch (base) {
    case 'BIGINT':
    case 'HUGEINT':
    case 'UBIGINT':
    case 'UINTEGER':
      return 'bigint';
    case 'INTEGER':
    case 'USMALLINT':
      return 'integer';
    case 'SMALLINT':
    case 'UTINYINT':
      return 'smallint';
    case 'TINYINT':
      return 'tinyint';
    case 'DOUBLE':
      return 'double';
    case 'FLOAT':
      return 'real';
    case 'DECIMAL':
      return 'decimal';
    case 'BOOLEAN':
      return 'boolean';
    case 'DATE':
      return 'date';
    case 'TIMESTAMP':
      return 'timestamp';
    case 'TIMESTAMP WITH TIME ZONE':
      return 'timestamp with time zone';
    default:
      return base.startsWith('STRUCT') ? 'row' : base.endsWith('[]') ? 'array' : 'varchar';
  }
}

function bindAll(prepared: DuckDBPreparedStatement, params: readonly BoundValue[]): void {
  params.forEach((value, i) => {
    const index = i + 1;
    if (value === null) prepared.bindNull(index);
    else if (typeof value === 'boolean') prepared.bindBoolean(index, value);
    else if (typeof value === 'string') prepared.bindVarchar(index, value);
    else if (Number.isSafeInteger(value)) prepared.bindBigInt(index, BigInt(value));
    else prepared.bindDouble(index, value);
  });
}

const text = (value: unknown): string | undefined => (value === null || value === undefined ? undefined : String(value));

export interface DuckDbLakeOptions {
  columns: LakeColumn[];
  partitionKeys: LakeColumn[];
  /** Where DuckDB may spill past its memory limit (default: its own `.tmp` in the working folder). */
  spillDir?: string;
}

export async function openDuckDbLake(options: DuckDbLakeOptions): Promise<DuckDbLake> {
  const instance = await DuckDBInstance.create(':memory:');
  const connect = async (): Promise<DuckDBConnection> => {
    const connection = await instance.connect();
    for (const statement of DUCKDB_SESSION_SQL) await connection.run(statement);
    return connection;
  };
  const admin = await connect();
  for (const statement of DUCKDB_LAKE_SETTINGS) await admin.run(statement);
  if (options.spillDir) await admin.run(`SET temp_directory = ${sqlString(options.spillDir)}`);
  for (const statement of DUCKDB_TRINO_MACROS) await admin.run(statement);
  const { columns, partitionKeys } = options;
  const struct = (list: LakeColumn[]): string => `{${list.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ')}}`;
  const tableColumns = [...columns, ...partitionKeys];
  // An empty lake is an empty table: zero rows, not "no files found".
  await admin.run(`CREATE TABLE lake_lines (${[...tableColumns.map((c) => `${quoted(c.name)} ${c.type}`), 'filename VARCHAR'].join(', ')})`);
  await admin.run(`CREATE VIEW events AS SELECT ${tableColumns.map((c) => quoted(c.name)).join(', ')} FROM lake_lines`);
  const fileList = (files: string[]): string => `[${files.map(sqlString).join(', ')}]`;
  let applying: Promise<void> = Promise.resolve();

  return {
    apply({ added, removed }) {
      const run = async (): Promise<void> => {
        await admin.run('BEGIN TRANSACTION');
        try {
          const dropped = [...removed, ...added];
          if (dropped.length) await admin.run(`DELETE FROM lake_lines WHERE filename IN (SELECT unnest(${fileList(dropped)}))`);
          if (added.length) {
            await admin.run(
              `INSERT INTO lake_lines BY NAME SELECT * FROM read_ndjson(${fileList(added)}, columns = ${struct(columns)}, ` +
                `hive_partitioning = true, hive_types = ${struct(partitionKeys)}, filename = true, compression = 'gzip', format = 'newline_delimited')`,
            );
          }
          await admin.run('COMMIT');
        } catch (error) {
          await admin.run('ROLLBACK');
          throw error;
        }
      };
      applying = applying.catch(() => undefined).then(run);
      return applying;
    },
    start(sql, params) {
      let connection: DuckDBConnection | undefined;
      let interrupted = false;
      const done = (async (): Promise<QueryResult> => {
        connection = await connect();
        try {
          if (interrupted) throw new Error('Query was cancelled');
          const prepared = await connection.prepare(sql);
          bindAll(prepared, params);
          const reader = await prepared.runAndReadAll();
          const names = reader.columnNames();
          const types = reader.columnTypes().map((type) => athenaType(type.toString()));
          return {
            columns: names.map((name, i) => ({ name, type: types[i]! })),
            rows: reader.getRows().map((row) => row.map(text)),
          };
        } finally {
          connection.closeSync();
        }
      })();
      return {
        done,
        interrupt() {
          interrupted = true;
          connection?.interrupt();
        },
      };
    },
    close() {
      admin.closeSync();
      instance.closeSync();
    },
  };
}
