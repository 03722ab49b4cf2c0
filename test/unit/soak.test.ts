import { describe, expect, it } from 'vitest';
import { eventLedger, type StatsBody } from '../../bench/workload/counts.ts';
import { vmRssBytes } from '../../bench/soak/memory.ts';
import { eventsDue, LatencyWindows, planRequests } from '../../bench/soak/load.ts';
import { parseSoakArgs, SOAK_CONTEXT } from '../../bench/soak/options.ts';
import { prng } from '../../bench/lib/random.ts';
import { emptyScope, type ScopeTruth } from '../../bench/workload/workload.ts';

describe('npm run soak options', () => {
  it('defaults to 100 events/s for 10 minutes with a 2 s batching window', () => {
    expect(parseSoakArgs([])).toEqual({
      minutes: 10,
      rate: 100,
      sites: 20,
      batchPercent: 10,
      batchSize: 10,
      windowSeconds: 30,
      context: SOAK_CONTEXT,
      seed: 42,
      drainMinutes: 5,
      jsonOnly: false,
    });
  });

  it('reads every option, -c on top of the default context', () => {
    const opts = parseSoakArgs(['--minutes', '1', '--rate', '50', '-c', 'batchWindowSeconds=5', '-c', 'processorMaxConcurrency=3', '--window-s', '10', '--json-only']);
    expect(opts).toMatchObject({ minutes: 1, rate: 50, windowSeconds: 10, jsonOnly: true });
    expect(opts.context).toEqual({ batchWindowSeconds: '5', processorMaxConcurrency: '3' });
  });

  it.each([
    [['--minutes', '0'], '--minutes must be a whole number from 1 to 240'],
    [['--rate', '1.5'], '--rate must be a whole number from 1 to 5000'],
    [['--batch-percent', '101'], '--batch-percent must be a whole number from 0 to 100'],
    [['--batch-size', '1'], '--batch-size must be a whole number from 2 to 100'],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSoakArgs(argv)).toThrow(message);
  });
});

describe('planRequests', () => {
  it('carries every event once, in requests of 1 or the batch size (the last batch may be smaller)', () => {
    const sizes = planRequests(10_007, 30, 10, prng(1));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10_007);
    expect(sizes.slice(0, -1).every((s) => s === 1 || s === 10)).toBe(true);
  });

  it('sends about the asked share of events in batches', () => {
    const sizes = planRequests(100_000, 10, 10, prng(2));
    const inBatches = sizes.filter((s) => s > 1).reduce((a, b) => a + b, 0);
    expect(inBatches / 100_000).toBeGreaterThan(0.08);
    expect(inBatches / 100_000).toBeLessThan(0.12);
  });

  it('sends single events only at 0% and batches only at 100%', () => {
    expect(new Set(planRequests(500, 0, 10, prng(3)))).toEqual(new Set([1]));
    expect(planRequests(25, 100, 10, prng(3))).toEqual([10, 10, 5]);
  });
});

describe('eventsDue', () => {
  it('is the whole number of events of the elapsed time at the rate', () => {
    expect([eventsDue(-5, 100), eventsDue(0, 100), eventsDue(9, 100), eventsDue(10, 100), eventsDue(60_000, 100)]).toEqual([0, 0, 0, 1, 6000]);
  });
});

describe('LatencyWindows', () => {
  it('groups requests by the window they started in, with p50, p99, max, events and failures', () => {
    const windows = new LatencyWindows(1_000, 30_000);
    for (let i = 1; i <= 100; i++) windows.add(1_000 + i * 100, i, 1, true);
    windows.add(31_000, 500, 10, true);
    windows.add(45_000, 700, 10, false);
    expect(windows.figures(0)).toEqual({ fromS: 0, toS: 30, requests: 100, events: 100, failures: 0, p50Ms: 50, p99Ms: 99, maxMs: 100 });
    expect(windows.figures(1)).toMatchObject({ fromS: 30, toS: 60, requests: 2, events: 10, failures: 1, maxMs: 700 });
    expect(windows.all()).toHaveLength(2);
  });

  it('has NaN latencies for a window without requests', () => {
    const windows = new LatencyWindows(0, 10_000);
    windows.add(25_000, 5, 1, true);
    expect(windows.figures(1)).toMatchObject({ requests: 0, p50Ms: NaN, p99Ms: NaN, maxMs: NaN });
  });

  it('counts requests after the last window in the last one', () => {
    const windows = new LatencyWindows(0, 30_000, 2);
    windows.add(60_050, 12, 1, true);
    expect(windows.all()).toHaveLength(2);
    expect(windows.figures(1)).toMatchObject({ requests: 1, p99Ms: 12 });
  });
});

describe('vmRssBytes', () => {
  it('reads VmRSS from /proc/<pid>/status, in bytes', () => {
    const status = 'Name:\tjava\nVmPeak:\t 4000000 kB\nVmRSS:\t  241664 kB\nRssAnon:\t  200000 kB\n';
    expect(vmRssBytes(status)).toBe(241_664 * 1024);
    expect(vmRssBytes('Name:\tzombie\n')).toBeUndefined();
  });
});

describe('eventLedger', () => {
  const scope = (events: number, views: number, users: string[]): ScopeTruth => ({ ...emptyScope(), events, views, users: new Set(users) });
  const body = (total_events: number, total_views: number, unique_users: number): StatsBody => ({
    total_events,
    total_views,
    unique_users,
    events_by_type: {},
    top_paths: [],
    visits: 0,
    bounce_rate: 0,
    visit_duration_s: 0,
    views_per_visit: 0,
  });
  const truth = new Map([
    ['a', { all: scope(10, 8, ['u1', 'u2']) }],
    ['b', { all: scope(5, 5, ['u3']) }],
    ['c', { all: scope(3, 3, ['u4']) }],
  ]);

  it('finds events lost (fewer counted) and counted twice (more counted), per site, from the all-time answers', () => {
    const ledger = eventLedger(truth, [
      { site: 'a', date: null, body: body(9, 7, 2) },
      { site: 'a', date: '2025-11-12', body: body(100, 100, 100) },
      { site: 'b', date: null, body: body(7, 7, 1) },
    ]);
    expect([ledger.lost, ledger.doubleCounted]).toEqual([1 + 3, 2]);
    expect(ledger.sites[0]).toEqual({ site: 'a', events: { sent: 10, counted: 9 }, views: { sent: 8, counted: 7 }, users: { sent: 2, counted: 2 } });
  });

  it('is all zeros when every count matches', () => {
    const ledger = eventLedger(truth, [
      { site: 'a', date: null, body: body(10, 8, 2) },
      { site: 'b', date: null, body: body(5, 5, 1) },
      { site: 'c', date: null, body: body(3, 3, 1) },
    ]);
    expect([ledger.lost, ledger.doubleCounted]).toEqual([0, 0]);
  });
});
