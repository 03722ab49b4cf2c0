// Points a started local runtime's functions and SQS poller at other DynamoDB and SQS endpoints
// (the benchmark's counting proxies), and times every invocation.
//
// startLocalRuntime() has no option for the endpoints its functions and poller use, so this
// replaces its function hosts and pollers with equivalent ones built from the same public pieces
// (FunctionHost, lambdaEnvironment, resolveEnvironment, startPoller) and the same template model:
// same bundles, environment, memory, timeouts, batch size, window and concurrency; only the two
// endpoints differ. The API server looks hosts up by logical id in `runtime.hosts` on every
// request, and runtime.stop() stops whatever `runtime.hosts` and `runtime.pollers` hold, so the
// replacements are served and stopped like the originals.
import { performance } from 'node:perf_hooks';
import { localSqsClient } from '../local/clients.ts';
import { startPoller, type BatchReport, type Poller, type SqsRecord } from '../local/event-source.ts';
import { FunctionHost, lambdaEnvironment, type FunctionHostOptions, type InvokeResult } from '../local/function-host.ts';
import { displayName, PROJECT_ROOT, type LocalRuntime } from '../local/runtime.ts';
import { resolveEnvironment } from '../local/template.ts';
import { newThreads, threadCpu } from './cpu.ts';

/** A function host that records the wall time of every invocation. */
export class MeteredHost extends FunctionHost {
  /** Wall time of each invocation, ms, in completion order. */
  readonly durations: number[] = [];
  /** Invocations that returned an error. */
  failures = 0;
  /** OS thread ids of this host's worker threads (for CPU accounting). */
  readonly threadIds: number[] = [];
  readonly memorySizeMb: number;

  constructor(opts: FunctionHostOptions) {
    super(opts);
    this.memorySizeMb = opts.fn.memorySizeMb;
  }

  override async invoke(event: unknown, opts: { timeoutMs?: number } = {}): Promise<InvokeResult> {
    const started = performance.now();
    const result = await super.invoke(event, opts);
    this.durations.push(performance.now() - started);
    if (!result.ok) this.failures++;
    return result;
  }
}

/** The poller's long-poll wait (event-source.ts, MAX_WAIT_SECONDS). */
const LONG_POLL_SECONDS = 20;

export interface Rewired {
  hosts: Record<string, MeteredHost>;
  pollers: Poller[];
  /** Every batch the pollers handled. */
  batches: BatchReport[];
  /** Starts the pollers (when deferred). */
  startPollers(): void;
}

export async function rewireRuntime(
  runtime: LocalRuntime,
  opts: {
    dynamodbEndpoint: string;
    sqsEndpoint: string;
    log: (line: string) => void;
    onWait?: (ms: number) => void;
    /** Do not start the pollers until startPollers() is called. */
    deferPollers?: boolean;
  },
): Promise<Rewired> {
  const { model, bindings } = runtime;

  // The runtime's pollers first, so nothing is in flight while the hosts change.
  const oldPollers = runtime.pollers.splice(0);
  const stoppedAt = Date.now();
  await Promise.all(oldPollers.map((p) => p.stop()));

  const hosts: Record<string, MeteredHost> = {};
  for (const fn of Object.values(model.functions)) {
    const host = new MeteredHost({
      fn,
      functionArn: bindings.functions[fn.logicalId]!.arn,
      environment: lambdaEnvironment({
        fn,
        variables: resolveEnvironment(model, fn, bindings),
        region: model.region,
        dynamodbEndpoint: opts.dynamodbEndpoint,
        sqsEndpoint: opts.sqsEndpoint,
      }),
      moduleFallbackDir: PROJECT_ROOT,
      log: opts.log,
    });
    const before = threadCpu();
    const initError = await host.start();
    if (initError) throw new Error(`${fn.logicalId} failed to start: ${initError.errorType}: ${initError.errorMessage}`);
    host.threadIds.push(...newThreads(before));
    const old = runtime.hosts[fn.logicalId];
    runtime.hosts[fn.logicalId] = host;
    hosts[fn.logicalId] = host;
    await old?.stop();
  }

  // A stopped poller aborts its long poll (ReceiveMessage, WaitTimeSeconds 20) on the client side
  // only: fauxqs keeps the request waiting and, if a message arrives before the 20 s are up, hands
  // it to the dead request, so the message stays invisible for the whole visibility timeout
  // (6 x the processor timeout). Wait those long polls out before any traffic.
  if (oldPollers.length) {
    const waitMs = Math.max(0, stoppedAt + LONG_POLL_SECONDS * 1000 + 1000 - Date.now());
    opts.log(`waiting ${(waitMs / 1000).toFixed(0)} s for the replaced pollers' long polls to expire in fauxqs`);
    opts.onWait?.(waitMs);
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }

  const sqs = localSqsClient(opts.sqsEndpoint);
  const batches: BatchReport[] = [];
  const pollers: Poller[] = [];
  const startPollers = (): void => {
    if (pollers.length) return;
    for (const mapping of Object.values(model.eventSourceMappings)) {
      const host = hosts[mapping.functionLogicalId];
      const queue = bindings.queues[mapping.queueLogicalId];
      if (!host || !queue) continue;
      const poller = startPoller({
        mapping,
        sqs,
        queueUrl: queue.url,
        queueArn: queue.arn,
        region: model.region,
        invoke: (event: { Records: SqsRecord[] }) => host.invoke(event),
        name: `${displayName(mapping.queueLogicalId)} -> ${displayName(mapping.functionLogicalId)}`,
        log: opts.log,
        onBatch: (report) => batches.push(report),
      });
      pollers.push(poller);
      runtime.pollers.push(poller);
    }
  };
  if (!opts.deferPollers) startPollers();
  return { hosts, pollers, batches, startPollers };
}
