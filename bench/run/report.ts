// `npm run bench`: the report printed on stdout (unless --json-only).
import path from 'node:path';
import { PROJECT_ROOT } from '../../local/runtime.ts';
import { cpuSplitLines } from './cpu-split.ts';
import { fmt, percentile } from '../lib/numbers.ts';
import { tableLines, type ReportRow } from '../lib/report.ts';
import { PRICES } from '../lib/prices.ts';
import type { Figures, Phases } from './figures.ts';
import type { detailsOf } from './result.ts';
import { wireLines } from '../wire/report.ts';
import { KEEP_ALL_FILTER, usersError } from './lake-check.ts';
import { ROW_LIMIT as ROWS_COMPARED } from '../workload/counts.ts';

/** 9. The report: the figures against their targets, the costs, the wire, the CPU split, any mismatches. */
export function reportRun(c: Phases & Figures & { details: ReturnType<typeof detailsOf> }): void {
  const {
    opts, say, progress, outDir, logs, workload, distinctPaths, load, ingestSeconds, drainedAt, e2eSeconds, wire, mismatches, stats, breakdowns,
    statsLines, breakdownLines, exported, dlq, countsExact, overflow, sizes, maxBucketKb, maxTotalsKb, init, bundleBytes, initMs, calibrationDurations,
    events, latencies, ingestRps, txItemsFromLogs, writes, wruPerEvent, wruPerEventAtWrite, unitsByKind, rruPerEvent, rruPerStatsCall,
    rruPerBreakdownCall, sqsRequests, sqsRequestsPerEvent, sqsRequestsPerEventOnWire, ingestMemory, ingestInvocationsPerEvent, ingestP50Calibrated,
    ingestGbsPerEvent, processorInvocationsPerEvent, processorGbsPerEvent, lake, lakeExact, costRest, costHttp, costUrl, logBytes, logsUsd, statsCallUsd, hottest,
    topSiteEps, hot, topSiteHotKey, hotAt5000, hotAt50000, maximumConcurrency, processorCapacityEps, cpuIngest, cpuDrain, ingestCpuMsPerInvocation, ingestAt20MsDelta, batchSizes, processorBatches, targets,
    details, lakeAgreement, lakeAgrees
  } = c;
  const usersCounters = lakeAgreement.reduce((n, a) => n + a.usersCounters, 0);
  const usersLake = lakeAgreement.reduce((n, a) => n + a.usersLake, 0);
  const worstUsersError = Math.max(0, ...lakeAgreement.map((a) => Math.abs(usersError(a))));
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
    ['lake MB per million events, before props; before visit ids', `${fmt((lake.bytesWithoutProps / events), 1)} / ${fmt((lake.bytesWithoutPropsOrVisitIds / events), 1)}`, '',
      `the same objects gzipped again without the events' custom properties; without those and the visits' ids`],
    ['lake exact', String(lakeExact), '', `${lake.events} events in the lake, ${events} accepted`],
    ['raw event item (claim) bytes, mean', wire && wire.dynamodb.rawEventItems.items ? fmt(wire.dynamodb.rawEventItems.bytes / wire.dynamodb.rawEventItems.items, 1) : 'n/a', '',
      'as DynamoDB sizes it (storage adds 100 bytes per item); 1 WRU up to 1 KB'],
    ['USD per million events, REST API', fmt(costRest.total, 3), `<= 5.00: ${yes(targets.usd_per_million_rest)}`],
    ['USD per million events, HTTP API', fmt(costHttp.total, 3), `<= 2.50: ${yes(targets.usd_per_million_http)}`],
    ['USD per million events, function URL', fmt(costUrl.total, 3), `<= 1.50: ${yes(targets.usd_per_million_function_url)}`, 'no API Gateway request fee (-c ingestion=function-url)'],
    ['CloudWatch Logs bytes per event (not in the totals)', fmt(logBytes.total, 1), '',
      `functions' lines ${fmt(logBytes.application, 1)} + Lambda's START/REPORT ${fmt(logBytes.platform, 1)}: $${fmt(logsUsd, 3)} per million events`],
    ['hottest key: peak WRU/s at bench rate', hottest ? fmt(hottest.peakPerSecond, 0) : 'n/a', '', hottest?.key ?? ''],
    ...[hotAt5000, hotAt50000].map((at, i): ReportRow => [
      `hot site: hottest key at ${fmt(at.eventsPerSecond, 0)} events/s (busiest second of a day)`,
      topSiteHotKey ? fmt(at.estimate, 0) : 'n/a',
      `<= 1,000: ${yes(i === 0 ? targets.max_key_wru_per_s_at_5000_eps : targets.max_key_wru_per_s_at_50000_eps)}`,
      topSiteHotKey ? `${topSiteHotKey.key}, ${Number.isFinite(at.mean) ? `mean ${fmt(at.mean, 0)} WRU/s; ` : ''}${at.method}` : '',
    ]),
    ['  hot site here; the processor per instance', topSiteHotKey ? `${fmt(topSiteHotKey.peakPerSecond, 0)} WRU` : 'n/a', '',
      `busiest second of the key while the site sent ${fmt(topSiteEps, 0)} events/s; one instance counted ${fmt(hot.instanceEventsPerSecond, 0)} events/s ` +
        `(full batches of ${fmt(hot.fullBatchEvents, 0)}), so ${maximumConcurrency} (MaximumConcurrency) count ${fmt(processorCapacityEps, 0)}`],
    ['ingest bundle (index.mjs)', `${fmt(bundleBytes / 1024, 1)} KB`, `< 100 KB: ${yes(targets.ingest_bundle_bytes)}`],
    ['ingest init (import, median of 7)', `${fmt(initMs, 1)} ms`, `< 30 ms: ${yes(targets.ingest_init_ms)}`,
      init.nodeOptions ? `with NODE_OPTIONS=${init.nodeOptions} as deployed; ${fmt(init.initMsWithoutNodeOptions, 1)} ms without` : ''],
    ['largest counter item: day path bucket / totals (KB)', `${fmt(maxBucketKb, 1)} / ${fmt(maxTotalsKb, 2)}`, '', `of ${sizes.counterItems} counter items; DynamoDB refuses items over 400 KB`],
    ['counts exact', String(countsExact), '', `${stats.calls} GET /stats and ${breakdowns.calls} GET /stats/breakdown answers; export of ${exported.events} events in ${exported.files} files; DLQ ${dlq.visible + dlq.inFlight} messages`],
    ['lake agrees with the counters', String(lakeAgrees), '',
      `GET /stats over the ${workload.days.length} days of ${lakeAgreement.length} sites, unfiltered and with filters=${KEEP_ALL_FILTER} (lake, local Athena endpoint): ` +
        `views, events, visits, bounce rate, duration, views per visit, events by type, top ${ROWS_COMPARED} paths; lake answer p50 ${fmt(percentile(lakeAgreement.map((a) => a.lakeMs).sort((a, b) => a - b), 50), 0)} ms`],
    ['unique users, sites summed: counters / lake', `${usersCounters} / ${usersLake}`, '',
      `the lake counts exactly, the counters estimate: ${fmt((100 * (usersCounters - usersLake)) / Math.max(1, usersLake), 2)}% summed, worst site ${fmt(100 * worstUsersError, 2)}%`],
    ['(other) rows: days / views in them', `${overflow.days} / ${overflow.views_in_other}`, '',
      `day breakdowns with (other): ${overflow.breakdowns} (${overflow.breakdown_views_in_other} views); estimated rows: ${overflow.estimated_rows}`],
  ];
  say('');
  say(`Benchmark (${opts.profile} profile): ${events} events, ${workload.sites.length} sites, up to ${distinctPaths} distinct paths a day, concurrency ${opts.concurrency}, ingestion through ${opts.context.ingestion === 'function-url' ? 'the function URL' : 'the API'}, Node ${process.version}, ${details.machine.cpus} CPUs`);
  for (const line of tableLines(rows)) say(line);
  say('');
  say('Cost per million events (USD):   REST     HTTP      URL');
  for (const key of ['api', 'lambdaRequests', 'lambdaCompute', 'sqs', 's3', 'dynamodbWrites', 'dynamodbReads', 'total'] as const) {
    say(`  ${key.padEnd(28)} ${fmt(costRest[key], 3).padStart(7)}  ${fmt(costHttp[key], 3).padStart(7)}  ${fmt(costUrl[key], 3).padStart(7)}`);
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
  for (const a of lakeAgreement) for (const d of a.differences) say(`LAKE DIFFERS ${a.site}: ${d}`);
  if (logs.problemLines.length) progress(`${logs.problemLines.length} error/warning lines from the runtime (see .local/bench/runtime.log)`);
  say('');
  say(`Ingest init, where the time goes (imported one after the other, median of 5): ${Object.entries(init.breakdownMs).map(([k, v]) => `${k} ${fmt(v, 1)} ms`).join(', ')}`);
  say('');
  say(`Details: ${path.relative(PROJECT_ROOT, path.join(outDir, 'result.json'))}`);
}
