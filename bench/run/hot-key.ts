// `npm run bench`: the busiest site's hottest partition key, extrapolated to 5,000 events/s.
import type { BatchReport } from '../../local/event-source.ts';
import type { KeyLoad } from '../wire/snapshot.ts';

/** The rate the issue asks about: one busy site at 5,000 events/s. */
const TARGET_EVENTS_PER_SECOND = 5000;

/** The site a key of the Aggregates or Events table belongs to (`S#`, `P#`, `U#`, `E#` keys). */
const siteOfKey = (key: string): string | undefined => /^(?:Aggregates|Events) [SPUE]#([^#]+)/.exec(key)?.[1];

export interface HotKeyEstimate {
  /** The site's keys, hottest first. */
  siteKeys: KeyLoad[];
  hotKey: KeyLoad | undefined;
  /** The estimate at 5,000 events/s, and how it was made. */
  at5000: number;
  method: string;
  /** The busiest second scaled by 5,000 / the site's events per second during ingestion (over-estimates). */
  scaledByRate: number;
  /** The same, by the site's end-to-end rate. */
  scaledByProcessingRate: number;
}

/**
 * Counters and sketches are written once per batch, not per event (raw events have a key each).
 * At 5,000 events/s a site's batches are full (BatchSize or Lambda's 6 MB payload), and at most
 * MaximumConcurrency of them run at once, so a key takes at most that many batches' writes in one
 * second. When this run's batches were full too (most not closed by the window), that is
 * MaximumConcurrency x the key's busiest second here; otherwise the busiest second is scaled by
 * 5,000 / the site's events per second, an over-estimate (it scales per-batch writes by the rate).
 */
export function hotKeyAt5000(input: {
  site: string;
  aggregateKeys: KeyLoad[];
  batches: BatchReport[];
  maximumConcurrency: number;
  /** The site's events per second during ingestion, and end to end. */
  siteEventsPerSecond: number;
  siteProcessingEventsPerSecond: number;
}): HotKeyEstimate {
  const siteKeys = input.aggregateKeys.filter((k) => siteOfKey(k.key) === input.site).sort((a, b) => b.peakPerSecond - a.peakPerSecond);
  const hotKey = siteKeys[0];
  const fullBatches = input.batches.filter((b) => b.closedBy !== 'window').length >= input.batches.length / 2;
  const scale = (eventsPerSecond: number): number => (hotKey ? (hotKey.peakPerSecond * TARGET_EVENTS_PER_SECOND) / eventsPerSecond : NaN);
  const scaledByRate = scale(input.siteEventsPerSecond);
  return {
    siteKeys,
    hotKey,
    at5000: hotKey ? (fullBatches ? hotKey.peakPerSecond * input.maximumConcurrency : scaledByRate) : NaN,
    method: fullBatches ? `full batches: ${input.maximumConcurrency} (MaximumConcurrency) x the busiest second` : "scaled by 5,000 / the site's events per second",
    scaledByRate,
    scaledByProcessingRate: scale(input.siteProcessingEventsPerSecond),
  };
}
