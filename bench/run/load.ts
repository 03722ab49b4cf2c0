// `npm run bench`: the load (the seeded workload sent to POST /event by a worker thread over
// keep-alive connections, with a progress line a second) and the drain (until the queue and the
// pollers hold nothing), with what the run measures at each end.
import { Worker } from 'node:worker_threads';
import { cpuSnapshot, type CpuSnapshot } from './cpu-split.ts';
import type { BatchLine } from './function-logs.ts';
import { USER_AGENTS } from '../workload/clients.ts';
import { drain } from '../lib/drain.ts';
import { eventUrl } from '../lib/stack.ts';
import { BenchFailure, sum } from '../lib/numbers.ts';
import type { LoadData, LoadToHost } from './load-worker.ts';
import type { BenchStack, RunBasics } from './stack.ts';
import type { Workload } from '../workload/workload.ts';

/** 3. Ingest over HTTP: the load worker, until it is done. */
export async function sendLoad({ opts, hardDeadline, progress, running, workload, rt, stack, batches, ingestHost }: RunBasics & BenchStack & { workload: Workload }) {
  const cpuAt = (): CpuSnapshot => cpuSnapshot(rt.dynamodb.pid);
  const cpuStart = cpuAt();
  let lastProgress: Extract<LoadToHost, { type: 'progress' }> | undefined;
  let loadDone: Extract<LoadToHost, { type: 'done' }> | undefined;
  const samples: Array<{ t: number; sent: number; accepted: number; visible: number; inFlight: number; processed: number }> = [];
  const processed = (): number => sum(batches.map((b) => b.records - b.failures));
  const loadWorker = (running.loadWorker = new Worker(new URL('./load-worker.ts', import.meta.url), {
    execArgv: [],
    name: 'bench-load',
    workerData: {
      url: eventUrl(rt),
      bodies: workload.bodies,
      userAgent: workload.userAgent,
      userAgents: [...USER_AGENTS],
      address: workload.address,
      addresses: workload.addresses,
      textPlain: workload.beaconContentType,
      concurrency: opts.concurrency,
      deadline: hardDeadline - 60_000,
      maxAttempts: 5,
    } satisfies LoadData,
  }));
  const loadFinished = new Promise<Extract<LoadToHost, { type: 'done' }>>((resolve, reject) => {
    loadWorker.on('message', (message: LoadToHost) => {
      if (message.type === 'progress') lastProgress = message;
      else resolve(message);
    });
    loadWorker.once('error', reject);
    loadWorker.once('exit', (code) => reject(new Error(`the load generator exited (${code})`)));
  });
  void loadFinished.then((d) => (loadDone = d)).catch(() => undefined);
  const loadStartedAt = Date.now();
  let previousAccepted = 0;
  let previousAt = loadStartedAt;
  const ticker = setInterval(() => {
    void (async () => {
      const depth = await stack.queueDepth().catch(() => ({ visible: NaN, inFlight: NaN }));
      const now = Date.now();
      const accepted = loadDone ? sum(loadDone.accepted) : (lastProgress?.accepted ?? 0);
      const sent = loadDone ? opts.events : (lastProgress?.sent ?? 0);
      const rps = ((accepted - previousAccepted) * 1000) / Math.max(1, now - previousAt);
      previousAccepted = accepted;
      previousAt = now;
      const done = processed();
      samples.push({ t: (now - loadStartedAt) / 1000, sent, accepted, visible: depth.visible, inFlight: depth.inFlight, processed: done });
      progress(
        `${((now - loadStartedAt) / 1000).toFixed(0).padStart(4)} s  sent ${sent}  accepted ${accepted}  ${rps.toFixed(0)} req/s  ` +
          `queue ${depth.visible} (+${depth.inFlight} in flight)  processed ${done}  batches ${batches.length}`,
      );
    })();
  }, 1000);

  const load = await loadFinished;
  loadDone = load;
  const cpuLoadEnd = cpuAt();
  const acceptedCount = sum(load.accepted);
  const ingestSeconds = (load.finishedAt - load.startedAt) / 1000;
  progress(`ingest done: ${acceptedCount}/${opts.events} accepted, ${load.requests} requests in ${ingestSeconds.toFixed(1)} s`);
  const ingestInvocationsAtLoadEnd = ingestHost.durations.length;
  const ingestPrintedAtLoadEnd = { ...ingestHost.printed };
  return { cpuAt, cpuStart, samples, processed, ticker, load, cpuLoadEnd, acceptedCount, ingestSeconds, ingestInvocationsAtLoadEnd, ingestPrintedAtLoadEnd };
}
export type SentLoad = Awaited<ReturnType<typeof sendLoad>>;

/** 4. Wait for the queue to drain and the last batch to finish. */
export async function drainQueue(c: RunBasics & BenchStack & SentLoad) {
  const { opts, hardDeadline, progress, running, logs, rt, stack, batches, processorId, processorHost, ingestHost } = c;
  const { cpuAt, processed, ticker, load, ingestInvocationsAtLoadEnd } = c;
  if (opts.phased) {
    progress('phased: starting the queue poller now');
    rt.startPollers();
  }
  const drainedAt = await drain(
    async () => {
      const depth = await stack.queueDepth();
      const inFlightBatches = sum(rt.pollers.map((p) => p.stats.inFlight));
      return depth.visible === 0 && depth.inFlight === 0 && inFlightBatches === 0 ? undefined : `${JSON.stringify(depth)}, ${inFlightBatches} batches in flight`;
    },
    { deadline: hardDeadline - 30_000, intervalMs: 100, fail: (left) => new BenchFailure(`the queue did not drain in time: ${left}`) },
  );
  clearInterval(ticker);
  const cpuEnd = cpuAt();
  const e2eSeconds = (drainedAt - load.startedAt) / 1000;
  progress(`drained ${((drainedAt - load.finishedAt) / 1000).toFixed(1)} s after the last request; ${processed()} records processed in ${batches.length} batches`);
  const wire = running.proxy ? await running.proxy.snapshot() : undefined;
  const batchesAtDrain = [...batches];
  await logs.waitForCapacityLines(processorId, processorHost.durations.length);
  const processorDurations = [...processorHost.durations];
  const processorPrintedAtDrain = { ...processorHost.printed };
  const ingestDurationsUnderLoad = ingestHost.durations.slice(0, ingestInvocationsAtLoadEnd);
  const batchLinesAtDrain = logs.capacityOf<BatchLine>(processorId);
  return { drainedAt, cpuEnd, e2eSeconds, wire, batchesAtDrain, processorDurations, processorPrintedAtDrain, ingestDurationsUnderLoad, batchLinesAtDrain };
}
export type Drained = Awaited<ReturnType<typeof drainQueue>>;
