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
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newApiKey } from '../functions/domain/api-keys.ts';
import type { BatchReport } from '../local/event-source.ts';
import { PROJECT_ROOT, startLocalRuntime, type LocalRuntime } from '../local/runtime.ts';
import type { StackHandle } from '../local/stack-handle.ts';
import { checkBreakdowns, checkStats, eventLedger } from './workload/counts.ts';
import { FunctionLogs } from './run/function-logs.ts';
import { drain, queued } from './lib/drain.ts';
import { BenchFailure, fmt, round, sum } from './lib/numbers.ts';
import { optionsOrMessage } from './lib/command-line.ts';
import { tableLines, type ReportRow } from './lib/report.ts';
import { dlqMessages, eventsMapping, runtimeStack } from './lib/stack.ts';
import { guardRun } from './lib/run-guard.ts';
import { LatencyWindows } from './soak/load.ts';
import { parseSoakArgs } from './soak/options.ts';
import { sampleMemory, WINDOW_HEADER, windowLine, type MemorySample } from './soak/report.ts';
import { steadyLoad } from './soak/steady.ts';
import { generateWorkload } from './workload/workload.ts';

/** Waits until the queue and the pollers hold nothing, or throws at `deadline`; returns the seconds it took. */
async function waitForDrain(rt: LocalRuntime, stack: StackHandle, deadline: number): Promise<number> {
  const started = Date.now();
  const drainedAt = await drain(
    async () => {
      const depth = queued(await stack.queueDepth());
      const batches = sum(rt.pollers.map((p) => p.stats.inFlight));
      return depth === 0 && batches === 0 ? undefined : `${depth} messages, ${batches} batches in flight`;
    },
    { deadline, intervalMs: 200, fail: (left) => new BenchFailure(`the queue did not drain in time: ${left}`) },
  );
  return (drainedAt - started) / 1000;
}

async function main(): Promise<number> {
  const opts = optionsOrMessage(parseSoakArgs);
  if (!opts) return 2;
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
  let stack: StackHandle | undefined;
  const guard = guardRun({
    progress,
    deadline: hardDeadline,
    timeoutMessage: 'the run took longer than its bound',
    stop: async () => {
      stack?.destroy();
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
    const mapping = eventsMapping(rt);
    stack = runtimeStack(rt);
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
    const drainS = await waitForDrain(rt, stack, Date.now() + opts.drainMinutes * 60_000);
    const end = await sampleMemory(rt, (Date.now() - loadStart) / 1000);
    progress(`drained ${drainS.toFixed(1)} s after the last POST; ${sum(batches.map((b) => b.records))} messages in ${batches.length} batches`);

    // 3. Ground truth, the events that got a 202: every site's counts through GET /stats and its breakdowns.
    const stats = await checkStats({ apiUrl: rt.apiUrl, adminKey, workload: { ...workload, truth: load.acceptedTruth } });
    const breakdowns = await checkBreakdowns({ apiUrl: rt.apiUrl, adminKey, workload: { ...workload, truth: load.acceptedTruth } });
    const ledger = eventLedger(load.acceptedTruth, stats.answers);
    const notSent = events - load.sentEvents;
    const dlqDepth = queued(await dlqMessages(stack));
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
