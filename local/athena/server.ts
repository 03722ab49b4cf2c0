// A local endpoint speaking Athena's API (the JSON 1.1 protocol: POST with
// `X-Amz-Target: AmazonAthena.<Operation>`), backed by DuckDB over the local S3's lake, so the
// stats function's Athena client runs unchanged: StartQueryExecution, GetQueryExecution,
// GetQueryResults (paged, header row first, every value as text) and StopQueryExecution.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { openDuckDbLake } from './duckdb-lake.ts';
import { Executions, InvalidRequest, type Execution } from './executions.ts';
import { lakeMirror } from './lake-mirror.ts';
import type { TemplateLake } from './template-lake.ts';

export interface AthenaLocalOptions {
  lake: TemplateLake;
  /** The S3 emulator holding the lake's bucket. */
  s3: S3Client;
  /** Port to listen on (default: any free port). */
  port?: number;
  /**
   * How often the lake is mirrored in the background, from the start (default 3,000 ms; 0: only
   * before each query). Each query still syncs first; this leaves it little to fetch.
   */
  followMs?: number;
}

export interface AthenaLocal {
  /** http://127.0.0.1:PORT, for AWS_ENDPOINT_URL_ATHENA. */
  readonly endpoint: string;
  /** The folder the lake is mirrored into. */
  readonly mirrorDir: string;
  /** Queries still being mirrored for or run in DuckDB (a stopped one until DuckDB lets go of it). */
  inFlight(): number;
  stop(): Promise<void>;
}

/** How often the lake is mirrored in the background by default. */
const FOLLOW_MS = 3000;

/** Athena's largest page of results. */
const MAX_RESULTS = 1000;

type Body = Record<string, unknown>;
const seconds = (date: Date | undefined): number | undefined => (date ? date.getTime() / 1000 : undefined);

function describe(execution: Execution, outputLocation: string | undefined): Body {
  return {
    QueryExecutionId: execution.id,
    Query: execution.sql,
    StatementType: 'DML',
    WorkGroup: execution.workGroup,
    QueryExecutionContext: { Database: execution.database, Catalog: 'AwsDataCatalog' },
    ResultConfiguration: outputLocation ? { OutputLocation: `${outputLocation}${execution.id}.csv` } : {},
    EngineVersion: { SelectedEngineVersion: 'Athena engine version 3', EffectiveEngineVersion: 'Athena engine version 3' },
    Status: {
      State: execution.state,
      ...(execution.reason ? { StateChangeReason: execution.reason } : {}),
      ...(execution.state === 'FAILED' ? { AthenaError: { ErrorCategory: 2, ErrorType: 1006, Retryable: false, ErrorMessage: execution.reason } } : {}),
      SubmissionDateTime: seconds(execution.submittedAt),
      ...(execution.completedAt ? { CompletionDateTime: seconds(execution.completedAt) } : {}),
    },
    Statistics: {
      TotalExecutionTimeInMillis: (execution.completedAt ?? new Date()).getTime() - execution.submittedAt.getTime(),
      DataScannedInBytes: 0,
    },
  };
}

/** A page of results: the header row first on the first page, then up to `max` rows in all. */
function resultsPage(execution: Execution, body: Body): Body {
  if (execution.state !== 'SUCCEEDED' || !execution.result) {
    throw new InvalidRequest(
      execution.state === 'QUEUED' || execution.state === 'RUNNING'
        ? `Query has not yet finished. Current state: ${execution.state}`
        : `Query did not finish successfully. Final query state: ${execution.state}`,
    );
  }
  const max = body.MaxResults === undefined ? MAX_RESULTS : Number(body.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > MAX_RESULTS) throw new InvalidRequest(`MaxResults must be from 1 to ${MAX_RESULTS}`);
  const { columns, rows } = execution.result;
  // The header is row 0 of the result as Athena pages it; the token is the next row's position.
  let offset = 0;
  if (body.NextToken !== undefined) {
    const [id, position] = Buffer.from(String(body.NextToken), 'base64url').toString().split(':');
    offset = Number(position);
    if (id !== execution.id || !Number.isInteger(offset) || offset < 1) throw new InvalidRequest('NextToken is not valid for this query');
  }
  const all = rows.length + 1;
  const end = Math.min(all, offset + max);
  const cells = (values: (string | undefined)[]) => ({ Data: values.map((value) => (value === undefined ? {} : { VarCharValue: value })) });
  const pageRows = [];
  for (let i = offset; i < end; i++) pageRows.push(i === 0 ? cells(columns.map((c) => c.name)) : cells(rows[i - 1]!));
  return {
    UpdateCount: 0,
    ResultSet: {
      Rows: pageRows,
      ResultSetMetadata: {
        ColumnInfo: columns.map((c) => ({
          CatalogName: 'hive',
          SchemaName: '',
          TableName: '',
          Name: c.name,
          Label: c.name,
          Type: c.type,
          Precision: 0,
          Scale: 0,
          Nullable: 'UNKNOWN',
          CaseSensitive: c.type === 'varchar',
        })),
      },
    },
    ...(end < all ? { NextToken: Buffer.from(`${execution.id}:${end}`).toString('base64url') } : {}),
  };
}

function operations(executions: Executions, outputLocation: string | undefined): Record<string, (body: Body) => Body> {
  return {
    StartQueryExecution: (body) => {
      const context = body.QueryExecutionContext as { Database?: string } | undefined;
      const parameters = body.ExecutionParameters;
      if (parameters !== undefined && !(Array.isArray(parameters) && parameters.every((p) => typeof p === 'string'))) {
        throw new InvalidRequest('ExecutionParameters must be a list of strings');
      }
      const execution = executions.start({
        sql: typeof body.QueryString === 'string' ? body.QueryString : '',
        workGroup: typeof body.WorkGroup === 'string' ? body.WorkGroup : undefined,
        database: context?.Database,
        parameters: parameters as string[] | undefined,
      });
      return { QueryExecutionId: execution.id };
    },
    GetQueryExecution: (body) => ({ QueryExecution: describe(executions.get(body.QueryExecutionId as string), outputLocation) }),
    GetQueryResults: (body) => resultsPage(executions.get(body.QueryExecutionId as string), body),
    StopQueryExecution: (body) => {
      executions.stop(body.QueryExecutionId as string);
      return {};
    },
  };
}

async function readBody(request: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const body = text ? (JSON.parse(text) as unknown) : {};
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    return body as Body;
  } catch {
    throw new InvalidRequest('The request body is not a JSON object');
  }
}

function send(response: ServerResponse, status: number, body: Body): void {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
  if (status >= 400) headers['x-amzn-errortype'] = String(body.__type);
  response.writeHead(status, headers).end(JSON.stringify(body));
}

/**
 * Starts the endpoint on 127.0.0.1; the lake is mirrored into a temporary folder (beside DuckDB's
 * spill folder) removed on stop, in the background from the start and before each query.
 */
export async function startAthenaLocal(options: AthenaLocalOptions): Promise<AthenaLocal> {
  const { lake } = options;
  const root = mkdtempSync(path.join(os.tmpdir(), 'athena-local-'));
  const mirrorDir = path.join(root, 'lake');
  const duckdb = await openDuckDbLake({ columns: lake.columns, partitionKeys: lake.partitionKeys, spillDir: path.join(root, 'spill') });
  const mirror = lakeMirror({ s3: options.s3, bucket: lake.bucket, prefix: lake.prefix, dir: mirrorDir, apply: (change) => duckdb.apply(change) });
  const followMs = options.followMs ?? FOLLOW_MS;
  const follower = followMs > 0 ? mirror.follow(followMs) : undefined;
  const executions = new Executions({ lake: duckdb, mirror, workGroup: lake.workGroup, database: lake.database });
  const handlers = operations(executions, lake.outputLocation);

  const server = createServer((request, response) => {
    void (async () => {
      try {
        const target = String(request.headers['x-amz-target'] ?? '');
        const handler = request.method === 'POST' && target.startsWith('AmazonAthena.') ? handlers[target.slice('AmazonAthena.'.length)] : undefined;
        if (!handler) {
          send(response, 400, { __type: 'UnknownOperationException', message: `Unknown operation ${target || '(no X-Amz-Target)'}` });
          return;
        }
        send(response, 200, handler(await readBody(request)));
      } catch (error) {
        if (error instanceof InvalidRequest) send(response, 400, { __type: 'InvalidRequestException', message: error.message, Message: error.message });
        else send(response, 500, { __type: 'InternalServerException', message: (error as Error).message });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    mirrorDir,
    inFlight: () => executions.inFlightCount,
    stop() {
      stopping ??= (async () => {
        server.closeAllConnections();
        await follower?.stop();
        await executions.stopAll();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        duckdb.close();
        rmSync(root, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
