// The local runtime: synthesizes the CDK app, starts DynamoDB Local and fauxqs, creates the
// template's tables and queues, hosts its functions in worker threads, serves its REST API and
// polls its SQS event source mappings. Everything it reads about the stack comes from the
// synthesized template.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startApiServer, type ApiServer } from './api-server.ts';
import { startAthenaLocal } from './athena/server.ts';
import { templateLake } from './athena/template-lake.ts';
import { localDynamoDbClient, localS3Client, localSqsClient } from './clients.ts';
import { startDynamoDbLocal, type DynamoDbLocal, type DynamoDbLocalOptions } from './dynamodb-local.ts';
import { startPoller, type BatchReport, type Poller } from './event-source.ts';
import { FunctionHost, type FunctionHostOptions, type InvokeResult } from './function-host.ts';
import { startFunctionUrls } from './function-url-server.ts';
import { functionUrlOutputs } from './template-function-urls.ts';
import { lambdaEnvironment } from './lambda-environment.ts';
import { createResources } from './resources.ts';
import { PROJECT_ROOT } from './paths.ts';
import { startSqsLocal, type SqsLocal } from './sqs-local.ts';
import { synthesize } from './synth.ts';
import { loadTemplate, resolveEnvironment, resolveOutputs, type LocalBindings, type TemplateModel } from './template.ts';

export { PROJECT_ROOT, synthesize };
/** Where `npm start` synthesizes to (kept apart from a `cdk synth` into cdk.out). */
export const DEFAULT_SYNTH_DIR = path.join(PROJECT_ROOT, '.local', 'cdk.out');
/** Endpoints of the running runtime, for tools such as `npm run queue:status`. */
export const RUNTIME_STATE_FILE = path.join(PROJECT_ROOT, '.local', 'runtime.json');

export interface LocalRuntimeOptions {
  /** API port: 0 for any free port; default $PORT, else 3000. */
  port?: number;
  /** Port of the first function URL (AWS::Lambda::Url), the next on the following ports; default 0, any free port. */
  functionUrlPort?: number;
  /** Cloud assembly folder: synthesized into (default .local/cdk.out), or read as is with synth: false (default cdk.out). */
  cdkOut?: string;
  /** Run `cdk synth` first (default true). */
  synth?: boolean;
  /** CDK context passed to synth as -c key=value. */
  context?: Record<string, string>;
  /** CDK app command (--app), default: cdk.json's. */
  app?: string;
  /** Stack to run when the assembly has several. */
  stackName?: string;
  /** Output lines (start-up notes, one line per batch, function output). Default console.log. */
  log?: (line: string) => void;
  /** Also log one line per API request. */
  logRequests?: boolean;
  /** DynamoDB Local options (port, dbPath for data that survives a restart, ...). */
  dynamodb?: Omit<DynamoDbLocalOptions, 'log'>;
  /** fauxqs port (default: any free port). */
  sqsPort?: number;
  /** Concurrent batches per event source mapping without MaximumConcurrency (default 5). */
  defaultConcurrency?: number;
  /**
   * Endpoints the functions and pollers use instead of the emulators' own, e.g. counting proxies
   * in front of them (the benchmark's). Called once the template's resources exist.
   */
  functionEndpoints?: (context: { dynamodb: string; sqs: string; model: TemplateModel; bindings: LocalBindings }) => Promise<{ dynamodb: string; sqs: string }>;
  /** Builds each function host (default: a FunctionHost), e.g. one that times its invocations. */
  createHost?: (options: FunctionHostOptions) => FunctionHost;
  /** Called after every batch a poller handed to its function. */
  onBatch?: (report: BatchReport) => void;
  /** Start the pollers only when runtime.startPollers() is called (default: at once). */
  deferPollers?: boolean;
  /** Variables every function gets on top of its template environment (local secrets such as ADMIN_API_KEY). */
  environment?: Record<string, string>;
  /** Write the endpoints to this file while running (e.g. RUNTIME_STATE_FILE, read by `npm run queue:status`). */
  stateFile?: string;
}

export interface RouteInfo {
  method: string;
  /** Resource path, e.g. /stats or /items/{id}. */
  path: string;
  integration: string;
  /** Logical id of the function behind an AWS_PROXY integration. */
  function?: string;
}

export interface LocalRuntime {
  /** The API's invoke URL with its stage, like API Gateway's: http://127.0.0.1:PORT/<stage>. */
  readonly apiUrl: string;
  /** http://127.0.0.1:PORT; routes also answer without the stage prefix. */
  readonly serverUrl: string;
  /** Function URLs (payload format 2.0, their CORS configuration) by logical id, each ending in `/`. */
  readonly functionUrls: Record<string, string>;
  readonly stage: string;
  readonly routes: RouteInfo[];
  readonly dynamodbEndpoint: string;
  readonly sqsEndpoint: string;
  /** The local Athena endpoint (DuckDB over the lake), when the template has a workgroup and the lake's table. */
  readonly athenaEndpoint?: string;
  /** Table names by logical id. */
  readonly tables: Record<string, string>;
  /** Queue URLs by logical id. */
  readonly queues: Record<string, string>;
  /** Bucket names by logical id (S3 in the fauxqs emulator, at sqsEndpoint). */
  readonly buckets: Record<string, string>;
  /** Function names by logical id. */
  readonly functions: Record<string, string>;
  /** Stack outputs, resolved locally (API URLs point at the local server). */
  readonly outputs: Record<string, string>;
  readonly model: TemplateModel;
  readonly bindings: LocalBindings;
  readonly dynamodb: DynamoDbLocal;
  readonly sqs: SqsLocal;
  readonly pollers: Poller[];
  readonly hosts: Record<string, FunctionHost>;
  /** Starts the pollers if they were deferred (deferPollers); does nothing otherwise. */
  startPollers(): void;
  /** Milliseconds from the call to ready. */
  readonly startupMs: number;
  /** Invokes a function directly (RequestResponse). */
  invoke(functionLogicalId: string, event: unknown): Promise<InvokeResult>;
  /** Stops pollers, API, functions and emulators (in that order). Safe to call twice. */
  stop(): Promise<void>;
}

/** Logical ids carry an 8-hex-digit hash; without it they read better in logs. */
export function displayName(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}$/, '') || logicalId;
}

export async function startLocalRuntime(opts: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const started = Date.now();
  const log = opts.log ?? ((line: string) => console.log(line));
  const synth = opts.synth !== false;
  const cdkOut = path.resolve(opts.cdkOut ?? (synth ? DEFAULT_SYNTH_DIR : path.join(PROJECT_ROOT, 'cdk.out')));
  const cleanup: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const step of cleanup.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        log(`while stopping: ${(error as Error).message}`);
      }
    }
  };

  try {
    // Synth and both emulators start in parallel; each registers its cleanup as soon as it is up.
    const synthDone = synth
      ? (mkdirSync(path.dirname(cdkOut), { recursive: true }), synthesize({ outDir: cdkOut, context: opts.context, app: opts.app }))
      : Promise.resolve();
    const dynamodbUp = startDynamoDbLocal({ ...opts.dynamodb, log: () => {} }).then((d) => {
      cleanup.push(() => d.stop());
      return d;
    });
    const sqsUp = startSqsLocal({ port: opts.sqsPort }).then((s) => {
      cleanup.push(() => s.stop());
      return s;
    });
    // allSettled: on a failure, whatever did start has registered its cleanup before we unwind.
    const settled = await Promise.allSettled([dynamodbUp, sqsUp, synthDone]);
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    const dynamodb = await dynamodbUp;
    const sqs = await sqsUp;
    if (dynamodb.listenHost !== '127.0.0.1') log(`note: DynamoDB Local listens on ${dynamodb.listenHost} (no JDK compiler for the loopback launcher)`);

    const model = loadTemplate(cdkOut, { stackName: opts.stackName });
    if (model.ignoredResourceTypes.length) log(`not emulated: ${model.ignoredResourceTypes.join(', ')}`);
    const ddbClient = localDynamoDbClient(dynamodb.endpoint);
    const sqsClient = localSqsClient(sqs.endpoint);
    const s3Client = localS3Client(sqs.endpoint);
    cleanup.push(async () => {
      ddbClient.destroy();
      sqsClient.destroy();
      s3Client.destroy();
    });
    const bindings = await createResources(model, { dynamodb: ddbClient, sqs: sqsClient, s3: s3Client, sqsEndpoint: sqs.endpoint, log });
    // Athena's workgroup and the Glue table over a bucket of the stack: DuckDB behind Athena's API.
    const lake = templateLake(model, bindings);
    const athena = lake ? await startAthenaLocal({ lake, s3: s3Client }) : undefined;
    if (athena) cleanup.push(() => athena.stop());

    // Functions reach SQS at the queue URLs' own origin (sqs.<region>.localhost:PORT, which the
    // worker resolves to 127.0.0.1), so SDK clients work with default settings, as on AWS.
    const firstQueueUrl = Object.values(bindings.queues)[0]?.url;
    const endpoints = opts.functionEndpoints
      ? await opts.functionEndpoints({ dynamodb: dynamodb.endpoint, sqs: sqs.endpoint, model, bindings })
      : { dynamodb: dynamodb.endpoint, sqs: firstQueueUrl ? new URL(firstQueueUrl).origin : sqs.endpoint };
    const pollerSqs = opts.functionEndpoints ? localSqsClient(endpoints.sqs) : sqsClient;
    if (pollerSqs !== sqsClient) cleanup.push(async () => pollerSqs.destroy());
    const createHost = opts.createHost ?? ((options: FunctionHostOptions) => new FunctionHost(options));
    const hosts: Record<string, FunctionHost> = {};
    for (const fn of Object.values(model.functions)) {
      hosts[fn.logicalId] = createHost({
        fn,
        functionArn: bindings.functions[fn.logicalId]!.arn,
        environment: lambdaEnvironment({
          fn,
          variables: resolveEnvironment(model, fn, bindings),
          region: model.region,
          dynamodbEndpoint: endpoints.dynamodb,
          sqsEndpoint: endpoints.sqs,
          // fauxqs serves S3 on its SQS port.
          s3Endpoint: sqs.endpoint,
          athenaEndpoint: athena?.endpoint,
          extra: opts.environment,
        }),
        moduleFallbackDir: PROJECT_ROOT,
        log,
      });
    }
    cleanup.push(async () => {
      await Promise.all(Object.values(hosts).map((h) => h.stop()));
    });
    await Promise.all(Object.values(hosts).map((h) => h.start()));

    const apis = Object.values(model.restApis);
    if (apis.length > 1) log(`note: ${apis.length} REST APIs in the stack; serving ${apis[0]!.logicalId} only`);
    if (!apis.length && model.ignoredResourceTypes.includes('AWS::ApiGatewayV2::Api')) {
      log('note: the stack has an HTTP API (AWS::ApiGatewayV2::Api); the local runtime serves REST APIs (AWS::ApiGateway::RestApi) only, so no API is served');
    }
    const api = apis[0];
    let server: ApiServer | undefined;
    if (api) {
      server = await startApiServer({
        api,
        functions: hosts,
        port: opts.port,
        accountId: model.accountId,
        region: model.region,
        logRequest: opts.logRequests ? log : undefined,
      });
      const s = server;
      cleanup.push(() => s.stop());
      bindings.restApis[api.logicalId]!.url = server.url;
    }

    const functionUrls = await startFunctionUrls({ model, hosts, port: opts.functionUrlPort, logRequest: opts.logRequests ? log : undefined });
    cleanup.push(() => functionUrls.stop());

    const pollers: Poller[] = [];
    cleanup.push(async () => {
      await Promise.all(pollers.map((p) => p.stop()));
    });
    const startPollers = (): void => {
      if (pollers.length) return;
      for (const mapping of Object.values(model.eventSourceMappings)) {
        const host = hosts[mapping.functionLogicalId];
        const queue = bindings.queues[mapping.queueLogicalId];
        if (!host || !queue) continue;
        const name = `${displayName(mapping.queueLogicalId)} -> ${displayName(mapping.functionLogicalId)}`;
        if (mapping.filterPatterns.length) log(`note: ${name}: FilterCriteria are not applied locally`);
        pollers.push(
          startPoller({
            mapping,
            sqs: pollerSqs,
            queueUrl: queue.url,
            queueArn: queue.arn,
            region: model.region,
            invoke: (event) => host.invoke(event),
            defaultConcurrency: opts.defaultConcurrency,
            name,
            log,
            onBatch: (report: BatchReport) => {
              log(
                `[${report.mapping}] batch: ${report.records} records, ${report.failures} failures, ${report.durationMs} ms` +
                  (report.batchError ? ` (whole batch failed: ${report.batchError})` : ''),
              );
              opts.onBatch?.(report);
            },
          }),
        );
      }
    };
    if (!opts.deferPollers) startPollers();

    const stage = api?.stages[0]?.name ?? '';
    const serverUrl = server?.url ?? '';
    const apiUrl = server ? (stage ? `${server.url}/${stage}` : server.url) : '';
    const runtime: LocalRuntime = {
      apiUrl,
      serverUrl,
      functionUrls: functionUrls.urls,
      stage,
      routes: (api?.routes ?? []).map((r) => ({
        method: r.httpMethod,
        path: r.resourcePath,
        integration: r.integration.type,
        ...(r.integration.type === 'AWS_PROXY' ? { function: r.integration.functionLogicalId } : {}),
      })),
      dynamodbEndpoint: dynamodb.endpoint,
      sqsEndpoint: sqs.endpoint,
      athenaEndpoint: athena?.endpoint,
      tables: Object.fromEntries(Object.entries(bindings.tables).map(([id, t]) => [id, t.name])),
      queues: Object.fromEntries(Object.entries(bindings.queues).map(([id, q]) => [id, q.url])),
      buckets: Object.fromEntries(Object.values(model.buckets).map((b) => [b.logicalId, b.name])),
      functions: Object.fromEntries(Object.entries(bindings.functions).map(([id, f]) => [id, f.name])),
      outputs: { ...resolveOutputs(model, bindings), ...functionUrlOutputs(model, functionUrls.urls) },
      model,
      bindings,
      dynamodb,
      sqs,
      pollers,
      hosts,
      startupMs: Date.now() - started,
      startPollers,
      invoke(functionLogicalId, event) {
        const host = hosts[functionLogicalId];
        if (!host) throw new Error(`No function ${functionLogicalId} (have: ${Object.keys(hosts).join(', ')})`);
        return host.invoke(event);
      },
      stop: (() => {
        let stopping: Promise<void> | undefined;
        return () => (stopping ??= stopAll());
      })(),
    };
    const stateFile = opts.stateFile;
    if (stateFile) {
      mkdirSync(path.dirname(stateFile), { recursive: true });
      writeFileSync(
        stateFile,
        JSON.stringify(
          {
            pid: process.pid,
            apiUrl,
            functionUrls: functionUrls.urls,
            dynamodbEndpoint: dynamodb.endpoint,
            dynamodbPid: dynamodb.pid,
            sqsEndpoint: sqs.endpoint,
            s3Endpoint: sqs.endpoint,
            athenaEndpoint: athena?.endpoint,
            tables: runtime.tables,
            queues: runtime.queues,
            buckets: runtime.buckets,
          },
          null,
          2,
        ),
      );
      cleanup.unshift(async () => rmSync(stateFile, { force: true }));
    }
    return runtime;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
