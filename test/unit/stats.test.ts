import { describe, expect, it } from 'vitest';
import { parseStatsQuery, shapeStats, topPaths } from '../../functions/domain/stats.ts';

describe('parseStatsQuery', () => {
  it('defaults to all time and a limit of 10', () => {
    expect(parseStatsQuery({ site_id: 'site-abc-123' })).toEqual({
      ok: true,
      value: { siteId: 'site-abc-123', date: null, limit: 10 },
    });
  });

  it('reads a date and a limit', () => {
    expect(parseStatsQuery({ site_id: 's', date: '2024-02-29', limit: '100' })).toEqual({
      ok: true,
      value: { siteId: 's', date: '2024-02-29', limit: 100 },
    });
  });

  it.each([
    ['site_id', {}],
    ['site_id', { site_id: '' }],
    ['site_id', { site_id: 'a b' }],
    ['date', { site_id: 's', date: '2025-02-29' }],
    ['date', { site_id: 's', date: '2025-13-01' }],
    ['date', { site_id: 's', date: '12-11-2025' }],
    ['limit', { site_id: 's', limit: '0' }],
    ['limit', { site_id: 's', limit: '101' }],
    ['limit', { site_id: 's', limit: '1.5' }],
    ['limit', { site_id: 's', limit: 'ten' }],
  ])('rejects a bad %s: %j', (field, params) => {
    const result = parseStatsQuery(params);
    expect(!result.ok && result.issues.map((i) => i.field)).toEqual([field]);
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
    const body = shapeStats(
      { siteId: 's', date: '2025-11-12', limit: 10 },
      { views: 0, events: 0, eventsByType: {}, pathViews: new Map(), uniqueUsers: 0 },
    );
    expect(body).toEqual({
      site_id: 's', date: '2025-11-12', total_views: 0, unique_users: 0, total_events: 0, events_by_type: {}, top_paths: [],
    });
  });
});
