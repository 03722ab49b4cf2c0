// `npm run bench`: the run's result (the JSON line printed last) and its details (in result.json).
import os from 'node:os';
import { cpuMsPerEvent } from './cpu-split.ts';
import { percentile, round, sortedCopy } from '../lib/numbers.ts';
import { PRICES } from '../lib/prices.ts';
import type { Figures, Phases } from './figures.ts';

/** 8. The figures of the JSON line. */
export function resultOf(c: Phases & Figures) {
  const {
    opts, distinctPaths, load, ingestSeconds, drainedAt, e2eSeconds, wire, exported, countsExact, overflow, maxBucketKb,
    maxTotalsKb, bundleBytes, initMs, events, latencies, ingestRps, wruPerEvent, wruPerEventAtWrite, rruPerEvent, rruPerStatsCall,
    rruPerBreakdownCall, sqsRequests, sqsRequestsPerEvent, sqsRequestsPerEventOnWire, ingestGbsPerEvent, processorGbsPerEvent, lake, lakeExact, costRest,
    costHttp, costUrl, logBytes, logsUsd, topSite, hottest, topSiteHotKey, at5000, at50000, processorBatches, targets, lakeAgrees
  } = c;
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
    usd_per_million_function_url: round(costUrl.total, 3),
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
    lake_bytes_per_million_events_without_props: round((lake.bytesWithoutProps / events) * 1e6, 0),
    lake_bytes_per_million_events_without_props_or_visit_ids: round((lake.bytesWithoutPropsOrVisitIds / events) * 1e6, 0),
    usd_per_million_lake_storage_month: round(((lake.bytes / events) * 1e6 / 1e9) * PRICES.s3.perGbMonth, 4),
    max_key: hottest?.key ?? null,
    max_key_wru_per_s_at_5000_eps: round(at5000, 0),
    max_key_wru_per_s_at_50000_eps: round(at50000, 0),
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
    lake_agrees: lakeAgrees,
    ...(opts.phased ? { phased: true, processing_events_per_s: round(events / ((drainedAt - load.finishedAt) / 1000), 0) } : {}),
  };
  return result;
}

/** What result.json holds beside the result. */
export function detailsOf(c: Phases & Figures) {
  const {
    opts, loadAverageAtStart, logs, workload, processorHost, statsHost, samples, load, ingestInvocationsAtLoadEnd, wire, batchesAtDrain,
    processorDurations, ingestDurationsUnderLoad, mismatches, stats, breakdowns, statsLines, breakdownLines, failedBatches, sizes, init,
    calibrationClient, events, latencies, capacityTotals, txItemsFromLogs, writes, unitsByKind, rruPerBreakdownCall, ingestMemory, ingestP50Calibrated,
    ingestGbsUnderLoadPerEvent, statsDurations, statsGbsPerCall, costRest, costHttp, costUrl, statsCallUsd, siteEvents, topSiteEps, hot,
    cpuIngest, cpuDrain, ingestCpuMsPerInvocation, processorCpuMsPerEvent, ingestAt20MsDelta, batchSizes, processorBatches
  } = c;
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
    costFunctionUrl: costUrl,
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
    hotKey: { fullBatchEvents: hot.fullBatchEvents, instanceEventsPerSecond: hot.instanceEventsPerSecond, atRates: hot.atRates },
    batchesClosedBy: Object.fromEntries(['batchSize', 'payload', 'window'].map((why) => [why, batchesAtDrain.filter((b) => b.closedBy === why).length])),
    topSiteEps,
    mismatches,
    problemLines: logs.problemLines.slice(0, 50),
  };
  return details;
}
