import type { AthenaClient, ColumnInfo, Row } from '@aws-sdk/client-athena';
import { onFirstUse } from '../../commons/on-first-use.ts';
import { delay } from '../../commons/map-limit.ts';
import { LakeQueryTimeout, type LakeEngine, type LakeQuery, type LakeRow, type SqlParam } from '../../domain/lake-query.ts';

export interface AthenaEngineSettings {
  /** The stack's workgroup: it holds the results location, its encryption and the scan limit. */
  workGroup: string;
  /** The Glue database the table `events` is resolved in. */
  database: string;
  /** How long a query may run before it is stopped and LakeQueryTimeout thrown. */
  limitMs: number;
  /** The first wait between two GetQueryExecution calls (default 50 ms); each wait is longer, up to 500 ms. */
  pollMs?: number;
}

type AthenaSdk = typeof import('@aws-sdk/client-athena');

const MAX_POLL_MS = 500;
/** Athena's largest page of GetQueryResults. */
const PAGE_ROWS = 1000;

/**
 * A parameter as Athena's ExecutionParameters take it: an SQL literal. Strings are single-quoted
 * with every `'` doubled, numbers are their digits; a value never becomes SQL text of its own.
 */
export function athenaLiteral(value: SqlParam): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`A lake query parameter must be a finite number, got ${value}`);
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

const NUMERIC_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint', 'double', 'real', 'float', 'decimal']);

/** A cell as a row value: numbers by the column's type, the rest as text, null when Athena sent no value. */
export function cellValue(type: string | undefined, text: string | undefined): string | number | null {
  if (text === undefined) return null;
  const base = (type ?? 'varchar').toLowerCase().replace(/\(.*$/, '');
  return NUMERIC_TYPES.has(base) ? Number(text) : text;
}

/** Rows of one page of results as LakeRows (the header row already dropped). */
function toRows(rows: readonly Row[], columns: readonly ColumnInfo[]): LakeRow[] {
  return rows.map((row) => {
    const record: Record<string, string | number | null> = {};
    columns.forEach((column, index) => {
      record[column.Name ?? `_col${index}`] = cellValue(column.Type, row.Data?.[index]?.VarCharValue);
    });
    return record;
  });
}

/**
 * The lake engine on AWS: Athena over the Glue table `events`, in the stack's workgroup. A query
 * is started with its parameters as ExecutionParameters, polled (with a growing wait) until it
 * ends, and its results read page by page. A query still running at `limitMs` is stopped and
 * LakeQueryTimeout thrown; a failed one throws Athena's reason. The Athena package is loaded, and
 * its client made, by the first query (a function's other routes start without it), unless a
 * client is given.
 */
export function athenaEngine(settings: AthenaEngineSettings, client?: AthenaClient): LakeEngine {
  const athena = onFirstUse(async (): Promise<{ sdk: AthenaSdk; client: AthenaClient }> => {
    const sdk = await import('@aws-sdk/client-athena');
    return { sdk, client: client ?? new sdk.AthenaClient({}) };
  });
  const firstPollMs = settings.pollMs ?? 50;

  async function waitForEnd(sdk: AthenaSdk, athenaClient: AthenaClient, id: string, started: number): Promise<void> {
    let waitMs = firstPollMs;
    for (;;) {
      const { QueryExecution: execution } = await athenaClient.send(new sdk.GetQueryExecutionCommand({ QueryExecutionId: id }));
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED') return;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason = execution?.Status?.StateChangeReason ?? execution?.Status?.AthenaError?.ErrorMessage ?? 'no reason given';
        throw new Error(`The lake query ${state === 'FAILED' ? 'failed' : 'was cancelled'}: ${reason}`);
      }
      const left = settings.limitMs - (Date.now() - started);
      if (left <= 0) {
        await athenaClient.send(new sdk.StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
        throw new LakeQueryTimeout(settings.limitMs);
      }
      await delay(Math.min(waitMs, left));
      waitMs = Math.min(MAX_POLL_MS, Math.ceil(waitMs * 1.5));
    }
  }

  async function readResults(sdk: AthenaSdk, athenaClient: AthenaClient, id: string): Promise<LakeRow[]> {
    const rows: LakeRow[] = [];
    let nextToken: string | undefined;
    let first = true;
    do {
      const page = await athenaClient.send(new sdk.GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: PAGE_ROWS, NextToken: nextToken }));
      const columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      const pageRows = page.ResultSet?.Rows ?? [];
      rows.push(...toRows(first ? pageRows.slice(1) : pageRows, columns));
      first = false;
      nextToken = page.NextToken;
    } while (nextToken);
    return rows;
  }

  return {
    async run(query: LakeQuery): Promise<LakeRow[]> {
      const started = Date.now();
      const { sdk, client: athenaClient } = await athena();
      const { QueryExecutionId: id } = await athenaClient.send(
        new sdk.StartQueryExecutionCommand({
          QueryString: query.sql,
          WorkGroup: settings.workGroup,
          QueryExecutionContext: { Database: settings.database },
          ...(query.params.length ? { ExecutionParameters: query.params.map(athenaLiteral) } : {}),
        }),
      );
      if (!id) throw new Error('Athena started no query execution');
      await waitForEnd(sdk, athenaClient, id, started);
      return readResults(sdk, athenaClient, id);
    },
  };
}
