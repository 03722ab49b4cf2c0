import { describe, expect, it } from 'vitest';
import type { BatchReport } from '../../local/event-source.ts';
import { hotKeyAt5000 } from '../../bench/run/hot-key.ts';

const key = (k: string, peakPerSecond: number) => ({ key: k, peakPerSecond, peakSecond: 0, totalUnits: peakPerSecond, activeSeconds: 1, writes: 1 });
const batch = (closedBy: BatchReport['closedBy']): BatchReport => ({ mapping: 'm', records: 100, failures: 0, durationMs: 1, closedBy });
const keys = [key('Aggregates U#a.example#ALL', 16), key('Aggregates P#a.example#2026-11-30', 12), key('Aggregates U#b.example#ALL', 40)];
const input = { site: 'a.example', aggregateKeys: keys, maximumConcurrency: 2, siteEventsPerSecond: 100, siteProcessingEventsPerSecond: 80 };

describe('the hot key at 5,000 events/s', () => {
  it("takes the site's own hottest key, bounded by MaximumConcurrency x its busiest second when batches were full", () => {
    const estimate = hotKeyAt5000({ ...input, batches: [batch('payload'), batch('batchSize'), batch('window')] });
    expect(estimate.hotKey?.key).toBe('Aggregates U#a.example#ALL');
    expect(estimate.at5000).toBe(32);
    expect(estimate.scaledByRate).toBe(800);
    expect(estimate.scaledByProcessingRate).toBe(1000);
  });

  it('scales the busiest second by the event rate when the window closed most batches', () => {
    const estimate = hotKeyAt5000({ ...input, batches: [batch('window'), batch('window'), batch('payload')] });
    expect(estimate.at5000).toBe(800);
    expect(estimate.method).toMatch(/scaled/);
  });

  it('has no estimate without keys of the site', () => {
    expect(Number.isNaN(hotKeyAt5000({ ...input, site: 'c.example', batches: [batch('payload')] }).at5000)).toBe(true);
  });
});
