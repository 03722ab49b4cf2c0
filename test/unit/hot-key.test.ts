import { describe, expect, it } from 'vitest';
import type { BatchReport } from '../../local/event-source.ts';
import { hotKeyEstimates, poissonQuantile, TARGET_RATES } from '../../bench/run/hot-key.ts';

const key = (k: string, peakPerSecond: number) => ({ key: k, peakPerSecond, peakSecond: 0, totalUnits: peakPerSecond, activeSeconds: 1, writes: 1 });
/** A batch of `records` events that took `durationMs`. */
const batch = (closedBy: BatchReport['closedBy'], records = 8000, durationMs = 20_000): BatchReport => ({ mapping: 'm', records, failures: 0, durationMs, closedBy });
const keys = [key('Aggregates U#a.example#ALL', 16), key('Aggregates P#a.example#2026-11-30', 40), key('Aggregates U#b.example#ALL', 90)];
const input = { site: 'a.example', aggregateKeys: keys, siteEventsPerSecond: 100, siteProcessingEventsPerSecond: 80 };

describe('Poisson quantile', () => {
  it('is the smallest count the busiest second of a day stays under', () => {
    // Mean 1: P(X > 7) = 1.0e-5 <= 1/86,400 = 1.16e-5, P(X > 6) = 8.3e-5 is not.
    expect(poissonQuantile(1, 1 / 86_400)).toBe(7);
    // Mean 0.5: P(X > 5) = 1.4e-5, P(X > 6) = 1.0e-6.
    expect(poissonQuantile(0.5, 1 / 86_400)).toBe(6);
    expect(poissonQuantile(0, 1 / 86_400)).toBe(0);
  });

  it('grows with the mean, less than in proportion', () => {
    const at6 = poissonQuantile(6, 1 / 86_400);
    expect(at6).toBeGreaterThan(12);
    expect(at6).toBeLessThan(20);
    expect(poissonQuantile(60, 1 / 86_400)).toBeLessThan(10 * at6);
  });
});

describe("the site's hottest key at 5,000 and 50,000 events/s", () => {
  it("takes the site's own hottest key and multiplies out full batches a second, the instances and the busiest second", () => {
    // Full batches of 8,000 events, each taking 20 s: 400 events/s an instance.
    const estimate = hotKeyEstimates({ ...input, batches: [batch('payload'), batch('batchSize'), batch('window', 300, 1000)] });
    expect(TARGET_RATES).toEqual([5000, 50_000]);
    expect(estimate.hotKey?.key).toBe('Aggregates P#a.example#2026-11-30');
    expect(estimate.fullBatchEvents).toBe(8000);
    expect(estimate.instanceEventsPerSecond).toBe(400);
    // 5,000 events/s: 0.625 full batches a second, 13 instances; the busiest second of a day holds
    // the Poisson quantile of 0.625 batches (6), each writing the key 40 units. 50,000 events/s:
    // 6.25 batches a second, 125 instances, the quantile of 6.25 batches (19).
    const figures = estimate.atRates.map((a) => [a.eventsPerSecond, a.batchesPerSecond, a.instances, a.busiestSecondBatches, a.estimate, a.mean]);
    expect(figures).toEqual([
      [5000, 0.625, 13, 6, 240, 25],
      [50_000, 6.25, 125, 19, 760, 250],
    ]);
    expect(estimate.atRates.map((a) => a.busiestSecondBatches)).toEqual([0.625, 6.25].map((mean) => poissonQuantile(mean, 1 / 86_400)));
    // The over-estimate kept beside it: the busiest second x rate / the site's rate (100, 80 end to end).
    expect(estimate.atRates.map((a) => [a.scaledByRate, a.scaledByProcessingRate])).toEqual([
      [2000, 2500],
      [20_000, 25_000],
    ]);
  });

  it('never counts more batches in a second than instances run', () => {
    // 5,000 events/s an instance: one instance keeps up with 5,000 events/s.
    const estimate = hotKeyEstimates({ ...input, batches: [batch('payload', 8000, 1600)] }, [5000]);
    expect(estimate.atRates[0]!.instances).toBe(1);
    expect(estimate.atRates[0]!.busiestSecondBatches).toBe(1);
    expect(estimate.atRates[0]!.estimate).toBe(40);
  });

  it('scales the busiest second by the event rate when the window closed most batches', () => {
    const estimate = hotKeyEstimates({ ...input, batches: [batch('window'), batch('window'), batch('payload')] });
    expect(Number.isNaN(estimate.fullBatchEvents)).toBe(true);
    // 24,000 events in 60 s of invocations.
    expect(estimate.instanceEventsPerSecond).toBe(400);
    expect(estimate.atRates.map((a) => a.estimate)).toEqual([2000, 20_000]);
    expect(estimate.atRates[1]!.method).toMatch(/scaled by 50,000/);
  });

  it('has no estimate without keys of the site', () => {
    const estimate = hotKeyEstimates({ ...input, site: 'c.example', batches: [batch('payload')] });
    expect(estimate.atRates.every((a) => Number.isNaN(a.estimate))).toBe(true);
  });
});
