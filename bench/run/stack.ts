// `npm run bench`: the run's basics (its options, output, bounds), its workload and the stack it
// starts: the local runtime with its own cloud assembly, every function host timing its
// invocations, and (unless --no-wire) the counting proxies in front of the emulators.
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { newApiKey } from '../../functions/domain/api-keys.ts';
import type { BatchReport } from '../../local/event-source.ts';
import { PROJECT_ROOT, startLocalRuntime, type LocalRuntime } from '../../local/runtime.ts';
import { findByRole, type ResourceRole, type StackHandle } from '../../local/stack-handle.ts';
import { templateFunctionUrls } from '../../local/template-function-urls.ts';
import { FunctionLogs } from './function-logs.ts';
import { BenchFailure } from '../lib/numbers.ts';
import { eventsMapping, eventUrl, runtimeStack } from '../lib/stack.ts';
import { MeteredHost } from './metered-host.ts';
import type { Options } from './options.ts';
import { startWireProxy, type WireProxy } from '../wire/start.ts';
import { generateWorkload, type Workload } from '../workload/workload.ts';

/** What the run started, for the guard to stop. */
export interface Running {
  runtime?: LocalRuntime;
  proxy?: WireProxy;
  loadWorker?: Worker;
  stack?: StackHandle;
}

/** The run's options, where it writes, how it reports progress, and its bounds. */
export function runBasics(opts: Options) {
  const runStarted = Date.now();
  const loadAverageAtStart = os.loadavg();
  const hardDeadline = runStarted + opts.timeoutMinutes * 60_000;
  const say = (line = ''): void => {
    if (!opts.jsonOnly) process.stdout.write(`${line}\n`);
  };
  const progress = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
  const outDir = path.join(PROJECT_ROOT, '.local', 'bench');
  mkdirSync(outDir, { recursive: true });
  const logs = new FunctionLogs(path.join(outDir, 'runtime.log'), progress);
  const running: Running = {};
  return { opts, loadAverageAtStart, hardDeadline, say, progress, outDir, logs, running };
}
export type RunBasics = ReturnType<typeof runBasics>;

/** 1. The workload and its ground truth. */
export function generateRunWorkload({ opts, progress }: RunBasics) {
  const genStarted = Date.now();
  const workload: Workload = generateWorkload({ events: opts.events, sites: opts.sites, seed: opts.seed, profile: opts.profile });
  const distinctPaths = Math.max(...[...workload.truth.values()].flatMap((site) => [...site.days.values()].map((day) => day.paths.size)));
  progress(
    `workload (${opts.profile}): ${workload.bodies.length} events, ${workload.sites.length} sites, days ${workload.days.join(', ')}, ` +
      `up to ${distinctPaths} distinct paths a day (${Date.now() - genStarted} ms)`,
  );
  return { workload, distinctPaths };
}

/** The wire proxy's names for the tables, by role. */
const TABLE_LABELS: Array<[string, ResourceRole]> = [
  ['Aggregates', 'aggregatesTable'],
  ['Events', 'eventsTable'],
  ['Sites', 'sitesTable'],
];

/** 2. The local runtime, with its own cloud assembly. */
export async function startBenchStack({ opts, progress, logs, running }: RunBasics) {
  progress(`synthesizing${Object.keys(opts.context).length ? ` with ${JSON.stringify(opts.context)}` : ' with the default context'} and starting the local runtime...`);
  // The functions and the poller talk to the emulators through the counting proxies (--no-wire:
  // directly); every host times its invocations.
  const hosts: Record<string, MeteredHost> = {};
  const batches: BatchReport[] = [];
  const adminKey = newApiKey();
  running.runtime = await startLocalRuntime({
    port: 0,
    cdkOut: path.join(PROJECT_ROOT, '.local', 'cdk.out.bench'),
    context: opts.context,
    log: logs.onLine,
    environment: { ADMIN_API_KEY: adminKey },
    createHost: (options) => (hosts[options.fn.logicalId] = new MeteredHost(options)),
    onBatch: (report) => batches.push(report),
    deferPollers: opts.phased,
    functionEndpoints: opts.wire
      ? async ({ dynamodb, sqs, bindings }) => {
          const tableLabels: Record<string, string> = {};
          for (const [name, role] of TABLE_LABELS) {
            const table = findByRole(bindings.tables, role)?.name;
            if (table) tableLabels[table] = name;
          }
          running.proxy = await startWireProxy({ dynamodbTarget: dynamodb, sqsTarget: sqs, tableLabels });
          return { dynamodb: running.proxy.dynamodbEndpoint, sqs: running.proxy.sqsEndpoint };
        }
      : undefined,
  });
  const rt = running.runtime;
  if (!rt.apiUrl) throw new BenchFailure('the local runtime serves no API (the local runtime serves REST APIs only: use the default apiType=rest)');
  const routeFn = (method: string, p: string): string => {
    const route = rt.routes.find((r) => r.method === method && r.path === p);
    if (!route?.function) throw new BenchFailure(`no ${method} ${p} route to a function`);
    return route.function;
  };
  // With -c ingestion=function-url the ingest function is the one behind the function URL.
  const ingestId = templateFunctionUrls(rt.model)[0]?.functionLogicalId ?? routeFn('POST', '/event');
  const statsId = routeFn('GET', '/stats');
  const mapping = eventsMapping(rt);
  const processorId = mapping.functionLogicalId;
  const stack = (running.stack = runtimeStack(rt));
  progress(
    `runtime ready in ${(rt.startupMs / 1000).toFixed(1)} s: API ${rt.apiUrl}, events to ${eventUrl(rt)}; processor batch ${mapping.batchSize}, window ${mapping.maximumBatchingWindowSeconds} s, ` +
      `max concurrency ${mapping.maximumConcurrency ?? 'default (5)'}`,
  );
  return {
    rt,
    stack,
    adminKey,
    hosts,
    batches,
    mapping,
    ingestId,
    statsId,
    processorId,
    aggregatesTable: stack.get('aggregatesTable'),
    ingestHost: hosts[ingestId]!,
    processorHost: hosts[processorId]!,
    statsHost: hosts[statsId]!,
  };
}
export type BenchStack = Awaited<ReturnType<typeof startBenchStack>>;
export type Generated = ReturnType<typeof generateRunWorkload>;
