import { describe, expect, it } from 'vitest';
import { eventIncrements, itemCount, MAX_ATTRS_PER_ITEM, MAX_UNIT_ITEMS, planUnits, unitDeltas, type UnitDeltas } from '../../functions/domain/counter-units.ts';
import { ALL_TIME, pathBucket, unpackDimensionCount, VISIT_WEIGHT } from '../../functions/domain/table-schema.ts';
import type { VisitMarks } from '../../functions/domain/visit.ts';
import { trackedEvent } from '../support/factories.ts';

/** One scope's counters: its totals item's attributes, and every bucket attribute merged. */
function countersOf(deltas: UnitDeltas, scope: string): { totals: Record<string, number>; buckets: Record<string, number> } {
  const totals: Record<string, number> = {};
  const buckets: Record<string, number> = {};
  for (const item of deltas.items.values()) {
    if (item.scope !== scope) continue;
    const into = item.bucket === 'totals' ? totals : buckets;
    for (const [attr, n] of item.attrs) into[attr] = (into[attr] ?? 0) + n;
  }
  return { totals, buckets };
}

const visit = (overrides: Partial<VisitMarks> = {}): VisitMarks => ({
  page: 1,
  gap_ms: 0,
  entry_page: '/landing',
  source: 'news.example',
  utm_medium: '(none)',
  utm_campaign: '(none)',
  ...overrides,
});

describe('unitDeltas', () => {
  it('turns 100 events of one site and day into one update per counter item', () => {
    const events = Array.from({ length: 100 }, (_, i) =>
      trackedEvent({ path: i % 2 ? '/a' : '/b', event_type: i < 90 ? 'page_view' : 'signup', hour: 19 }),
    );
    const deltas = unitDeltas('site-abc-123', events, 4);
    const day = countersOf(deltas, '2025-11-12');
    expect(day.totals).toEqual({ views: 90, events: 100, 't#page_view': 90, 't#signup': 10, h19: 90, he19: 100 });
    expect(day.buckets).toEqual({ 'p#/a': 45, 'p#/b': 45, 'n#XX': 90, 'd#desktop': 90, 'b#other': 90, 'o#other': 90 });
    const all = countersOf(deltas, ALL_TIME);
    expect(all.totals).toEqual({ views: 90, events: 100, 't#page_view': 90, 't#signup': 10 });
    // all-time paths and breakdowns add up the days: no buckets of their own
    expect(all.buckets).toEqual({});
    // two totals items plus at most four buckets of the day
    expect(itemCount(deltas)).toBeLessThanOrEqual(6);
  });

  it('counts only page views in paths and breakdowns', () => {
    const deltas = unitDeltas('s', [trackedEvent({ event_type: 'signup', path: '/x', visit: visit({ gap_ms: 5000 }) })], 4);
    const all = countersOf(deltas, ALL_TIME);
    expect(all.buckets).toEqual({});
    expect(all.totals).toEqual({ events: 1, 't#signup': 1, visit_ms: 5000 });
  });

  it('counts a visit by its entry page view, its second page view and its gaps', () => {
    const events = [
      trackedEvent({ path: '/landing', visit: visit(), country: 'DE', device: 'mobile' }),
      trackedEvent({ path: '/pricing', visit: visit({ page: 2, gap_ms: 30_000 }), country: 'DE', device: 'mobile' }),
      trackedEvent({ path: '/docs', visit: visit({ page: 3, gap_ms: 12_000 }), country: 'DE', device: 'mobile' }),
    ];
    const deltas = unitDeltas('s', events, 4);
    expect(countersOf(deltas, ALL_TIME).totals).toMatchObject({ views: 3, visits: 1, visits_multi: 1, visit_ms: 42_000, visit_views: 3 });
    const { totals, buckets } = countersOf(deltas, '2025-11-12');
    expect(totals).toMatchObject({ views: 3, visits: 1, visits_multi: 1, visit_ms: 42_000, visit_views: 3 });
    // one visit and three page views in one number per value
    const oneVisitThreeViews = VISIT_WEIGHT + 3;
    for (const attr of ['s#news.example', 'e#/landing', 'm#(none)', 'c#(none)', 'n#DE', 'd#mobile']) expect(buckets[attr], attr).toBe(oneVisitThreeViews);
    expect(unpackDimensionCount(buckets['s#news.example'])).toEqual({ visits: 1, views: 3 });
  });

  it('counts page views posted without a visit in the audience breakdowns, not in visits', () => {
    const { totals, buckets } = countersOf(unitDeltas('s', [trackedEvent({ country: 'JP' })], 4), '2025-11-12');
    expect(totals.visits).toBeUndefined();
    expect(totals.visit_views).toBeUndefined();
    expect(unpackDimensionCount(buckets['n#JP'])).toEqual({ visits: 0, views: 1 });
    expect(Object.keys(buckets).some((attr) => attr.startsWith('s#'))).toBe(false);
  });

  it('files each event under its own day', () => {
    const deltas = unitDeltas('s', [
      trackedEvent({ timestamp: '2025-11-12T23:59:59.000Z' }),
      trackedEvent({ timestamp: '2025-11-13T00:00:00.000Z' }),
    ], 4);
    expect(new Set([...deltas.items.values()].map((item) => item.scope))).toEqual(new Set(['2025-11-12', '2025-11-13', ALL_TIME]));
  });

  it('keeps breakdown values by the day only', () => {
    const increments = eventIncrements(trackedEvent({ visit: visit({ source: 'a.example' }) }), 16);
    const source = increments.filter((i) => i.attr.endsWith('#a.example'));
    expect(source).toHaveLength(1);
    expect(source[0]!.scope).not.toBe(ALL_TIME);
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

  it('splits when one bucket would get too many attributes for one update', () => {
    const events = Array.from({ length: 1000 }, (_, i) => trackedEvent({ path: `/page/${i}`, visit: visit({ source: `s${i}.example` }) }));
    const units = planUnits(events, 'b', 1);
    expect(units.length).toBeGreaterThanOrEqual(10);
    expect(units.flatMap((u) => u.events)).toHaveLength(1000);
    for (const unit of units) {
      for (const item of unitDeltas(unit.siteId, unit.events, 1).items.values()) expect(item.attrs.size).toBeLessThanOrEqual(MAX_ATTRS_PER_ITEM);
    }
  });

  it('spreads paths over the configured number of buckets', () => {
    const buckets = new Set(Array.from({ length: 200 }, (_, i) => pathBucket(`/p/${i}`, 4)));
    expect([...buckets].sort()).toEqual([0, 1, 2, 3]);
  });
});
