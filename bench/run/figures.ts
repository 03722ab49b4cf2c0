// `npm run bench`: the figures of a run: billed units, Lambda time and requests per event, the
// cost per million events, the lake, the logs, the hottest keys, the CPU split, the targets.
import { gbSeconds } from '../lib/billing.ts';
import { cpuSplit, functionRowLabel, type CpuSplit } from './cpu-split.ts';
import { hotKeyEstimates, type HotKeyAtRate } from './hot-key.ts';
import { lakeUsage } from './lake-usage.ts';
import { BenchFailure, percentile, sortedCopy, sum } from '../lib/numbers.ts';
import { logBytesPerEvent, logsUsdPerMillion } from './log-bytes.ts';
import { costPerMillionEvents, costPerStatsCall, PRICES, type PerEventUsage } from '../lib/prices.ts';
import { displayName } from '../../local/runtime.ts';
import type { CheckedCounts, Measured } from './checks.ts';
import type { Drained, SentLoad } from './load.ts';
import type { BenchStack, Generated, RunBasics } from './stack.ts';
import { capacityTotalsOf, sqsRequestsOfRun, transactionUnitsByKind, writeUnitsOfRun } from './units.ts';

export type Phases = RunBasics & Generated & BenchStack & SentLoad & Drained & CheckedCounts & Measured;

/** 7. The figures, from what the run counted, measured and logged. */
export async function computeFigures(c: Phases) {
  const {
    workload, rt, stack, hosts, mapping, ingestId, processorId, ingestHost, processorHost, statsHost, cpuStart, load, cpuLoadEnd,
    acceptedCount, ingestSeconds, ingestInvocationsAtLoadEnd, ingestPrintedAtLoadEnd, cpuEnd, e2eSeconds, wire, batchesAtDrain, processorDurations,
    processorPrintedAtDrain, ingestDurationsUnderLoad, batchLinesAtDrain, statsCallDurations, statsLines, breakdownLines, sizes, bundleBytes, initMs,
    calibrationDurations
  } = c;
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
  const lakeBucket = stack.find('lakeBucket');
  if (!lakeBucket) throw new BenchFailure('no lake bucket in the template');
  const lake = await lakeUsage(stack.s3, lakeBucket);
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
  const costUrl = costPerMillionEvents(usage, 'function-url');
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

  // Hottest partition key, and one busy site at 5,000 and at 50,000 events/s.
  const siteEvents = new Map(workload.sites.map((s) => [s, workload.truth.get(s)?.all.events ?? 0]));
  const topSite = [...siteEvents].sort((a, b) => b[1] - a[1])[0]![0];
  const hottest = wire?.dynamodb.hottestKeys[0];
  const topSiteEps = (siteEvents.get(topSite) ?? 0) / ingestSeconds;
  const hot = hotKeyEstimates({
    site: topSite,
    aggregateKeys: wire?.dynamodb.aggregateKeys ?? [],
    batches: batchesAtDrain,
    siteEventsPerSecond: topSiteEps,
    siteProcessingEventsPerSecond: (siteEvents.get(topSite) ?? 0) / e2eSeconds,
  });
  const [hotAt5000, hotAt50000] = hot.atRates as [HotKeyAtRate, HotKeyAtRate];
  const { hotKey: topSiteHotKey } = hot;
  const at5000 = hotAt5000.estimate;
  const at50000 = hotAt50000.estimate;
  // The events a second the processor counts at the deployed processorMaxConcurrency.
  const maximumConcurrency = mapping.maximumConcurrency ?? 5;
  const processorCapacityEps = maximumConcurrency * hot.instanceEventsPerSecond;

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
    usd_per_million_function_url: costUrl.total <= 1.5,
    e2e_events_per_s: events / e2eSeconds >= 2000,
    ingest_rps: ingestRps >= 3000,
    max_key_wru_per_s_at_5000_eps: Number.isFinite(at5000) ? at5000 <= 1000 : false,
    max_key_wru_per_s_at_50000_eps: Number.isFinite(at50000) ? at50000 <= 1000 : false,
    ingest_bundle_bytes: bundleBytes < 100 * 1024,
    ingest_init_ms: initMs < 30,
  };

  return {
    events, latencies, ingestRps, capacityTotals, txItemsFromLogs, writes, wruPerEvent, wruPerEventAtWrite, unitsByKind, rruPerEvent, rruPerStatsCall,
    rruPerBreakdownCall, sqsRequests, sqsRequestsPerEvent, sqsRequestsPerEventOnWire, ingestMemory, ingestInvocationsPerEvent, ingestP50Calibrated,
    ingestGbsPerEvent, ingestGbsUnderLoadPerEvent, processorInvocationsPerEvent, processorGbsPerEvent, statsDurations, statsGbsPerCall, lake, lakeExact,
    costRest, costHttp, costUrl, logBytes, logsUsd, statsCallUsd, siteEvents, topSite, hottest, topSiteEps, hot, topSiteHotKey, at5000, at50000, hotAt5000,
    hotAt50000, maximumConcurrency, processorCapacityEps, cpuIngest, cpuDrain, ingestCpuMsPerInvocation, processorCpuMsPerEvent, ingestAt20MsDelta, batchSizes, processorBatches, targets
  };
}
export type Figures = Awaited<ReturnType<typeof computeFigures>>;
