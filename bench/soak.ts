// npm run soak: a steady load on the whole stack for minutes, watching latency and memory over
// time, then checking that every event was counted exactly once (see docs/benchmarks.md, "Soak").
//
//   npm run soak [-- --minutes 10 --rate 100 -c key=value ...]
//
// Starts the local runtime (its own cloud assembly in .local/cdk.out.soak, a 2 s batching window
// unless -c says otherwise), sends the bench's seeded workload at a steady rate to POST /event,
// with a share of it in POST /events batches, and reports per window the p50/p99 latency of the
// POSTs and the memory of each process. Then it waits until the queue is drained and compares
// GET /stats with what was sent: events lost or counted twice make the exit code 1. All traffic
// goes to 127.0.0.1; the load, the drain and the whole run are bounded in time.
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { newApiKey } from '../functions/domain/api-keys.ts';
import { localSqsClient } from '../local/clients.ts';
import type { BatchReport } from '../local/event-source.ts';
import { displayName, PROJECT_ROOT, startLocalRuntime, type LocalRuntime } from '../local/runtime.ts';
import { checkBreakdowns, checkStats, eventLedger } from './counts.ts';
import { FunctionLogs } from './function-logs.ts';
import { mib, rssOfPid } from './memory.ts';
import { BenchFailure, fmt, round, sleep, sum } from './numbers.ts';
import { post } from './post.ts';
import { guardRun } from './run-guard.ts';
import { eventsDue, LatencyWindows, planRequests, type WindowFigures } from './soak-load.ts';
import { parseSoakArgs, type SoakOptions } from './soak-options.ts';
import { tableLines, type ReportRow } from './report.ts';
import { USER_AGENTS } from './audience-workload.ts';
import { generateWorkload, prng, recordTruth, type SiteTruth, type Workload } from './workload.ts';

/** Requests in flight at most; past it the load falls behind (reported) instead of piling up. */
const MAX_IN_FLIGHT = 256;
/** Attempts per request: a 5xx, 429 or lost connection is retried with the same body (event ids make it count once). */
const MAX_ATTEMPTS = 5;
const REQUEST_TIMEOUT_MS = 30_000;

/** Memory of each process at one moment, MiB. */
interface MemorySample {
  atS: number;
  /** This process: the API server, fauxqs, the poller, the load, and every function's worker thread. */
  mainRss: number;
  mainHeap: number;
  /** V8 heap in use per function (its worker threads; they share mainRss). */
  functionHeaps: Record<string, number>;
  /** DynamoDB Local's JVM. */
  javaRss: number;
}

async function sampleMemory(rt: LocalRuntime, atS: number): Promise<MemorySample> {
  const functionHeaps: Record<string, number> = {};
  for (const [id, host] of Object.entries(rt.hosts)) functionHeaps[displayName(id)] = mib(sum(await host.heapUsed()));
  const usage = process.memoryUsage();
  return { atS, mainRss: mib(usage.rss), mainHeap: mib(usage.heapUsed), functionHeaps, javaRss: mib(rssOfPid(rt.dynamodb.pid)) };
}

async function queueDepth(sqs: SQSClient, url: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? NaN) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? NaN);
}

interface LoadOutcome {
  requests: number;
  /** Events sent (their request was made), whatever the answer. */
  sentEvents: number;
  acceptedEvents: number;
  /** The ground truth of the events that got a 202: what GET /stats must count. */
  acceptedTruth: Map<string, SiteTruth>;
  /** Events sent whose request never got a 202 (after retries, or refused). */
  unacceptedEvents: number;
  statusCounts: Record<string, number>;
  firstErrors: string[];
  /** Most events due but not yet sent at any moment (the load fell behind by this much). */
  maxLagEvents: number;
  seconds: number;
}

/**
 * Sends the workload at `opts.rate` events per second: one POST per planned request, never more
 * than MAX_IN_FLIGHT at once, each retried on 5xx/429/lost connections. Calls `onWindow` as each
 * window of the run ends. A load that falls behind stops a minute after its planned end, with
 * the rest of the workload not sent.
 */
async function steadyLoad(
  url: string,
  workload: Workload,
  opts: SoakOptions,
  windows: LatencyWindows,
  startMs: number,
  onWindow: (index: number) => Promise<void>,
): Promise<LoadOutcome> {
  const sizes = planRequests(workload.bodies.length, opts.batchPercent, opts.batchSize, prng(opts.seed + 1));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const eventUrl = new URL(`${url}/event`);
  const batchUrl = new URL(`${url}/events`);
  const outcome: LoadOutcome = {
    requests: 0,
    sentEvents: 0,
    acceptedEvents: 0,
    acceptedTruth: new Map(),
    unacceptedEvents: 0,
    statusCounts: {},
    firstErrors: [],
    maxLagEvents: 0,
    seconds: 0,
  };
  const windowMs = opts.windowSeconds * 1000;
  const loadDeadline = startMs + opts.minutes * 60_000 + 60_000;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();

  const send = async (first: number, size: number): Promise<void> => {
    const single = size === 1;
    const body = single ? workload.bodies[first]! : `[${workload.bodies.slice(first, first + size).join(',')}]`;
    // A batch is sent with its first event's User-Agent and address: all its events get that audience.
    const headers: Record<string, string> = {
      'content-type': single && workload.beaconContentType[first] ? 'text/plain;charset=UTF-8' : 'application/json',
      'user-agent': USER_AGENTS[workload.userAgent[first]!]!,
    };
    const forwardedFor = workload.addresses[workload.address[first]!];
    if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const started = performance.now();
      const startedMs = Date.now();
      let status = 0;
      let detail = '';
      try {
        const answer = await post(agent, single ? eventUrl : batchUrl, body, headers, REQUEST_TIMEOUT_MS);
        status = answer.status;
        detail = answer.text.slice(0, 200);
      } catch (error) {
        detail = (error as Error).message;
      }
      outcome.requests++;
      outcome.statusCounts[status || 'error'] = (outcome.statusCounts[status || 'error'] ?? 0) + 1;
      windows.add(startedMs, performance.now() - started, size, status === 202);
      if (status === 202) {
        outcome.acceptedEvents += size;
        for (let i = first; i < first + size; i++) recordTruth(outcome.acceptedTruth, workload.beacons[i]!, workload.audience[first]!);
        return;
      }
      if (outcome.firstErrors.length < 5) outcome.firstErrors.push(`${single ? 'POST /event' : 'POST /events'} ${status || 'no answer'}: ${detail}`);
      if (status !== 0 && status !== 429 && status < 500) break;
      await sleep(250 * attempt);
    }
    outcome.unacceptedEvents += size;
  };

  let next = 0;
  let scheduled = 0;
  let windowIndex = 0;
  while (next < sizes.length && Date.now() < loadDeadline) {
    const now = Date.now();
    const due = eventsDue(now - startMs, opts.rate);
    while (scheduled < due && next < sizes.length && inFlight < MAX_IN_FLIGHT) {
      const size = sizes[next++]!;
      const request = send(scheduled, size).finally(() => {
        inFlight--;
        pending.delete(request);
      });
      inFlight++;
      pending.add(request);
      scheduled += size;
    }
    outcome.maxLagEvents = Math.max(outcome.maxLagEvents, Math.min(due, workload.bodies.length) - scheduled);
    // The last window is reported once its stragglers are in, after the loop.
    if (now - startMs >= (windowIndex + 1) * windowMs && (windowIndex + 1) * windowMs < opts.minutes * 60_000) await onWindow(windowIndex++);
    await sleep(5);
  }
  await Promise.all(pending);
  outcome.seconds = (Date.now() - startMs) / 1000;
  // The windows not reported yet, up to the last one (which holds the stragglers).
  for (; windowIndex < Math.ceil((opts.minutes * 60) / opts.windowSeconds); windowIndex++) await onWindow(windowIndex);
  outcome.sentEvents = scheduled;
  agent.destroy();
  return outcome;
}

/** Waits until the queue and the pollers hold nothing, or throws at `deadline`. */
async function waitForDrain(rt: LocalRuntime, sqs: SQSClient, queueUrl: string, deadline: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const depth = await queueDepth(sqs, queueUrl);
    const batches = sum(rt.pollers.map((p) => p.stats.inFlight));
    if (depth === 0 && batches === 0) return (Date.now() - started) / 1000;
    if (Date.now() > deadline) throw new BenchFailure(`the queue did not drain in time: ${depth} messages, ${batches} batches in flight`);
    await sleep(200);
  }
}

const windowLine = (w: WindowFigures, memory: MemorySample | undefined): string =>
  `${`${fmt(w.fromS, 0)}-${fmt(w.toS, 0)} s`.padEnd(11)} ${String(w.requests).padStart(6)} ${String(w.events).padStart(7)} ${String(w.failures).padStart(5)} ` +
  `${fmt(w.p50Ms, 1).padStart(7)} ${fmt(w.p99Ms, 1).padStart(7)} ${fmt(w.maxMs, 1).padStart(8)}` +
  (memory ? ` ${fmt(memory.mainRss, 0).padStart(8)} ${fmt(memory.mainHeap, 0).padStart(6)} ${fmt(memory.javaRss, 0).padStart(8)}` : '');
const WINDOW_HEADER = 'window       reqs   events  fail  p50 ms  p99 ms   max ms  main MiB  heap  java MiB';

async function main(): Promise<number> {
  let opts: SoakOptions;
  try {
    opts = parseSoakArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const say = (line = ''): void => {
    if (!opts.jsonOnly) process.stdout.write(`${line}\n`);
  };
  const progress = (line: string): void => void process.stderr.write(`[soak] ${line}\n`);
  const runStarted = Date.now();
  const loadAverageAtStart = os.loadavg();
  const hardDeadline = runStarted + (opts.minutes + opts.drainMinutes + 10) * 60_000;
  const outDir = path.join(PROJECT_ROOT, '.local', 'soak');
  mkdirSync(outDir, { recursive: true });
  const logs = new FunctionLogs(path.join(outDir, 'runtime.log'), progress);

  let runtime: LocalRuntime | undefined;
  const guard = guardRun({
    progress,
    deadline: hardDeadline,
    timeoutMessage: 'the run took longer than its bound',
    stop: async () => {
      await runtime?.stop().catch((error: unknown) => progress(`while stopping: ${(error as Error).message}`));
      await logs.close();
    },
  });

  try {
    const events = opts.minutes * 60 * opts.rate;
    const workload = generateWorkload({ events, sites: opts.sites, seed: opts.seed });
    progress(`workload: ${events} events, ${workload.sites.length} sites; ${opts.rate}/s for ${opts.minutes} min, ${opts.batchPercent}% in POST /events of ${opts.batchSize}`);
    progress(`synthesizing with ${JSON.stringify(opts.context)} and starting the local runtime...`);
    const adminKey = newApiKey();
    const batches: BatchReport[] = [];
    runtime = await startLocalRuntime({
      port: 0,
      cdkOut: path.join(PROJECT_ROOT, '.local', 'cdk.out.soak'),
      context: opts.context,
      log: logs.onLine,
      environment: { ADMIN_API_KEY: adminKey },
      onBatch: (report) => batches.push(report),
    });
    const rt = runtime;
    if (!rt.apiUrl) throw new BenchFailure('the local runtime serves no API (use the default apiType=rest)');
    const mapping = Object.values(rt.model.eventSourceMappings)[0];
    if (!mapping) throw new BenchFailure('no SQS event source mapping in the template');
    const queueUrl = rt.queues[mapping.queueLogicalId]!;
    const dlqId = rt.model.queues[mapping.queueLogicalId]?.redrive?.deadLetterQueueLogicalId;
    const dlqUrl = dlqId ? rt.queues[dlqId] : undefined;
    const sqs = localSqsClient(rt.sqsEndpoint);
    progress(`runtime ready in ${(rt.startupMs / 1000).toFixed(1)} s: API ${rt.apiUrl}; batching window ${mapping.maximumBatchingWindowSeconds} s; DynamoDB Local pid ${rt.dynamodb.pid}`);

    // 1. Steady load, with latency and memory per window.
    const memory: MemorySample[] = [await sampleMemory(rt, 0)];
    const loadStart = Date.now();
    const windows = new LatencyWindows(loadStart, opts.windowSeconds * 1000, Math.ceil((opts.minutes * 60) / opts.windowSeconds));
    progress(WINDOW_HEADER);
    const load = await steadyLoad(rt.apiUrl, workload, opts, windows, loadStart, async (index) => {
      const sample = await sampleMemory(rt, (Date.now() - loadStart) / 1000);
      memory.push(sample);
      // Requests still in flight are missing here; the report's table has them all.
      progress(windowLine(windows.figures(index), sample));
    });
    progress(
      `load done: ${load.acceptedEvents} of ${load.sentEvents} events sent accepted (${events - load.sentEvents} not sent) in ${load.requests} requests ` +
        `over ${load.seconds.toFixed(1)} s; most behind: ${load.maxLagEvents} events`,
    );

    // 2. Drain, then memory at the end.
    const drainS = await waitForDrain(rt, sqs, queueUrl, Date.now() + opts.drainMinutes * 60_000);
    const end = await sampleMemory(rt, (Date.now() - loadStart) / 1000);
    progress(`drained ${drainS.toFixed(1)} s after the last POST; ${sum(batches.map((b) => b.records))} messages in ${batches.length} batches`);

    // 3. Ground truth, the events that got a 202: every site's counts through GET /stats and its breakdowns.
    const stats = await checkStats({ apiUrl: rt.apiUrl, adminKey, workload: { ...workload, truth: load.acceptedTruth } });
    const breakdowns = await checkBreakdowns({ apiUrl: rt.apiUrl, adminKey, workload: { ...workload, truth: load.acceptedTruth } });
    const ledger = eventLedger(load.acceptedTruth, stats.answers);
    const notSent = events - load.sentEvents;
    const dlqDepth = dlqUrl ? await queueDepth(sqs, dlqUrl) : 0;
    const failedBatches = batches.filter((b) => b.failures > 0 || b.batchError).length;
    const problems = [
      ...(load.unacceptedEvents ? [`${load.unacceptedEvents} events sent were not accepted (${JSON.stringify(load.statusCounts)}; ${load.firstErrors.join(' | ')})`] : []),
      ...(ledger.lost ? [`${ledger.lost} events lost`] : []),
      ...(ledger.doubleCounted ? [`${ledger.doubleCounted} events counted twice`] : []),
      ...(dlqDepth ? [`the dead-letter queue holds ${dlqDepth} messages`] : []),
      ...stats.mismatches,
      ...breakdowns.mismatches,
    ];

    // 4. Report.
    const all = windows.all();
    const start = memory[0]!;
    const windowP99 = all.map((w) => round(w.p99Ms, 1));
    const memoryRows: ReportRow[] = [
      ['main process RSS (MiB)', `${fmt(start.mainRss, 0)} -> ${fmt(end.mainRss, 0)}`, '', 'API server, fauxqs, poller, load, function threads'],
      ['  main thread V8 heap (MiB)', `${fmt(start.mainHeap, 0)} -> ${fmt(end.mainHeap, 0)}`, ''],
      ...Object.keys(end.functionHeaps).map(
        (fn): ReportRow => [`  ${fn} thread V8 heap (MiB)`, `${fmt(start.functionHeaps[fn] ?? NaN, 0)} -> ${fmt(end.functionHeaps[fn]!, 0)}`, ''],
      ),
      ['DynamoDB Local JVM RSS (MiB)', `${fmt(start.javaRss, 0)} -> ${fmt(end.javaRss, 0)}`, '', `pid ${rt.dynamodb.pid}`],
    ];
    const countRows: ReportRow[] = [
      ['events planned / sent / accepted', `${events} / ${load.sentEvents} / ${load.acceptedEvents}`, '', `${load.requests} requests ${JSON.stringify(load.statusCounts)}`],
      ['events lost', String(ledger.lost), '', 'accepted - counted, per site, all time'],
      ['events counted twice', String(ledger.doubleCounted), '', 'counted - accepted, per site, all time'],
      ['GET /stats answers matching the ground truth', `${stats.calls - stats.mismatches.length} / ${stats.calls}`, '', 'views, events, types, top paths, unique users, visit figures; each day and all time'],
      ['GET /stats/breakdown answers matching', `${breakdowns.calls - breakdowns.mismatches.length} / ${breakdowns.calls}`, '', 'every dimension; each day and all time'],
      ['processor batches (failed)', `${batches.length} (${failedBatches})`, '', `DLQ ${dlqDepth} messages`],
      ['drain after the last POST (s)', fmt(drainS, 1), ''],
      ['most events behind the schedule', String(load.maxLagEvents), ''],
    ];
    say(`Soak: ${opts.rate} events/s for ${opts.minutes} min (${events} events, ${opts.sites} sites), Node ${process.version}, ${os.cpus().length} CPUs`);
    say(`${WINDOW_HEADER}   (requests by the window they started in; memory at its end)`);
    all.forEach((w, index) => say(windowLine(w, memory[index + 1])));
    say('');
    for (const line of tableLines(memoryRows)) say(line);
    say('');
    for (const line of tableLines(countRows)) say(line);
    if (notSent) {
      say('');
      say(`NOTE the load fell behind the rate and stopped a minute after its planned end: ${notSent} events were not sent (not a counting problem)`);
    }
    if (problems.length) {
      say('');
      for (const p of problems.slice(0, 100)) say(`PROBLEM ${p}`);
    }
    if (logs.problemLines.length) progress(`${logs.problemLines.length} error/warning lines from the runtime (see .local/soak/runtime.log)`);

    const result = {
      minutes: opts.minutes,
      rate: opts.rate,
      events,
      sent: load.sentEvents,
      accepted: load.acceptedEvents,
      lost: ledger.lost,
      double_counted: ledger.doubleCounted,
      counts_exact: problems.length === 0,
      p50_ms_by_window: all.map((w) => round(w.p50Ms, 1)),
      p99_ms_by_window: windowP99,
      window_s: opts.windowSeconds,
      memory_mib: {
        main_rss: [round(start.mainRss, 0), round(end.mainRss, 0)],
        main_heap: [round(start.mainHeap, 0), round(end.mainHeap, 0)],
        java_rss: [round(start.javaRss, 0), round(end.javaRss, 0)],
        function_heaps: Object.fromEntries(Object.keys(end.functionHeaps).map((fn) => [fn, [round(start.functionHeaps[fn] ?? NaN, 1), round(end.functionHeaps[fn]!, 1)]])),
      },
      drain_s: round(drainS, 1),
      max_lag_events: load.maxLagEvents,
      load_average: [loadAverageAtStart.map((x) => round(x, 2)), os.loadavg().map((x) => round(x, 2))],
    };
    writeFileSync(
      path.join(outDir, 'result.json'),
      `${JSON.stringify({ result, options: opts, windows: all, memory: [...memory, end], ledger: ledger.sites, problems, problemLines: logs.problemLines.slice(0, 50) }, null, 2)}\n`,
    );
    say('');
    say(`Details: ${path.relative(PROJECT_ROOT, path.join(outDir, 'result.json'))}`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return problems.length === 0 ? 0 : 1;
  } catch (error) {
    return guard.failed(error);
  } finally {
    await guard.end();
  }
}

process.exit(await main());
