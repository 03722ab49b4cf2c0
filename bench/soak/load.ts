// `npm run soak`: the pure parts of a steady load: which events go out together, when each is
// due, and the latency of each window of the run.
import { percentile, sortedCopy } from '../lib/numbers.ts';

/**
 * Sizes of the requests that carry `events` events in order: 1 for a POST /event, `batchSize`
 * for a POST /events (the last one may be smaller), chosen so that about `batchPercent` percent
 * of the events travel in batches. Seeded through `random`; the sizes add up to `events`.
 */
export function planRequests(events: number, batchPercent: number, batchSize: number, random: () => number): number[] {
  const sizes: number[] = [];
  // A batch carries batchSize events, a single one 1: pick batches with the probability that
  // makes their share of events batchPercent.
  const share = batchPercent / 100;
  const batchProbability = share >= 1 ? 1 : share / (share + (1 - share) * batchSize);
  let left = events;
  while (left > 0) {
    const size = random() < batchProbability ? Math.min(batchSize, left) : 1;
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

/** Events due `elapsedMs` into a run at `rate` events per second. */
export const eventsDue = (elapsedMs: number, rate: number): number => Math.floor((Math.max(0, elapsedMs) * rate) / 1000);

export interface WindowFigures {
  /** Seconds from the start of the load to the window's start and end. */
  fromS: number;
  toS: number;
  requests: number;
  events: number;
  /** Requests that ended without a 202 (an error status or no answer), retries included. */
  failures: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Latencies of requests, grouped by the window (of `windowMs`, from `startMs`) in which each
 * request started. With `count`, a request that starts after the last window (the last events
 * of a run, due at its very end, or retries) counts in the last one.
 */
export class LatencyWindows {
  private readonly windows: Array<{ latencies: number[]; events: number; failures: number }> = [];

  constructor(
    private readonly startMs: number,
    private readonly windowMs: number,
    private readonly count = Infinity,
  ) {}

  /** Records one request that started at `startedMs` and took `latencyMs`. */
  add(startedMs: number, latencyMs: number, events: number, ok: boolean): void {
    const index = Math.min(this.count - 1, Math.max(0, Math.floor((startedMs - this.startMs) / this.windowMs)));
    while (this.windows.length <= index) this.windows.push({ latencies: [], events: 0, failures: 0 });
    const window = this.windows[index]!;
    window.latencies.push(latencyMs);
    if (ok) window.events += events;
    else window.failures++;
  }

  /** Window `index` (from 0), empty figures (NaN latencies) for a window without requests. */
  figures(index: number): WindowFigures {
    const window = this.windows[index] ?? { latencies: [], events: 0, failures: 0 };
    const sorted = sortedCopy(window.latencies);
    return {
      fromS: (index * this.windowMs) / 1000,
      toS: ((index + 1) * this.windowMs) / 1000,
      requests: sorted.length,
      events: window.events,
      failures: window.failures,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted.length ? sorted[sorted.length - 1]! : NaN,
    };
  }

  /** Every window that has begun, in order. */
  all(): WindowFigures[] {
    return this.windows.map((_, index) => this.figures(index));
  }
}
