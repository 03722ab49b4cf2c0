// `npm run bench`: the busiest site's hottest partition key, extrapolated to one site at 5,000 and
// at 50,000 events/s.
import type { BatchReport } from '../../local/event-source.ts';
import { fmt, percentile, sortedCopy, sum } from '../lib/numbers.ts';
import type { KeyLoad } from '../wire/snapshot.ts';

/** The rates the report extrapolates to: one busy site at 5,000 and at 50,000 events/s. */
export const TARGET_RATES = [5000, 50_000] as const;

/** The busiest second of a day: the one the rest of the day's 86,400 seconds stay under. */
const SECONDS_PER_DAY = 86_400;

/** The site a key of the Aggregates or Events table belongs to (`S#`, `P#`, `U#`, `E#` keys). */
const siteOfKey = (key: string): string | undefined => /^(?:Aggregates|Events) [SPUE]#([^#]+)/.exec(key)?.[1];

/**
 * The smallest k such that a Poisson count of mean `mean` exceeds k with probability at most
 * `tail`: how many batches the busiest second holds when they commit at random.
 */
export function poissonQuantile(mean: number, tail: number): number {
  if (!(mean > 0)) return 0;
  let pmf = Math.exp(-mean);
  let below = pmf;
  let k = 0;
  while (1 - below > tail && k < 100_000) {
    k += 1;
    pmf *= mean / k;
    below += pmf;
  }
  return k;
}

export interface HotKeyAtRate {
  /** The site's rate this estimate is for. */
  eventsPerSecond: number;
  /** Write units the site's hottest key takes in the busiest second of a day at that rate. */
  estimate: number;
  method: string;
  /** Full batches a second at that rate (rate / the run's full-batch events). */
  batchesPerSecond: number;
  /** Processor instances that keep up (rate / the run's events per second of one instance). */
  instances: number;
  /** Batches committed in the busiest second of a day (Poisson, at most `instances`). */
  busiestSecondBatches: number;
  /** Write units a second the key takes on average: batches a second x its busiest second here. */
  mean: number;
  /** The busiest second scaled by rate / the site's events per second during ingestion (over-estimates). */
  scaledByRate: number;
  /** The same, by the site's end-to-end rate. */
  scaledByProcessingRate: number;
}

export interface HotKeyEstimate {
  /** The site's keys, hottest first. */
  siteKeys: KeyLoad[];
  hotKey: KeyLoad | undefined;
  /** Events of a full batch (p50 of the batches not closed by the window), NaN when most were. */
  fullBatchEvents: number;
  /** Events one processor instance counted per second of its invocations (full batches, or all when none was). */
  instanceEventsPerSecond: number;
  /** One estimate per target rate, in the order asked. */
  atRates: HotKeyAtRate[];
}

export interface HotKeyInput {
  site: string;
  aggregateKeys: KeyLoad[];
  batches: BatchReport[];
  /** The site's events per second during ingestion, and end to end. */
  siteEventsPerSecond: number;
  siteProcessingEventsPerSecond: number;
}

/**
 * Counters and sketches are written once per batch (per commit unit) and site, not per event
 * (raw events have a key each), so a key's write units grow with the batches a second, not with
 * the events. At these rates a site's batches are full (BatchSize or Lambda's 6 MB payload), so
 * they arrive at rate / the run's full-batch events a second, and the processor keeps up with
 * rate / one instance's events per second instances (`processorMaxConcurrency` raised to that).
 * Each batch writes the key about as much as its busiest second here (at least one batch's
 * writes); the busiest second of a day holds the Poisson quantile of that many batches, never
 * more than the instances running. When most of this run's batches were closed by the window,
 * the busiest second is scaled by rate / the site's events per second instead, an over-estimate
 * (it scales per-batch writes by the event rate).
 */
export function hotKeyEstimates(input: HotKeyInput, rates: readonly number[] = TARGET_RATES): HotKeyEstimate {
  const siteKeys = input.aggregateKeys.filter((k) => siteOfKey(k.key) === input.site).sort((a, b) => b.peakPerSecond - a.peakPerSecond);
  const hotKey = siteKeys[0];
  const full = input.batches.filter((b) => b.closedBy !== 'window');
  const fullBatches = input.batches.length > 0 && full.length >= input.batches.length / 2;
  const fullBatchEvents = fullBatches ? percentile(sortedCopy(full.map((b) => b.records)), 50) : NaN;
  // One instance's rate, from the full batches (from all of them when none was full).
  const timed = full.length ? full : input.batches;
  const busySeconds = sum(timed.map((b) => b.durationMs)) / 1000;
  const instanceEventsPerSecond = busySeconds > 0 ? sum(timed.map((b) => b.records)) / busySeconds : NaN;
  const atRate = (rate: number): HotKeyAtRate => {
    const peak = hotKey?.peakPerSecond ?? NaN;
    const scaledByRate = (peak * rate) / input.siteEventsPerSecond;
    const batchesPerSecond = rate / fullBatchEvents;
    const instances = Math.ceil(rate / instanceEventsPerSecond);
    const busiestSecondBatches = Math.min(Math.max(1, poissonQuantile(batchesPerSecond, 1 / SECONDS_PER_DAY)), instances);
    return {
      eventsPerSecond: rate,
      estimate: fullBatches ? busiestSecondBatches * peak : scaledByRate,
      method: fullBatches
        ? `${busiestSecondBatches} batches in the busiest second of a day (${fmt(batchesPerSecond)} full batches/s of ${fmt(fullBatchEvents, 0)} events, ${instances} instances) x the busiest second here`
        : `scaled by ${fmt(rate, 0)} / the site's events per second`,
      batchesPerSecond,
      instances,
      busiestSecondBatches,
      mean: batchesPerSecond * peak,
      scaledByRate,
      scaledByProcessingRate: (peak * rate) / input.siteProcessingEventsPerSecond,
    };
  };
  return { siteKeys, hotKey, fullBatchEvents, instanceEventsPerSecond, atRates: rates.map(atRate) };
}
