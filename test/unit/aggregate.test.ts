import { describe, expect, it } from 'vitest';
import { itemCount, MAX_ATTRS_PER_ITEM, MAX_UNIT_ITEMS, planUnits, unitDeltas } from '../../functions/domain/aggregate.ts';
import { ALL_TIME, pathBucket } from '../../functions/domain/keys.ts';
import { trackedEvent } from '../support/factories.ts';

describe('unitDeltas', () => {
  it('turns 100 events of one site and day into one update per counter item', () => {
    // Prepare
    const events = Array.from({ length: 100 }, (_, i) =>
      trackedEvent({ path: i % 2 ? '/a' : '/b', event_type: i < 90 ? 'page_view' : 'signup' }),
    );
    // Act
    const deltas = unitDeltas('site-abc-123', events, 4);
    // Assess
    const day = deltas.totals.get('2025-11-12')!;
    expect(day.views).toBe(90);
    expect(day.events).toBe(100);
    expect(Object.fromEntries(day.types)).toEqual({ page_view: 90, signup: 10 });
    expect(deltas.totals.get(ALL_TIME)).toEqual(day);
    const dayPaths = new Map([...deltas.paths.get('2025-11-12')!.values()].flatMap((b) => [...b]));
    expect(Object.fromEntries(dayPaths)).toEqual({ '/a': 45, '/b': 45 });
    // two totals items plus at most two buckets per scope
    expect(itemCount(deltas)).toBeLessThanOrEqual(6);
  });

  it('counts only page views in paths', () => {
    const deltas = unitDeltas('s', [trackedEvent({ event_type: 'signup', path: '/x' })], 4);
    expect(deltas.paths.size).toBe(0);
    expect(deltas.totals.get(ALL_TIME)?.views).toBe(0);
  });

  it('files each event under its own UTC day', () => {
    const deltas = unitDeltas('s', [
      trackedEvent({ timestamp: '2025-11-12T23:59:59.000Z' }),
      trackedEvent({ timestamp: '2025-11-13T00:00:00.000Z' }),
    ], 4);
    expect([...deltas.totals.keys()].sort()).toEqual(['2025-11-12', '2025-11-13', ALL_TIME]);
  });
});

describe('planUnits', () => {
  it('makes one unit per site for an ordinary batch', () => {
    const events = [trackedEvent({ site_id: 'a' }), trackedEvent({ site_id: 'b' }), trackedEvent({ site_id: 'a' })];
    const units = planUnits(events, 'batch-1', 4);
    expect(units.map((u) => [u.unitId, u.events.length])).toEqual([
      ['batch-1:a:0', 2],
      ['batch-1:b:0', 1],
    ]);
  });

  it('splits a site whose events span many days so each transaction stays within 100 items', () => {
    const events = Array.from({ length: 400 }, (_, i) =>
      trackedEvent({ timestamp: new Date(Date.UTC(2025, 0, 1) + (i % 200) * 86_400_000).toISOString(), path: `/p${i}` }),
    );
    const units = planUnits(events, 'b', 16);
    expect(units.length).toBeGreaterThan(1);
    expect(units.flatMap((u) => u.events)).toHaveLength(400);
    for (const unit of units) expect(itemCount(unitDeltas(unit.siteId, unit.events, 16))).toBeLessThanOrEqual(MAX_UNIT_ITEMS);
  });

  it('splits when one path bucket would get too many attributes for one update', () => {
    const events = Array.from({ length: 1000 }, (_, i) => trackedEvent({ path: `/page/${i}` }));
    const units = planUnits(events, 'b', 1);
    expect(units.length).toBeGreaterThanOrEqual(5);
    for (const unit of units) {
      const deltas = unitDeltas(unit.siteId, unit.events, 1);
      for (const buckets of deltas.paths.values()) {
        for (const paths of buckets.values()) expect(paths.size).toBeLessThanOrEqual(MAX_ATTRS_PER_ITEM);
      }
    }
  });

  it('spreads paths over the configured number of buckets', () => {
    const buckets = new Set(Array.from({ length: 200 }, (_, i) => pathBucket(`/p/${i}`, 4)));
    expect([...buckets].sort()).toEqual([0, 1, 2, 3]);
  });
});
