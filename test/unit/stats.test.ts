import { describe, expect, it } from 'vitest';
import { typeAttr } from '../../functions/domain/table-schema.ts';
import { totalsOf } from '../../functions/store/read/totals.ts';
import {
  daysIn,
  MAX_RANGE_DAYS,
  parseRangeQuery,
  parseStatsQuery,
  scopesOf,
  shapeStats,
  sumTotals,
  topPaths,
  unionSketches,
  type ScopeStats as ScopeAggregates,
} from '../../functions/domain/stats.ts';
import { estimate, groupByShard, hashUser, mergeShard, type ShardState } from '../../functions/domain/sketch.ts';

const fieldsOf = (result: ReturnType<typeof parseStatsQuery> | ReturnType<typeof parseRangeQuery>) =>
  result.ok ? [] : result.issues.map((issue) => issue.field).sort();

/** A sketch holding exactly `users`, as the processor would write it. */
function sketchOf(users: string[]): Map<number, ShardState> {
  const shards = new Map<number, ShardState>();
  for (const [shard, hashes] of groupByShard(users.map(hashUser))) shards.set(shard, mergeShard(shard, undefined, hashes).state);
  return shards;
}

const noVisits = { visits: 0, multiViewVisits: 0, visitMs: 0, visitViews: 0 };
const noData: ScopeAggregates = { views: 0, events: 0, eventsByType: {}, ...noVisits, pathViews: new Map(), uniqueUsers: 0 };
const noVisitFigures = { visits: 0, bounce_rate: 0, visit_duration_s: 0, views_per_visit: 0 };

describe('parseStatsQuery', () => {
  it('defaults to all time and a limit of 10', () => {
    expect(parseStatsQuery({ site_id: 'site-abc-123' })).toEqual({
      ok: true,
      value: { siteId: 'site-abc-123', period: { kind: 'all' }, limit: 10 },
    });
  });

  it('takes a limit of 0: the figures without top paths', () => {
    expect(parseStatsQuery({ site_id: 's', from: '2025-11-01', to: '2025-11-30', limit: '0' })).toEqual({
      ok: true,
      value: { siteId: 's', period: { kind: 'range', from: '2025-11-01', to: '2025-11-30' }, limit: 0 },
    });
  });

  it('reads a date and a limit', () => {
    expect(parseStatsQuery({ site_id: 's', date: '2024-02-29', limit: '100' })).toEqual({
      ok: true,
      value: { siteId: 's', period: { kind: 'day', date: '2024-02-29' }, limit: 100 },
    });
  });

  it('reads an inclusive range of days', () => {
    expect(parseStatsQuery({ site_id: 's', from: '2025-11-01', to: '2025-11-30', limit: '5' })).toEqual({
      ok: true,
      value: { siteId: 's', period: { kind: 'range', from: '2025-11-01', to: '2025-11-30' }, limit: 5 },
    });
  });

  it('accepts a range of one day and a range of 366 days', () => {
    expect(parseStatsQuery({ site_id: 's', from: '2025-11-12', to: '2025-11-12' }).ok).toBe(true);
    expect(parseStatsQuery({ site_id: 's', from: '2024-01-01', to: '2024-12-31' }).ok).toBe(true);
  });

  it.each([
    ['site_id', {}],
    ['site_id', { site_id: '' }],
    ['site_id', { site_id: 'a b' }],
    ['date', { site_id: 's', date: '2025-02-29' }],
    ['date', { site_id: 's', date: '2025-13-01' }],
    ['date', { site_id: 's', date: '12-11-2025' }],
    ['limit', { site_id: 's', limit: '-1' }],
    ['limit', { site_id: 's', limit: '101' }],
    ['limit', { site_id: 's', limit: '1.5' }],
    ['limit', { site_id: 's', limit: 'ten' }],
    ['from', { site_id: 's', from: '2025-02-30', to: '2025-03-02' }],
    ['to', { site_id: 's', from: '2025-03-01', to: '2025-04-31' }],
    ['from', { site_id: 's', from: '2025/03/01', to: '2025-03-02' }],
    ['to', { site_id: 's', from: '2025-03-01', to: '' }],
  ])('rejects a bad %s: %j', (field, params) => {
    expect(fieldsOf(parseStatsQuery(params))).toEqual([field]);
  });

  it('rejects a reversed range', () => {
    expect(parseStatsQuery({ site_id: 's', from: '2025-11-13', to: '2025-11-12' })).toEqual({
      ok: false,
      issues: [{ field: 'to', message: 'must not be before from' }],
    });
  });

  it(`rejects a range of more than ${MAX_RANGE_DAYS} days`, () => {
    const result = parseStatsQuery({ site_id: 's', from: '2024-01-01', to: '2025-01-01' });
    expect(result).toEqual({ ok: false, issues: [{ field: 'to', message: 'must be at most 366 days from from, both included' }] });
  });

  it('rejects date together with from and to, or with either', () => {
    for (const range of [{ from: '2025-11-01', to: '2025-11-02' }, { from: '2025-11-01' }, { to: '2025-11-02' }]) {
      expect(parseStatsQuery({ site_id: 's', date: '2025-11-01', ...range })).toEqual({
        ok: false,
        issues: [{ field: 'date', message: 'cannot be combined with from and to' }],
      });
    }
  });

  it('rejects from without to, and to without from', () => {
    expect(parseStatsQuery({ site_id: 's', from: '2025-11-01' })).toEqual({ ok: false, issues: [{ field: 'to', message: 'is required with from' }] });
    expect(parseStatsQuery({ site_id: 's', to: '2025-11-01' })).toEqual({ ok: false, issues: [{ field: 'from', message: 'is required with to' }] });
  });

  it('reports every bad parameter at once', () => {
    expect(fieldsOf(parseStatsQuery({ from: '2025-02-30' }))).toEqual(['from', 'site_id', 'to']);
  });
});

describe('parseRangeQuery', () => {
  it('reads a site and a range', () => {
    expect(parseRangeQuery({ site_id: 's', from: '2025-11-01', to: '2025-11-03' })).toEqual({
      ok: true,
      value: { siteId: 's', range: { from: '2025-11-01', to: '2025-11-03' } },
    });
  });

  it.each([
    [['from', 'to'], { site_id: 's' }],
    [['to'], { site_id: 's', from: '2025-11-01' }],
    [['from'], { site_id: 's', to: '2025-11-01' }],
    [['date'], { site_id: 's', date: '2025-11-01', from: '2025-11-01', to: '2025-11-02' }],
    [['to'], { site_id: 's', from: '2025-11-02', to: '2025-11-01' }],
    [['to'], { site_id: 's', from: '2025-01-01', to: '2026-01-02' }],
    [['from'], { site_id: 's', from: '2023-02-29', to: '2023-03-01' }],
    [['site_id'], { from: '2025-11-01', to: '2025-11-02' }],
  ])('rejects %j for %j', (fields, params) => {
    expect(fieldsOf(parseRangeQuery(params))).toEqual(fields);
  });
});

describe('daysIn and scopesOf', () => {
  it('lists every day of a range, across month, year and leap-day boundaries', () => {
    expect(daysIn({ from: '2024-02-28', to: '2024-03-01' })).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(daysIn({ from: '2025-12-31', to: '2026-01-01' })).toEqual(['2025-12-31', '2026-01-01']);
    expect(daysIn({ from: '2024-01-01', to: '2024-12-31' })).toHaveLength(366);
  });

  it('reads all time, one day, or each day of a range', () => {
    expect(scopesOf({ kind: 'all' })).toEqual(['ALL']);
    expect(scopesOf({ kind: 'day', date: '2025-11-12' })).toEqual(['2025-11-12']);
    expect(scopesOf({ kind: 'range', from: '2025-11-12', to: '2025-11-13' })).toEqual(['2025-11-12', '2025-11-13']);
  });
});

describe('sumTotals', () => {
  it('adds views, events, each event type and the visit counters', () => {
    expect(
      sumTotals([
        { views: 3, events: 4, eventsByType: { page_view: 3, signup: 1 }, visits: 2, multiViewVisits: 1, visitMs: 40_000, visitViews: 3 },
        { views: 2, events: 5, eventsByType: { page_view: 2, click: 3 }, visits: 1, multiViewVisits: 0, visitMs: 0, visitViews: 1 },
      ]),
    ).toEqual({ views: 5, events: 9, eventsByType: { page_view: 5, signup: 1, click: 3 }, visits: 3, multiViewVisits: 1, visitMs: 40_000, visitViews: 4 });
    expect(sumTotals([])).toEqual({ views: 0, events: 0, eventsByType: {}, ...noVisits });
  });

  it('adds event types named like members of every object as any other, and GET /stats writes them all', () => {
    // Prepare: the days' counts as the store reads them from totals items.
    const day = (counts: Record<string, number>) =>
      totalsOf(Object.fromEntries(Object.entries(counts).map(([type, n]) => [typeAttr(type), n])));
    // A computed key: `__proto__: 2` in a literal would set the prototype, not a property.
    const days = [day({ constructor: 1, ['__proto__']: 2, toString: 3 }), day({ constructor: 10, ['__proto__']: 20, hasOwnProperty: 5 })];

    // Act
    const sum = sumTotals(days);

    // Assess
    expect(JSON.parse(JSON.stringify(sum.eventsByType))).toEqual(JSON.parse('{"constructor":11,"__proto__":22,"toString":3,"hasOwnProperty":5}'));
    expect(Object.keys(days[0]!.eventsByType).sort()).toEqual(['__proto__', 'constructor', 'toString']);
  });
});

describe('unionSketches', () => {
  it('counts a user seen on several days once', () => {
    // Prepare
    const days = [
      ['u1', 'u2', 'u3'],
      ['u2', 'u3', 'u4'],
      ['u1', 'u5'],
    ];

    // Act
    const merged = unionSketches(days.map(sketchOf));

    // Assess
    expect(estimate(merged)).toBe(5);
    expect(days.reduce((sum, users) => sum + estimate(sketchOf(users)), 0)).toBe(8);
  });

  it('matches the sketch of all the users at once when shards turn dense', () => {
    // Prepare
    const users = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `user-${from + i}`);
    // Act
    const merged = unionSketches([sketchOf(users(0, 3_000)), sketchOf(users(2_000, 5_000))]);

    // Assess
    expect(estimate(merged)).toBe(estimate(sketchOf(users(0, 5_000))));
  });
});

describe('topPaths', () => {
  it('orders by views descending, then path ascending, and applies the limit', () => {
    const views = new Map([['/b', 5], ['/a', 5], ['/c', 9], ['/d', 1]]);
    expect(topPaths(views, 3)).toEqual([
      { path: '/c', views: 9 },
      { path: '/a', views: 5 },
      { path: '/b', views: 5 },
    ]);
  });
});

describe('shapeStats', () => {
  it('gives zeros and an empty list for a site with no data', () => {
    const body = shapeStats({ siteId: 's', period: { kind: 'day', date: '2025-11-12' }, limit: 10 }, noData, 'UTC');
    expect(body).toEqual({
      site_id: 's', timezone: 'UTC', date: '2025-11-12', total_views: 0, unique_users: 0, total_events: 0, ...noVisitFigures,
      events_by_type: {}, top_paths: [],
    });
  });

  it('answers all time with "date": null', () => {
    const body = shapeStats({ siteId: 's', period: { kind: 'all' }, limit: 10 }, noData, 'UTC');
    expect(body).toMatchObject({ site_id: 's', date: null });
  });

  it('answers a range with from and to in place of date, after the site\'s time zone, the figures after them', () => {
    // Act
    const body = shapeStats(
      { siteId: 's', period: { kind: 'range', from: '2025-11-01', to: '2025-11-30' }, limit: 1 },
      {
        views: 7, events: 9, eventsByType: { page_view: 7, signup: 2 }, visits: 4, multiViewVisits: 1, visitMs: 125_000, visitViews: 6,
        pathViews: new Map([['/a', 3], ['/b', 4]]), uniqueUsers: 4,
      },
      'Europe/Berlin',
    );

    // Assess
    expect(body).toEqual({
      site_id: 's', timezone: 'Europe/Berlin', from: '2025-11-01', to: '2025-11-30', total_views: 7, unique_users: 4, total_events: 9,
      visits: 4, bounce_rate: 0.75, visit_duration_s: 31, views_per_visit: 1.5,
      events_by_type: { page_view: 7, signup: 2 }, top_paths: [{ path: '/b', views: 4 }],
    });
    expect(Object.keys(body)).toEqual([
      'site_id', 'timezone', 'from', 'to', 'total_views', 'unique_users', 'total_events',
      'visits', 'bounce_rate', 'visit_duration_s', 'views_per_visit', 'events_by_type', 'top_paths',
    ]);
  });
});
