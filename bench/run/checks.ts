// `npm run bench`: what the run checks and measures once the queue is drained: every count
// against the ground truth (GET /stats, GET /stats/breakdown, the export, the dead-letter
// queue), the sizes of the counter items, the ingest bundle's init time, and one ingest
// invocation at a time.
import { checkExport } from './export-check.ts';
import { checkLakeAgainstCounters } from './lake-check.ts';
import { checkBreakdowns, checkStats, overflowOf } from '../workload/counts.ts';
import type { StatsLine } from './function-logs.ts';
import { measureBundleInit } from './init-time.ts';
import { measureCounterItems } from './item-sizes.ts';
import { sortedCopy, sum } from '../lib/numbers.ts';
import { dlqMessages, eventUrl } from '../lib/stack.ts';
import type { Drained, SentLoad } from './load.ts';
import type { BenchStack, RunBasics } from './stack.ts';
import { calibrationBeacons, sequentialPosts } from './sequential-posts.ts';
import type { Workload } from '../workload/workload.ts';

/** 5. Counts against the ground truth, through GET /stats and GET /stats/breakdown (also the calls measured, each route apart). */
export async function checkCounts(c: RunBasics & BenchStack & SentLoad & Drained & { workload: Workload }) {
  const { opts, progress, logs, workload, rt, stack, adminKey, statsId, statsHost, acceptedCount, load, batchesAtDrain, batchLinesAtDrain } = c;
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
  const dlq = await dlqMessages(stack);
  if (dlq.visible + dlq.inFlight > 0) mismatches.push(`the dead-letter queue holds ${dlq.visible + dlq.inFlight} messages`);
  const failedBatches = batchesAtDrain.filter((b) => b.failures > 0 || b.batchError);
  const invalidMessages = sum(batchLinesAtDrain.map((b) => b.invalid ?? 0));
  if (invalidMessages > 0) mismatches.push(`${invalidMessages} messages were invalid`);
  const countsExact = mismatches.length === 0;
  const overflow = overflowOf(stats.answers, breakdowns.answers);
  // The lake engine against the counters: the same figures over the workload's days (not a count check: lake_agrees).
  const lakeAgreement = await checkLakeAgainstCounters({ apiUrl: rt.apiUrl, adminKey, workload });
  const lakeAgrees = lakeAgreement.every((site) => site.differences.length === 0);
  progress(
    countsExact
      ? `counts: all ${stats.calls} GET /stats and ${breakdowns.calls} GET /stats/breakdown answers match the ground truth; ` +
          `the export (${exported.calls} GET /stats/export, ${exported.files} files) holds every event sent once; DLQ empty`
      : `counts: ${mismatches.length} MISMATCHES`,
  );
  return { mismatches, stats, statsCallDurations, breakdowns, statsLines, breakdownLines, exported, dlq, failedBatches, countsExact, overflow, lakeAgreement, lakeAgrees };
}
export type CheckedCounts = Awaited<ReturnType<typeof checkCounts>>;

/** 6. Sizes of the counter items, the ingest bundle and its init time; then one ingest invocation at a time (as each Lambda environment runs them): its duration. */
export async function measureStack({ opts, hardDeadline, rt, stack, aggregatesTable, ingestId, ingestHost }: RunBasics & BenchStack) {
  const sizes = await measureCounterItems(rt, aggregatesTable);
  // The largest items a day's counters reach (DynamoDB refuses items over 400 KB).
  const maxBucketKb = sizes.byKind['path buckets, day'].maxBytes / 1024;
  const maxTotalsKb = Math.max(sizes.byKind['totals, day'].maxBytes, sizes.byKind['totals, all time'].maxBytes) / 1024;
  const init = await measureBundleInit(rt.model.functions[ingestId]!.handlerFile!, stack.functionEnv(ingestId), rt.model.region);
  const { bundleBytes, initMs } = init;

  // One ingest invocation at a time (as each Lambda environment runs them): its duration.
  const calibrationFrom = ingestHost.durations.length;
  const calibrationBodies = calibrationBeacons(opts.calibration);
  const calibrationClient = sortedCopy(await sequentialPosts(eventUrl(rt), calibrationBodies, hardDeadline - 20_000));
  const calibrationDurations = sortedCopy(ingestHost.durations.slice(calibrationFrom));
  return { sizes, maxBucketKb, maxTotalsKb, init, bundleBytes, initMs, calibrationClient, calibrationDurations };
}
export type Measured = Awaited<ReturnType<typeof measureStack>>;
