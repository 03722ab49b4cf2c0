// npm run bench: end-to-end benchmark of the whole stack on this machine (see docs/benchmarks.md).
//
//   npm run bench [-- --profile long-tail --events 100000 --sites 20 --concurrency 64 -c key=value ... --json-only]
//
// Starts the local runtime (its own cloud assembly in .local/cdk.out.bench), sends a seeded,
// realistic workload to POST /event over keep-alive connections, waits until the queue is
// drained, checks every count against the ground truth through GET /stats, and reports
// throughput, latency, billed units per event and the cost per million events. All traffic goes
// to 127.0.0.1; every loop is bounded in count and time. The last line on stdout is one JSON object.
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { newApiKey } from '../functions/domain/api-keys.ts';
import { localS3Client, localSqsClient } from '../local/clients.ts';
import type { BatchReport } from '../local/event-source.ts';
import { displayName, PROJECT_ROOT, startLocalRuntime, type LocalRuntime } from '../local/runtime.ts';
import { resolveEnvironment } from '../local/template.ts';
import { gbSeconds } from './billing.ts';
import { checkBreakdowns, checkStats, overflowOf } from './counts.ts';
import { cpuMsPerEvent, cpuSnapshot, cpuSplit, cpuSplitLines, functionRowLabel, type CpuSnapshot, type CpuSplit } from './cpu-split.ts';
import { hotKeyAt5000 } from './hot-key.ts';
import { FunctionLogs, type BatchLine, type StatsLine } from './function-logs.ts';
import { measureBundleInit } from './init-time.ts';
import { measureCounterItems } from './item-sizes.ts';
import type { LoadData, LoadToHost } from './load-worker.ts';
import { MeteredHost } from './metered-host.ts';
import { BenchFailure, fmt, percentile, round, sleep, sortedCopy, sum } from './lib/numbers.ts';
import { parseArgs, type Options } from './options.ts';
import { logBytesPerEvent, logsUsdPerMillion } from './log-bytes.ts';
import { guardRun } from './run-guard.ts';
import { costPerMillionEvents, costPerStatsCall, PRICES, type PerEventUsage } from './prices.ts';
import { lakeUsage } from './lake-usage.ts';
import { checkExport } from './export-check.ts';
import { tableLines, type ReportRow } from './lib/report.ts';
import { wireLines } from './wire-report.ts';
import { capacityTotalsOf, sqsRequestsOfRun, transactionUnitsByKind, writeUnitsOfRun } from './run-units.ts';
import { calibrationBeacons, sequentialPosts } from './sequential-posts.ts';
import { startWireProxy, type WireProxy } from './wire.ts';
import { USER_AGENTS } from './audience-workload.ts';
import { generateWorkload, type Workload } from './workload.ts';

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  let opts: Options;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
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

  let runtime: LocalRuntime | undefined;
  let proxy: WireProxy | undefined;
  let loadWorker: Worker | undefined;
  const guard = guardRun({
    progress,
    deadline: hardDeadline,
    timeoutMessage: `the run took longer than ${opts.timeoutMinutes} min (--timeout-min)`,
    stop: async () => {
      await loadWorker?.terminate().catch(() => undefined);
      await runtime?.stop().catch((error: unknown) => progress(`while stopping: ${(error as Error).message}`));
      await proxy?.stop().catch(() => undefined);
      await logs.close();
    },
  });

  try {
    // 1. Workload and ground truth.
    const genStarted = Date.now();
    const workload: Workload = generateWorkload({ events: opts.events, sites: opts.sites, seed: opts.seed, profile: opts.profile });
    const distinctPaths = Math.max(...[...workload.truth.values()].flatMap((site) => [...site.days.values()].map((day) => day.paths.size)));
    progress(
      `workload (${opts.profile}): ${workload.bodies.length} events, ${workload.sites.length} sites, days ${workload.days.join(', ')}, ` +
        `up to ${distinctPaths} distinct paths a day (${Date.now() - genStarted} ms)`,
    );

    // 2. The local runtime, with its own cloud assembly.
    progress(`synthesizing${Object.keys(opts.context).length ? ` with ${JSON.stringify(opts.context)}` : ' with the default context'} and starting the local runtime...`);
    // The functions and the poller talk to the emulators through the counting proxies (--no-wire:
    // directly); every host times its invocations.
    const hosts: Record<string, MeteredHost> = {};
    const batches: BatchReport[] = [];
    const adminKey = newApiKey();
    runtime = await startLocalRuntime({
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
            const label = (prefix: string) => Object.entries(bindings.tables).find(([id]) => id.startsWith(prefix))?.[1]?.name;
            const tableLabels: Record<string, string> = {};
            for (const name of ['Aggregates', 'Events', 'Sites']) {
              const table = label(`${name}Table`);
              if (table) tableLabels[table] = name;
            }
            proxy = await startWireProxy({ dynamodbTarget: dynamodb, sqsTarget: sqs, tableLabels });
            return { dynamodb: proxy.dynamodbEndpoint, sqs: proxy.sqsEndpoint };
          }
        : undefined,
    });
    const rt = runtime;
    if (!rt.apiUrl) throw new BenchFailure('the local runtime serves no API (the local runtime serves REST APIs only: use the default apiType=rest)');
    const routeFn = (method: string, p: string): string => {
      const route = rt.routes.find((r) => r.method === method && r.path === p);
      if (!route?.function) throw new BenchFailure(`no ${method} ${p} route to a function`);
      return route.function;
    };
    const ingestId = routeFn('POST', '/event');
    const statsId = routeFn('GET', '/stats');
    const mapping = Object.values(rt.model.eventSourceMappings)[0];
    if (!mapping) throw new BenchFailure('no SQS event source mapping in the template');
    const processorId = mapping.functionLogicalId;
    const queueUrl = rt.queues[mapping.queueLogicalId]!;
    const dlqId = rt.model.queues[mapping.queueLogicalId]?.redrive?.deadLetterQueueLogicalId;
    const dlqUrl = dlqId ? rt.queues[dlqId] : undefined;
    const processorEnv = resolveEnvironment(rt.model, rt.model.functions[processorId]!, rt.bindings);
    const aggregatesTable = processorEnv.AGGREGATES_TABLE!;
    const eventsTable = processorEnv.EVENTS_TABLE!;
    progress(
      `runtime ready in ${(rt.startupMs / 1000).toFixed(1)} s: API ${rt.apiUrl}; processor batch ${mapping.batchSize}, window ${mapping.maximumBatchingWindowSeconds} s, ` +
        `max concurrency ${mapping.maximumConcurrency ?? 'default (5)'}`,
    );
    const ingestHost = hosts[ingestId]!;
    const processorHost = hosts[processorId]!;
    const statsHost = hosts[statsId]!;
    const sqs = localSqsClient(rt.sqsEndpoint);
    const queueDepth = async (url: string): Promise<{ visible: number; inFlight: number }> => {
      const out = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      return {
        visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? NaN),
        inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? NaN),
      };
    };

    // 4. Ingest over HTTP.
    const cpuAt = (): CpuSnapshot => cpuSnapshot(rt.dynamodb.pid);
    const cpuStart = cpuAt();
    let lastProgress: Extract<LoadToHost, { type: 'progress' }> | undefined;
    let loadDone: Extract<LoadToHost, { type: 'done' }> | undefined;
    const samples: Array<{ t: number; sent: number; accepted: number; visible: number; inFlight: number; processed: number }> = [];
    const processed = (): number => sum(batches.map((b) => b.records - b.failures));
    loadWorker = new Worker(new URL('./load-worker.ts', import.meta.url), {
      execArgv: [],
      name: 'bench-load',
      workerData: {
        url: `${rt.apiUrl}/event`,
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
    });
    const loadFinished = new Promise<Extract<LoadToHost, { type: 'done' }>>((resolve, reject) => {
      loadWorker!.on('message', (message: LoadToHost) => {
        if (message.type === 'progress') lastProgress = message;
        else resolve(message);
      });
      loadWorker!.once('error', reject);
      loadWorker!.once('exit', (code) => reject(new Error(`the load generator exited (${code})`)));
    });
    void loadFinished.then((d) => (loadDone = d)).catch(() => undefined);
    const loadStartedAt = Date.now();
    let previousAccepted = 0;
    let previousAt = loadStartedAt;
    let drainedAt: number | undefined;
    const ticker = setInterval(() => {
      void (async () => {
        const depth = await queueDepth(queueUrl).catch(() => ({ visible: NaN, inFlight: NaN }));
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
    if (opts.phased) {
      progress('phased: starting the queue poller now');
      rt.startPollers();
    }

    // 5. Wait for the queue to drain and the last batch to finish.
    for (;;) {
      const depth = await queueDepth(queueUrl);
      const inFlightBatches = sum(rt.pollers.map((p) => p.stats.inFlight));
      if (depth.visible === 0 && depth.inFlight === 0 && inFlightBatches === 0) {
        drainedAt = Date.now();
        break;
      }
      if (Date.now() > hardDeadline - 30_000) throw new BenchFailure(`the queue did not drain in time: ${JSON.stringify(depth)}, ${inFlightBatches} batches in flight`);
      await sleep(100);
    }
    clearInterval(ticker);
    const cpuEnd = cpuAt();
    const e2eSeconds = (drainedAt - load.startedAt) / 1000;
    progress(`drained ${((drainedAt - load.finishedAt) / 1000).toFixed(1)} s after the last request; ${processed()} records processed in ${batches.length} batches`);
    const wire = proxy ? await proxy.snapshot() : undefined;
    const batchesAtDrain = [...batches];
    await logs.waitForCapacityLines(processorId, processorHost.durations.length);
    const processorDurations = [...processorHost.durations];
    const processorPrintedAtDrain = { ...processorHost.printed };
    const ingestDurationsUnderLoad = ingestHost.durations.slice(0, ingestInvocationsAtLoadEnd);
    const batchLinesAtDrain = logs.capacityOf<BatchLine>(processorId);

    // 6. Counts against the ground truth, through GET /stats and GET /stats/breakdown (also the
    // calls measured, each route apart).
    const mismatches: string[] = [];
    if (acceptedCount !== opts.events) mismatches.push(`${opts.events - acceptedCount} events were not accepted (status counts ${JSON.stringify(load.statusCounts)}; ${load.firstErrors.join(' | ')})`);
    if (load.timedOut) mismatches.push('the load generator hit its time bound before sending every event');
    const stats = await checkStats({ apiUrl: rt.apiUrl, adminKey, workload });
    mismatches.push(...stats.mismatches);
    await logs.waitForCapacityLines(statsId, statsHost.durations.length);
    const statsCallDurations = [...statsHost.durations];
    const breakdowns = await checkBreakdowns({ apiUrl: rt.apiUrl, adminKey, workload });
    mismatches.push(...breakdowns.mismatches);
    await logs.waitForCapacityLines(statsId, statsHost.durations.length);
    const statsFunctionLines = logs.capacityOf<StatsLine>(statsId);
    const statsLines = statsFunctionLines.filter((l) => l.route !== 'breakdown');
    const breakdownLines = statsFunctionLines.filter((l) => l.route === 'breakdown');
    const exported = await checkExport({ apiUrl: rt.apiUrl, adminKey, workload });
    mismatches.push(...exported.mismatches);
    const dlq = dlqUrl ? await queueDepth(dlqUrl) : { visible: 0, inFlight: 0 };
    if (dlq.visible + dlq.inFlight > 0) mismatches.push(`the dead-letter queue holds ${dlq.visible + dlq.inFlight} messages`);
    const failedBatches = batchesAtDrain.filter((b) => b.failures > 0 || b.batchError);
    const invalidMessages = sum(batchLinesAtDrain.map((b) => b.invalid ?? 0));
    if (invalidMessages > 0) mismatches.push(`${invalidMessages} messages were invalid`);
    const countsExact = mismatches.length === 0;
    const overflow = overflowOf(stats.answers, breakdowns.answers);
    progress(
      countsExact
        ? `counts: all ${stats.calls} GET /stats and ${breakdowns.calls} GET /stats/breakdown answers match the ground truth; ` +
            `the export (${exported.calls} GET /stats/export, ${exported.files} files) holds every event sent once; DLQ empty`
        : `counts: ${mismatches.length} MISMATCHES`,
    );

    // 7. Sizes of the counter items, the ingest bundle and its init time.
    const sizes = await measureCounterItems(rt, aggregatesTable);
    // The largest items a day's counters reach (DynamoDB refuses items over 400 KB).
    const maxBucketKb = sizes.byKind['path buckets, day'].maxBytes / 1024;
    const maxTotalsKb = Math.max(sizes.byKind['totals, day'].maxBytes, sizes.byKind['totals, all time'].maxBytes) / 1024;
    const ingestFn = rt.model.functions[ingestId]!;
    const init = await measureBundleInit(ingestFn.handlerFile!, resolveEnvironment(rt.model, ingestFn, rt.bindings), rt.model.region);
    const { bundleBytes, initMs } = init;

    // 8. One ingest invocation at a time (as each Lambda environment runs them): its duration.
    const calibrationFrom = ingestHost.durations.length;
    const calibrationBodies = calibrationBeacons(opts.calibration);
    const calibrationClient = sortedCopy(await sequentialPosts(`${rt.apiUrl}/event`, calibrationBodies, hardDeadline - 20_000));
    const calibrationDurations = sortedCopy(ingestHost.durations.slice(calibrationFrom));

    // -----------------------------------------------------------------------------------------
    // Figures
    const events = acceptedCount;
    const latencies = sortedCopy(load.latencies);
    const ingestRps = load.requests / ingestSeconds;
    const capacityTotals = capacityTotalsOf(batchLinesAtDrain);
    const txItemsFromLogs = capacityTotals.TransactItems ?? 0;
    const writes = writeUnitsOfRun({ capacityTotals, dynamodb: wire?.dynamodb, sizes });
    const wruPerEvent = writes.total / events;
    const wruPerEventAtWrite = writes.totalAtWrite !== undefined ? writes.totalAtWrite / events : undefined;
    const unitsByKind = wire ? transactionUnitsByKind(wire.dynamodb.transactionItems, sizes) : {};
    const processorReadUnits = (capacityTotals.BatchGetItem ?? 0) + (capacityTotals.GetItem ?? 0) + (capacityTotals.Query ?? 0);
    const rruPerEvent = processorReadUnits / events;
    const statsReadUnits = statsLines.map((l) => sum(Object.values(l.capacity ?? {})));
    const rruPerStatsCall = statsLines.length ? sum(statsReadUnits) / statsLines.length : NaN;
    const rruPerBreakdownCall = breakdownLines.length ? sum(breakdownLines.map((l) => sum(Object.values(l.capacity ?? {})))) / breakdownLines.length : NaN;

    const sqsRequests = wire ? sqsRequestsOfRun(wire.sqs) : undefined;
    const sqsRequestsPerEvent = sqsRequests ? sqsRequests.billed / events : NaN;
    const sqsRequestsPerEventOnWire = sqsRequests ? sqsRequests.onWire / events : NaN;

    // Lambda: invocations and GB-s per event. Ingest is billed at its duration measured one
    // invocation at a time (p50); under load the local sandbox runs many invocations at once in
    // one thread, so their wall times include waiting for each other.
    const ingestMemory = ingestHost.memorySizeMb;
    const ingestInvocationsPerEvent = ingestInvocationsAtLoadEnd / events;
    const ingestP50Calibrated = calibrationDurations.length ? percentile(calibrationDurations, 50) : percentile(sortedCopy(ingestDurationsUnderLoad), 50);
    const ingestGbsPerEvent = ingestInvocationsPerEvent * gbSeconds(ingestMemory, ingestP50Calibrated);
    const ingestGbsUnderLoadPerEvent = sum(ingestDurationsUnderLoad.map((d) => gbSeconds(ingestMemory, d))) / events;
    const processorInvocationsPerEvent = processorDurations.length / events;
    const processorGbsPerEvent = sum(processorDurations.map((d) => gbSeconds(processorHost.memorySizeMb, d))) / events;
    const statsDurations = sortedCopy(statsCallDurations);
    const statsGbsPerCall = statsDurations.length ? sum([...statsDurations].map((d) => gbSeconds(statsHost.memorySizeMb, d))) / statsDurations.length : NaN;

    // The lake: its objects (one PUT each) and bytes, and whether it holds every counted event.
    const lakeBucket = Object.entries(rt.buckets).find(([id]) => id.startsWith('LakeBucket'))?.[1];
    if (!lakeBucket) throw new BenchFailure('no lake bucket in the template');
    const lakeS3 = localS3Client(rt.sqsEndpoint);
    const lake = await lakeUsage(lakeS3, lakeBucket);
    lakeS3.destroy();
    const lakeExact = lake.events === events;

    const usage: PerEventUsage = {
      apiRequests: load.requests / events,
      lambda: [
        { name: 'ingest', invocations: ingestInvocationsPerEvent, gbSeconds: ingestGbsPerEvent },
        { name: 'processor', invocations: processorInvocationsPerEvent, gbSeconds: processorGbsPerEvent },
      ],
      // Without the wire, an estimate: one SendMessage, receives and deletes of 10 messages each.
      sqsRequests: wire ? sqsRequestsPerEvent : 1.2,
      s3Puts: lake.objects / events,
      writeUnits: wruPerEvent,
      readUnits: rruPerEvent,
    };
    const costRest = costPerMillionEvents(usage, 'rest');
    const costHttp = costPerMillionEvents(usage, 'http');
    // CloudWatch Logs, apart from the totals above (which, as ever, leave logs out).
    const systemLogsOn = (id: string) => (rt.model.functions[id]!.logging.systemLogLevel ?? 'INFO') !== 'WARN';
    const logBytes = logBytesPerEvent(
      [
        { printed: ingestPrintedAtLoadEnd, invocations: ingestInvocationsAtLoadEnd, platformLines: systemLogsOn(ingestId) },
        { printed: processorPrintedAtDrain, invocations: processorDurations.length, platformLines: systemLogsOn(processorId) },
      ],
      events,
    );
    const logsUsd = logsUsdPerMillion(logBytes.total);
    const statsCallUsd = { rest: costPerStatsCall(rruPerStatsCall, statsGbsPerCall, 'rest'), http: costPerStatsCall(rruPerStatsCall, statsGbsPerCall, 'http') };

    // Hottest partition key, and one busy site at 5,000 events/s.
    const siteEvents = new Map(workload.sites.map((s) => [s, workload.truth.get(s)?.all.events ?? 0]));
    const topSite = [...siteEvents].sort((a, b) => b[1] - a[1])[0]![0];
    const hottest = wire?.dynamodb.hottestKeys[0];
    const topSiteEps = (siteEvents.get(topSite) ?? 0) / ingestSeconds;
    const hot = hotKeyAt5000({
      site: topSite,
      aggregateKeys: wire?.dynamodb.aggregateKeys ?? [],
      batches: batchesAtDrain,
      maximumConcurrency: mapping.maximumConcurrency ?? 5,
      siteEventsPerSecond: topSiteEps,
      siteProcessingEventsPerSecond: (siteEvents.get(topSite) ?? 0) / e2eSeconds,
    });
    const { hotKey: topSiteHotKey, at5000 } = hot;

    // CPU split: during ingestion, and from the last request to drained.
    const splitOpts = (loadGeneratorMs: number) => ({
      functions: Object.entries(hosts).map(([id, host]) => ({ name: displayName(id), threadIds: host.threadIds })),
      loadGeneratorMs,
      javaPid: rt.dynamodb.pid,
    });
    const cpuIngest = cpuSplit(cpuStart, cpuLoadEnd, splitOpts(load.cpuUserMs + load.cpuSystemMs));
    const cpuDrain = cpuSplit(cpuLoadEnd, cpuEnd, splitOpts(0));
    const cpuOf = (cpu: CpuSplit, id: string): number => cpu.rows.find((r) => r.label === functionRowLabel(displayName(id)))?.ms ?? NaN;
    const ingestCpuMsPerInvocation = cpuOf(cpuIngest, ingestId) / ingestInvocationsAtLoadEnd;
    const processorCpuMsPerEvent = (cpuOf(cpuIngest, processorId) + cpuOf(cpuDrain, processorId)) / events;
    // Sensitivity: the same invocations billed at 20 ms (128 MB has about 1/14 of a vCPU, so a
    // Lambda invocation takes longer than one on a full local core).
    const ingestAt20MsDelta = ingestInvocationsPerEvent * (gbSeconds(ingestMemory, 20) - gbSeconds(ingestMemory, ingestP50Calibrated)) * 1e6 * PRICES.lambda.perGbSecondArm64;

    // Batches.
    const batchSizes = sortedCopy(batchesAtDrain.map((b) => b.records));
    const processorBatches = batchesAtDrain.length;

    const targets = {
      wru_per_event: wruPerEvent <= 1.2,
      usd_per_million_http: costHttp.total <= 2.5,
      usd_per_million_rest: costRest.total <= 5.0,
      e2e_events_per_s: events / e2eSeconds >= 2000,
      ingest_rps: ingestRps >= 3000,
      max_key_wru_per_s_at_5000_eps: Number.isFinite(at5000) ? at5000 <= 1000 : false,
      ingest_bundle_bytes: bundleBytes < 100 * 1024,
      ingest_init_ms: initMs < 30,
    };

    const result = {
      events,
      ingest_rps: round(ingestRps, 0),
      ingest_p50_ms: round(percentile(latencies, 50), 2),
      ingest_p99_ms: round(percentile(latencies, 99), 2),
      e2e_events_per_s: round(events / e2eSeconds, 0),
      wru_per_event: round(wruPerEvent, 3),
      rru_per_stats_call: round(rruPerStatsCall, 2),
      sqs_requests_per_event: round(sqsRequestsPerEvent, 4),
      usd_per_million_rest: round(costRest.total, 3),
      usd_per_million_http: round(costHttp.total, 3),
      log_bytes_per_event: round(logBytes.total, 1),
      usd_per_million_logs: round(logsUsd, 3),
      max_key_wru_per_s: hottest ? round(hottest.peakPerSecond, 0) : null,
      counts_exact: countsExact,
      lake_exact: lakeExact,
      profile: opts.profile,
      distinct_paths_per_day: distinctPaths,
      max_bucket_kb: round(maxBucketKb, 1),
      max_totals_kb: round(maxTotalsKb, 2),
      overflow,
      export_events: exported.events,
      export_files: exported.files,
      raw_event_item_bytes: wire && wire.dynamodb.rawEventItems.items ? round(wire.dynamodb.rawEventItems.bytes / wire.dynamodb.rawEventItems.items, 1) : null,
      s3_puts_per_event: round(lake.objects / events, 5),
      lake_bytes_per_million_events: round((lake.bytes / events) * 1e6, 0),
      usd_per_million_lake_storage_month: round(((lake.bytes / events) * 1e6 / 1e9) * PRICES.s3.perGbMonth, 4),
      max_key: hottest?.key ?? null,
      max_key_wru_per_s_at_5000_eps: round(at5000, 0),
      hot_site: topSite,
      hot_site_key: topSiteHotKey?.key ?? null,
      drain_s: round((drainedAt - load.finishedAt) / 1000, 2),
      ingest_s: round(ingestSeconds, 2),
      sqs_requests_per_event_on_wire: round(sqsRequestsPerEventOnWire, 4),
      sqs_early_empty_receives_per_event: sqsRequests ? round(sqsRequests.earlyEmptyCalls / events, 4) : null,
      wru_per_event_at_write_sizes: wruPerEventAtWrite !== undefined ? round(wruPerEventAtWrite, 3) : null,
      rru_per_event_processor: round(rruPerEvent, 3),
      rru_per_breakdown_call: round(rruPerBreakdownCall, 2),
      lambda_gb_s_per_event: round(ingestGbsPerEvent + processorGbsPerEvent, 8),
      ingest_bundle_bytes: bundleBytes,
      ingest_init_ms: round(initMs, 1),
      processor_batches: processorBatches,
      mean_batch_size: round(events / Math.max(1, processorBatches), 1),
      targets_met: targets,
      ...(opts.phased ? { phased: true, processing_events_per_s: round(events / ((drainedAt - load.finishedAt) / 1000), 0) } : {}),
    };

    const details = {
      options: opts,
      node: process.version,
      machine: { cpus: os.cpus().length, platform: process.platform, loadAverageAtStart, loadAverageAtEnd: os.loadavg() },
      workload: {
        days: workload.days,
        sites: workload.sites.map((s) => ({
          site: s,
          events: siteEvents.get(s),
          paths: workload.catalogue.get(s),
          usersAllTime: workload.truth.get(s)?.all.users.size,
        })),
      },
      load: { requests: load.requests, statusCounts: load.statusCounts, firstErrors: load.firstErrors, cpuMs: load.cpuUserMs + load.cpuSystemMs },
      latencyMs: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] },
      capacityFromLogs: capacityTotals,
      writes,
      txItemsFromLogs,
      wireDynamoDb: wire
        ? { ops: wire.dynamodb.ops, singleItemUnits: wire.dynamodb.singleItemUnits, transactions: wire.dynamodb.transactions, failedConditional: wire.dynamodb.failedConditional, hottestKeys: wire.dynamodb.hottestKeys.slice(0, 10), topSiteKeys: hot.siteKeys.slice(0, 10) }
        : undefined,
      wireSqs: wire?.sqs,
      counterItems: { count: sizes.counterItems, overOneKb: sizes.overOneKb.length, largest: sizes.overOneKb.slice(0, 10), maxBytes: sizes.maxBytes, ruleDisagreements: sizes.ruleDisagreements, byKind: sizes.byKind },
      transactionUnitsByKind: unitsByKind,
      lambda: {
        ingest: { memoryMb: ingestMemory, invocations: ingestInvocationsAtLoadEnd, p50UnderLoadMs: percentile(sortedCopy(ingestDurationsUnderLoad), 50), p50CalibratedMs: ingestP50Calibrated, calibrationClientP50Ms: percentile(calibrationClient, 50), gbsPerEventUnderLoad: ingestGbsUnderLoadPerEvent },
        processor: { memoryMb: processorHost.memorySizeMb, invocations: processorDurations.length, p50Ms: percentile(sortedCopy(processorDurations), 50), maxMs: Math.max(...processorDurations) },
        stats: { memoryMb: statsHost.memorySizeMb, calls: statsDurations.length, p50Ms: percentile(statsDurations, 50), gbsPerCall: statsGbsPerCall },
      },
      costRest,
      costHttp,
      statsCallUsd,
      statsCalls: statsLines.length,
      statsClientP50Ms: percentile(sortedCopy(stats.latencies), 50),
      breakdownCalls: breakdownLines.length,
      rruPerBreakdownCall,
      breakdownClientP50Ms: percentile(sortedCopy(breakdowns.latencies), 50),
      init: { runs: init.runs, runsWithoutSourceMaps: init.runsWithoutNodeOptions, nodeOptions: init.nodeOptions ?? null, breakdownMs: init.breakdownMs },
      cpu: { ingest: cpuIngest, drain: cpuDrain, ingestCpuMsPerInvocation, processorCpuMsPerEvent, cpuMsPerEventIngest: cpuMsPerEvent(cpuIngest, events), cpuMsPerEventDrain: cpuMsPerEvent(cpuDrain, events), ingestAt20MsDelta, loadWorkerMs: load.cpuUserMs + load.cpuSystemMs, proxyMs: wire ? wire.cpuUserMs + wire.cpuSystemMs : null },
      batches: { count: processorBatches, min: batchSizes[0], p50: percentile(batchSizes, 50), max: batchSizes[batchSizes.length - 1], failedBatches: failedBatches.length },
      samples,
      at5000ByProcessingRate: hot.scaledByProcessingRate,
      at5000Method: hot.method,
      at5000ScaledByRate: hot.scaledByRate,
      batchesClosedBy: Object.fromEntries(['batchSize', 'payload', 'window'].map((why) => [why, batchesAtDrain.filter((b) => b.closedBy === why).length])),
      topSiteEps,
      mismatches,
      problemLines: logs.problemLines.slice(0, 50),
    };
    writeFileSync(path.join(outDir, 'result.json'), `${JSON.stringify({ result, details }, null, 2)}\n`);

    // -----------------------------------------------------------------------------------------
    // Report
    const yes = (ok: boolean): string => (ok ? 'met' : 'MISSED');
    const rows: ReportRow[] = [
      ['events accepted / sent', `${events} / ${opts.events}`, ''],
      ['ingest requests/s', fmt(ingestRps, 0), `>= 3,000: ${yes(targets.ingest_rps)}`],
      ['ingest latency p50 / p99 (ms)', `${fmt(percentile(latencies, 50), 1)} / ${fmt(percentile(latencies, 99), 1)}`, ''],
      ['end-to-end events/s', fmt(events / e2eSeconds, 0), `>= 2,000: ${yes(targets.e2e_events_per_s)}`, 'first POST to queue drained'],
      ...(opts.phased
        ? [['processing events/s (phased: poller started after the last POST)', fmt(events / ((drainedAt - load.finishedAt) / 1000), 0), ''] as [string, string, string]]
        : []),
      ['ingest time / drain after last POST (s)', `${fmt(ingestSeconds, 1)} / ${fmt((drainedAt - load.finishedAt) / 1000, 1)}`, ''],
      ['processor batches', String(processorBatches), '', `records min ${batchSizes[0]} / p50 ${percentile(batchSizes, 50)} / max ${batchSizes[batchSizes.length - 1]}`],
      ['WRU per event', fmt(wruPerEvent, 3), `<= 1.2: ${yes(targets.wru_per_event)}`, 'transaction items sized at the end of the run (upper bound)'],
      ['  single-item writes (as reported)', fmt(writes.singleItem / events, 3), ''],
      ['  transaction items (2 x ceil(size/1 KB))', fmt(writes.transactional / events, 3), ''],
      ['  failed conditional writes', fmt(writes.failedConditional / events, 3), ''],
      ['WRU per event, tx items sized at each write', wruPerEventAtWrite !== undefined ? fmt(wruPerEventAtWrite, 3) : 'n/a', '', 'from the wire'],
      ['RRU per event (processor reads)', fmt(rruPerEvent, 3), ''],
      ['RRU per GET /stats call', fmt(rruPerStatsCall, 2), '', `${statsLines.length} calls`],
      ['RRU per GET /stats/breakdown call', fmt(rruPerBreakdownCall, 2), '', `${breakdownLines.length} calls`],
      ['SQS requests per event', wire ? fmt(sqsRequestsPerEvent, 4) : 'n/a', '',
        wire ? `billed; ${fmt(sqsRequestsPerEventOnWire, 4)} on the wire, less ${sqsRequests?.earlyEmptyCalls} empty long polls fauxqs ended early` : ''],
      ['Lambda invocations/event: ingest, processor', `${fmt(ingestInvocationsPerEvent, 3)}, ${fmt(processorInvocationsPerEvent, 5)}`, ''],
      ['Lambda GB-s/event: ingest, processor', `${ingestGbsPerEvent.toExponential(2)}, ${processorGbsPerEvent.toExponential(2)}`, ''],
      ['S3 requests per event (lake PUTs)', fmt(lake.objects / events, 5), '',
        `${lake.objects} objects, ${fmt(events / Math.max(1, lake.objects), 0)} events each: $${fmt(costHttp.s3, 3)} per million events`],
      ['lake bytes per million events (not in the totals)', fmt((lake.bytes / events) * 1e6 / 1e6, 1) + ' MB', '',
        `gzipped NDJSON, ${fmt(lake.bytes / events, 1)} bytes per event: $${fmt(((lake.bytes / events) * 1e6 / 1e9) * PRICES.s3.perGbMonth, 4)} per million events per month kept`],
      ['lake exact', String(lakeExact), '', `${lake.events} events in the lake, ${events} accepted`],
      ['raw event item (claim) bytes, mean', wire && wire.dynamodb.rawEventItems.items ? fmt(wire.dynamodb.rawEventItems.bytes / wire.dynamodb.rawEventItems.items, 1) : 'n/a', '',
        'as DynamoDB sizes it (storage adds 100 bytes per item); 1 WRU up to 1 KB'],
      ['USD per million events, REST API', fmt(costRest.total, 3), `<= 5.00: ${yes(targets.usd_per_million_rest)}`],
      ['USD per million events, HTTP API', fmt(costHttp.total, 3), `<= 2.50: ${yes(targets.usd_per_million_http)}`],
      ['CloudWatch Logs bytes per event (not in the totals)', fmt(logBytes.total, 1), '',
        `functions' lines ${fmt(logBytes.application, 1)} + Lambda's START/REPORT ${fmt(logBytes.platform, 1)}: $${fmt(logsUsd, 3)} per million events`],
      ['hottest key: peak WRU/s at bench rate', hottest ? fmt(hottest.peakPerSecond, 0) : 'n/a', '', hottest?.key ?? ''],
      ['hot site: hottest key at 5,000 events/s', topSiteHotKey ? fmt(at5000, 0) : 'n/a', `<= 1,000: ${yes(targets.max_key_wru_per_s_at_5000_eps)}`,
        topSiteHotKey ? `${topSiteHotKey.key}, busiest second ${fmt(topSiteHotKey.peakPerSecond, 0)} WRU while the site sent ${fmt(topSiteEps, 0)} events/s; ${hot.method}` : ''],
      ['ingest bundle (index.mjs)', `${fmt(bundleBytes / 1024, 1)} KB`, `< 100 KB: ${yes(targets.ingest_bundle_bytes)}`],
      ['ingest init (import, median of 7)', `${fmt(initMs, 1)} ms`, `< 30 ms: ${yes(targets.ingest_init_ms)}`,
        init.nodeOptions ? `with NODE_OPTIONS=${init.nodeOptions} as deployed; ${fmt(init.initMsWithoutNodeOptions, 1)} ms without` : ''],
      ['largest counter item: day path bucket / totals (KB)', `${fmt(maxBucketKb, 1)} / ${fmt(maxTotalsKb, 2)}`, '', `of ${sizes.counterItems} counter items; DynamoDB refuses items over 400 KB`],
      ['counts exact', String(countsExact), '', `${stats.calls} GET /stats and ${breakdowns.calls} GET /stats/breakdown answers; export of ${exported.events} events in ${exported.files} files; DLQ ${dlq.visible + dlq.inFlight} messages`],
      ['(other) rows: days / views in them', `${overflow.days} / ${overflow.views_in_other}`, '',
        `day breakdowns with (other): ${overflow.breakdowns} (${overflow.breakdown_views_in_other} views); estimated rows: ${overflow.estimated_rows}`],
    ];
    say('');
    say(`Benchmark (${opts.profile} profile): ${events} events, ${workload.sites.length} sites, up to ${distinctPaths} distinct paths a day, concurrency ${opts.concurrency}, Node ${process.version}, ${details.machine.cpus} CPUs`);
    for (const line of tableLines(rows)) say(line);
    say('');
    say('Cost per million events (USD):   REST     HTTP');
    for (const key of ['api', 'lambdaRequests', 'lambdaCompute', 'sqs', 's3', 'dynamodbWrites', 'dynamodbReads', 'total'] as const) {
      say(`  ${key.padEnd(28)} ${fmt(costRest[key], 3).padStart(7)}  ${fmt(costHttp[key], 3).padStart(7)}`);
    }
    say(`  (ingest Lambda billed at ${ingestMemory} MB x ${fmt(ingestP50Calibrated, 2)} ms, the p50 of ${calibrationDurations.length} invocations one at a time; ` +
      `stats reads excluded: one GET /stats costs $${statsCallUsd.rest.toExponential(2)} (REST) / $${statsCallUsd.http.toExponential(2)} (HTTP))`);
    say(`  (ingest used ${fmt(ingestCpuMsPerInvocation, 2)} ms of a local core per invocation; billed at 20 ms instead, both totals would rise by $${fmt(ingestAt20MsDelta, 3)})`);
    if (wire) {
      say('');
      for (const line of wireLines(wire, { processorBatches, txItemsFromLogs, sizes, unitsByKind, events })) say(line);
    }
    say('');
    for (const [title, cpu] of [['during ingestion', cpuIngest], ['from the last request to drained', cpuDrain]] as const) {
      for (const line of cpuSplitLines(title, cpu, events)) say(line);
    }
    if (mismatches.length) {
      say('');
      say(`!!! ${mismatches.length} COUNT MISMATCHES !!!`);
      for (const m of mismatches.slice(0, 200)) say(`MISMATCH ${m}`);
      for (const m of mismatches.slice(0, 200)) progress(`MISMATCH ${m}`);
    }
    if (logs.problemLines.length) progress(`${logs.problemLines.length} error/warning lines from the runtime (see .local/bench/runtime.log)`);
    say('');
    say(`Ingest init, where the time goes (imported one after the other, median of 5): ${Object.entries(init.breakdownMs).map(([k, v]) => `${k} ${fmt(v, 1)} ms`).join(', ')}`);
    say('');
    say(`Details: ${path.relative(PROJECT_ROOT, path.join(outDir, 'result.json'))}`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return countsExact && lakeExact ? 0 : 1;
  } catch (error) {
    return guard.failed(error);
  } finally {
    await guard.end();
  }
}

process.exit(await main());
