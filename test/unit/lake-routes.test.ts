import { describe, expect, it, vi } from 'vitest';
import { HttpError } from '../../functions/commons/http.ts';
import { parseFilteredBreakdownQuery, parseFilteredStatsQuery, parseFilteredTimeseriesQuery, parseViewQuery } from '../../functions/domain/filtered-queries.ts';
import { LakeQueryTimeout, type LakeEngine } from '../../functions/domain/lake-query.ts';
import type { ParseResult } from '../../functions/domain/parse-result.ts';
import { visitFigures } from '../../functions/domain/visit-figures.ts';
import { lakeBreakdown, lakePropBreakdown, lakeStats, lakeTimeseries, lakeView } from '../../functions/stats/lake-reads.ts';
import { parsePropBreakdownQuery } from '../../functions/domain/prop-breakdown.ts';
import { DIMENSIONS } from '../../functions/domain/audience.ts';
import { lakeOfTests } from '../support/lake-fixture.ts';
import { kept, tally, tallyBreakdown, tallyBy, tallyPropBreakdown, workload } from '../support/lake-tally.ts';

const SITE = 'lake-routes';
const lines = workload(SITE, 33, { users: 250, firstDay: '2026-05-01', days: 10 });
const query = { site_id: SITE, from: '2026-05-02', to: '2026-05-08' };
const inRange = lines.filter(({ date }) => date >= query.from && date <= query.to);

const valueOf = <T>(parsed: ParseResult<T>): T => {
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
};

const lake = lakeOfTests(lines);

describe('the stats routes with filters', () => {
  const filters = 'source==google.com|bing.com;device!=tablet';
  const expected = () => {
    const parsed = valueOf(parseFilteredStatsQuery({ ...query, filters }));
    return kept(inRange, parsed.filters);
  };

  it('answer GET /stats from the lake with the figures of the kept events', async () => {
    const parsed = valueOf(parseFilteredStatsQuery({ ...query, filters, limit: '3' }));
    expect(parsed.fromLake).toBe(true);
    const body = await lakeStats(lake(), parsed, parsed.filters, 'UTC');
    const sum = tally(expected());
    const paths = [...sum.pathViews].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, 3);
    expect(body).toEqual({
      site_id: SITE,
      timezone: 'UTC',
      from: query.from,
      to: query.to,
      total_views: sum.views,
      unique_users: sum.users,
      total_events: sum.events,
      ...visitFigures(sum),
      events_by_type: sum.eventsByType,
      top_paths: paths.map(([path, views]) => ({ path, views })),
      answered_by: 'lake',
    });
    expect(sum.views).toBeGreaterThan(10);
  });

  it('answer GET /stats/breakdown a page at a time, past any top', async () => {
    const all = tallyBreakdown(expected(), 'entry_page');
    const first = valueOf(parseFilteredBreakdownQuery({ ...query, filters, dimension: 'entry_page', limit: '2' }));
    const second = valueOf(parseFilteredBreakdownQuery({ ...query, filters, dimension: 'entry_page', limit: '2', offset: '2' }));
    const pages = [await lakeBreakdown(lake(), first, first.filters, 'UTC'), await lakeBreakdown(lake(), second, second.filters, 'UTC')];
    expect(pages.map((page) => page.results)).toEqual([all.slice(0, 2), all.slice(2, 4)]);
    expect(pages[0]).toMatchObject({ site_id: SITE, timezone: 'UTC', dimension: 'entry_page', from: query.from, to: query.to, answered_by: 'lake' });
  });

  it('answer GET /stats/breakdown by a custom property a page at a time, with a filter on another', async () => {
    const propFilters = `${filters};prop:source button!=footer`;
    const parsed = valueOf(parsePropBreakdownQuery({ ...query, filters: propFilters, dimension: 'prop:plan', limit: '2', offset: '1' }));
    const body = await lakePropBreakdown(lake(), parsed, parsed.filters, 'UTC');
    const all = tallyPropBreakdown(kept(inRange, parsed.filters), 'plan');
    expect(all.length).toBeGreaterThan(2);
    expect(body).toEqual({ site_id: SITE, timezone: 'UTC', dimension: 'prop:plan', from: query.from, to: query.to, results: all.slice(1, 3), answered_by: 'lake' });
  });

  it('answer GET /stats\'s top paths a page at a time, the figures those of the whole', async () => {
    const paths = [...tally(expected()).pathViews].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([path, views]) => ({ path, views }));
    const first = valueOf(parseFilteredStatsQuery({ ...query, filters, limit: '2' }));
    const second = valueOf(parseFilteredStatsQuery({ ...query, filters, limit: '2', offset: '2' }));
    expect(second).toMatchObject({ offset: 2, fromLake: true });
    const [one, two] = [await lakeStats(lake(), first, first.filters, 'UTC'), await lakeStats(lake(), second, second.filters, 'UTC')];
    expect([one.top_paths, two.top_paths]).toEqual([paths.slice(0, 2), paths.slice(2, 4)]);
    expect({ ...two, top_paths: [] }).toEqual({ ...one, top_paths: [] });
    expect(paths.length).toBeGreaterThan(3);
  });

  it('answer GET /stats and a breakdown with an offset and no filters from the lake too', () => {
    expect(valueOf(parseFilteredStatsQuery({ ...query, offset: '100' }))).toMatchObject({ fromLake: true, offset: 100, filters: [] });
    expect(valueOf(parseFilteredStatsQuery(query))).toMatchObject({ fromLake: false, offset: 0 });
    expect(valueOf(parseFilteredBreakdownQuery({ ...query, dimension: 'os', offset: '100' }))).toMatchObject({ fromLake: true, offset: 100, filters: [] });
    expect(valueOf(parseFilteredBreakdownQuery({ ...query, dimension: 'os' }))).toMatchObject({ fromLake: false, offset: 0 });
  });

  it('answer GET /stats/timeseries by the day, every day of the range present', async () => {
    const parsed = valueOf(parseFilteredTimeseriesQuery({ ...query, filters }));
    const body = await lakeTimeseries(lake(), parsed, parsed.filters, 'UTC');
    const days = tallyBy(expected(), ({ date }) => date);
    expect(body).toMatchObject({ site_id: SITE, from: query.from, to: query.to, answered_by: 'lake' });
    expect('points' in body && body.points).toEqual(
      ['02', '03', '04', '05', '06', '07', '08'].map((day) => {
        const date = `2026-05-${day}`;
        const counts = days.get(date) ?? { views: 0, users: 0, events: 0, visits: 0 };
        return { date, views: counts.views, unique_users: counts.users, events: counts.events, visits: counts.visits };
      }),
    );
  });

  it('answer GET /stats/timeseries by the hour with the 24 hours of the day', async () => {
    const parsed = valueOf(parseFilteredTimeseriesQuery({ site_id: SITE, interval: 'hour', date: '2026-05-04', filters: 'country!=XX' }));
    const body = await lakeTimeseries(lake(), parsed, parsed.filters, 'UTC');
    const points = 'points' in body ? body.points : [];
    expect(points).toHaveLength(24);
    const day = kept(inRange.filter(({ date }) => date === '2026-05-04'), parsed.filters);
    expect(points.reduce((sum, point) => sum + point.events, 0)).toBe(day.length);
  });
});

describe('the filtered queries', () => {
  it.each([
    [{ ...query, filters: 'city==Berlin' }, 'filters', 'condition 1 "city==Berlin"'],
    [{ site_id: SITE, filters: 'os==linux' }, 'filters', 'needs a period'],
    [{ ...query, filters: '' }, 'filters', 'must not be empty'],
    [{ ...query, filters: 'os==a\\b', limit: 'x' }, 'filters', 'backslash'],
  ])('refuse %j, naming the bad parameter', (params, field, message) => {
    const parsed = parseFilteredStatsQuery(params);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues).toContainEqual({ field, message: expect.stringContaining(message) });
  });

  it.each([
    ['GET /stats', parseFilteredStatsQuery, {}],
    ['GET /stats/breakdown', parseFilteredBreakdownQuery, { dimension: 'os' }],
  ] as const)('refuse a bad offset and an offset of all time on %s', (_route, parse, params) => {
    for (const offset of ['-1', '100001', '1.5', 'x']) {
      const bad = parse({ ...query, ...params, offset });
      expect(bad.ok ? [] : bad.issues, offset).toEqual([{ field: 'offset', message: expect.stringContaining('whole number') }]);
    }
    const allTime = parse({ site_id: SITE, ...params, offset: '10' });
    expect(allTime.ok ? [] : allTime.issues).toEqual([{ field: 'offset', message: expect.stringContaining('needs a period') }]);
  });

  it('leave requests without filters to the counters', () => {
    expect(valueOf(parseFilteredStatsQuery({ site_id: SITE }))).toMatchObject({ fromLake: false, filters: [] });
    expect(valueOf(parseFilteredTimeseriesQuery(query))).toMatchObject({ fromLake: false });
  });
});

describe('GET /stats/view', () => {
  it.each([
    ['a range by the day', { ...query, interval: 'day' }],
    ['a range by the month', { ...query, interval: 'month' }],
    ['a day by the hour', { site_id: SITE, date: '2026-05-03', interval: 'hour' }],
  ])('answers %s as the routes answer it, in one query', async (_name, params) => {
    const filters = 'source!=bing.com;page~/';
    const view = valueOf(parseViewQuery({ ...params, filters, limit: '4' }));
    const run = vi.fn(lake().run);
    const body = await lakeView({ run }, view, view.filters, 'UTC');
    expect(run).toHaveBeenCalledTimes(1);
    const period = view.interval === 'hour' ? { date: view.date } : { from: query.from, to: query.to };
    const stats = valueOf(parseFilteredStatsQuery({ site_id: SITE, ...period, filters, limit: '4' }));
    const series = valueOf(parseFilteredTimeseriesQuery({ ...params, filters }));
    expect(body.stats).toEqual(await lakeStats(lake(), stats, stats.filters, 'UTC'));
    expect(body.timeseries).toEqual(await lakeTimeseries(lake(), series, series.filters, 'UTC'));
    for (const dimension of DIMENSIONS) {
      const breakdown = valueOf(parseFilteredBreakdownQuery({ site_id: SITE, ...period, filters, dimension, limit: '4' }));
      expect(body.breakdowns[dimension], dimension).toEqual((await lakeBreakdown(lake(), breakdown, breakdown.filters, 'UTC')).results);
    }
    expect(body).toMatchObject({ site_id: SITE, timezone: 'UTC', ...period, answered_by: 'lake' });
    expect(body.stats.total_views).toBeGreaterThan(0);
  });

  it('refuses what the time series refuses, and a bad limit, naming each', () => {
    const parsed = parseViewQuery({ site_id: SITE, interval: 'hour', from: query.from, to: query.to, limit: '500' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues.map((issue) => issue.field).sort()).toEqual(['date', 'from', 'limit', 'to']);
  });
});

describe('a lake query past its limit', () => {
  it('is a 503 lake_timeout with a clear message', async () => {
    const slow: LakeEngine = { run: () => Promise.reject(new LakeQueryTimeout(20_000)) };
    const parsed = valueOf(parseFilteredStatsQuery({ ...query, filters: 'os==linux' }));
    const failure = await lakeStats(slow, parsed, parsed.filters, 'UTC').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HttpError);
    expect(failure).toMatchObject({ statusCode: 503, code: 'lake_timeout', message: expect.stringContaining('20000 ms') });
  });
});

describe('the lake engine of the stats function', () => {
  it('is a 503 lake_unavailable, not a crash, where LAKE_WORKGROUP and LAKE_DATABASE are not set', async () => {
    vi.stubEnv('LAKE_WORKGROUP', '');
    vi.stubEnv('LAKE_DATABASE', '');
    try {
      const { lakeEngine } = await import('../../functions/stats/lake-engine.ts');
      expect(() => lakeEngine()).toThrow(expect.objectContaining({ statusCode: 503, code: 'lake_unavailable', message: expect.stringContaining('LAKE_WORKGROUP') }));
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
