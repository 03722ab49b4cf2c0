// A lake engine over DuckDB for tests: given lake lines, writes them as the lake lays them out
// (gzipped NDJSON under events/site_id=S/date=D/) in a temporary folder and loads them into the
// local Athena endpoint's DuckDB lake (local/athena/duckdb-lake.ts: the Glue table's columns, the
// view `events`, Athena's session and functions), then runs the lake's queries there with their
// parameters bound, refusing parameters where Athena refuses them, and reads each cell as the
// Athena engine reads Athena's (cellValue): numbers by the column's type, the rest as text.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { LakeRecord } from '../../functions/domain/lake.ts';
import type { LakeEngine, LakeQuery, LakeRow } from '../../functions/domain/lake-query.ts';
import { cellValue } from '../../functions/store/lake/athena-engine.ts';
import { LAKE_COLUMNS, LAKE_PARTITION_KEYS } from '../../infra/lake.ts';
import { checkPlaceholders } from '../../local/athena/dialect.ts';
import { openDuckDbLake } from '../../local/athena/duckdb-lake.ts';
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

/** A DuckDB lake over `lines`, each in its site's and date's folder (several files a day when `filesPerDay` > 1). */
export async function duckDbLake(lines: readonly DatedRecord[], filesPerDay = 2): Promise<DuckDbLake> {
  const dir = await mkdtemp(join(tmpdir(), 'lake-'));
  const files: string[] = [];
  const byFolder = Map.groupBy(lines, ({ date, record }) => join(dir, 'events', `site_id=${record.site_id}`, `date=${date}`));
  for (const [folder, records] of byFolder) {
    await mkdir(folder, { recursive: true });
    for (let file = 0; file < filesPerDay; file++) {
      const part = records.filter((_, index) => index % filesPerDay === file);
      const body = part.map(({ record }) => `${JSON.stringify(record)}\n`).join('');
      if (part.length > 0) {
        files.push(join(folder, `x${file}.ndjson.gz`));
        await writeFile(files.at(-1)!, gzipSync(body));
      }
    }
  }
  const lake = await openDuckDbLake({ columns: glueColumns(LAKE_COLUMNS), partitionKeys: glueColumns(LAKE_PARTITION_KEYS), spillDir: join(dir, 'spill') });
  await lake.apply({ added: files, removed: [] });
  const queries: LakeQuery[] = [];
  return {
    queries,
    async run(query) {
      queries.push(query);
      const placeholders = checkPlaceholders(query.sql);
      if (placeholders !== query.params.length) throw new Error(`${placeholders} placeholders for ${query.params.length} parameters`);
      const { columns, rows } = await lake.start(query.sql, query.params).done;
      return rows.map((row): LakeRow => Object.fromEntries(columns.map((column, i) => [column.name, cellValue(column.type, row[i])])));
    },
    async close() {
      lake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
