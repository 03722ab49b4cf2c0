// Loads a function's handler module the way Lambda starts it: a fresh import with the
// environment the stack gives that function (read once at module load, as the handlers do).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyResult, SQSBatchResponse } from 'aws-lambda';
import { vi } from 'vitest';
import { PROJECT_ROOT } from '../../local/paths.ts';
import { stackResources, type StackResources } from './aws.ts';

/** A handler behind API Gateway: REST (v1) or HTTP API (v2) events in, a proxy result out. */
export type HttpHandler = (event: unknown, context: unknown) => Promise<APIGatewayProxyResult>;
/** A handler fed by an SQS event source mapping, answering its batch item failures. */
export type SqsHandler = (event: unknown, context: unknown) => Promise<SQSBatchResponse>;

/** Imports `module` (relative to the project root, e.g. `functions/ingest/handler.ts`) anew with `env`, and returns its handler. */
export async function loadHandler<T>(module: string, env: Record<string, string>): Promise<T> {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  try {
    const loaded = (await import(pathToFileURL(path.join(PROJECT_ROOT, module)).href)) as { handler: T };
    return loaded.handler;
  } finally {
    vi.unstubAllEnvs();
  }
}

type FunctionEnvironments = Pick<StackResources, 'functionEnv'>;

/** The ingest function's handler (POST /event, /events) with the stack's environment. */
export const loadIngest = (aws: FunctionEnvironments): Promise<HttpHandler> =>
  loadHandler<HttpHandler>('functions/ingest/handler.ts', aws.functionEnv('IngestFunction'));

/** The processor function's handler (the queue's batches) with the stack's environment. */
export const loadProcessor = (aws: FunctionEnvironments): Promise<SqsHandler> =>
  loadHandler<SqsHandler>('functions/processor/handler.ts', aws.functionEnv('ProcessorFunction'));

/** The stats function's handler (GET /stats, /sites, ...) with the stack's environment. */
export const loadStats = (aws: FunctionEnvironments): Promise<HttpHandler> =>
  loadHandler<HttpHandler>('functions/stats/handler.ts', aws.functionEnv('StatsFunction'));

/** The stack and its handlers along the pipeline: POST /event, the queue's batches, GET /stats. */
export interface StackHandlers {
  aws: StackResources;
  ingest: HttpHandler;
  processor: SqsHandler;
  stats: HttpHandler;
}

/** The stack's resources, then its ingest, processor and stats handlers with the stack's environment, loaded in that order. */
export async function stackHandlers(): Promise<StackHandlers> {
  const aws = await stackResources();
  const ingest = await loadIngest(aws);
  const processor = await loadProcessor(aws);
  return { aws, ingest, processor, stats: await loadStats(aws) };
}
