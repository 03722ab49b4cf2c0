import { describe, expect, it } from 'vitest';
import { DIMENSIONS } from '../../functions/domain/audience.ts';
import { lakeBreakdownRows, lakeBucketTotals, lakeHourCounts, lakeScopeStats, scopeStatsOf } from '../../functions/domain/lake-answers.ts';
import { breakdownQuery, countOf, figuresQuery, timeseriesQuery, type Bucketing } from '../../functions/domain/lake-sql.ts';
import { itemOf, viewQuery, viewRows } from '../../functions/domain/lake-view.ts';
import { hoursOfLocalDay } from '../../functions/domain/time-zones.ts';
import { filtersOf, lakeOfTests } from '../support/lake-fixture.ts';
import { workload } from '../support/lake-tally.ts';

// GET /stats/view's one query gives, part by part, what the routes' own queries give (each of
// which lake-sql.test.ts checks against a tally of the events).
const SITE = 'lake-view';
const RANGE = { from: '2026-03-03', to: '2026-04-05' };
const DAY = '2026-03-29';
const lines = [...workload(SITE, 30, { users: 300, firstDay: '2026-03-01', days: 40 }), ...workload('lake-view-other', 31, { users: 30, firstDay: '2026-03-01', days: 40 })];

const lake = lakeOfTests(lines);

const BUCKETINGS: [string, Bucketing, { from: string; to: string }][] = [
  ['day', { by: 'day' }, RANGE],
  ['month', { by: 'month' }, RANGE],
  ['hour', { by: 'hour', hourStarts: hoursOfLocalDay(DAY, 'UTC').map(({ start }) => new Date(start).toISOString()) }, { from: DAY, to: DAY }],
];

describe.each(['', 'source==google.com', 'country!=DE;page~/', 'device==mobile|tablet;event_type==page_view'])('the view with filters "%s"', (text) => {
  const filters = filtersOf(text);

  it.each(BUCKETINGS)('gives the figures, top paths, chart and breakdowns of the routes\' queries, by the %s', async (_, bucketing, range) => {
    const rows = 7;
    const view = viewRows(await lake().run(viewQuery(SITE, range, filters, bucketing, rows)));
    const stats = scopeStatsOf(
      view.total,
      view.types.map((row) => [itemOf(row), countOf(row, 'events')]),
      view.paths.map((row) => [itemOf(row), countOf(row, 'views')]),
    );
    expect(stats).toEqual(lakeScopeStats(await lake().run(figuresQuery(SITE, range, filters, rows))));
    if (bucketing.by !== 'hour') expect(stats.views).toBeGreaterThan(0);
    const series = await lake().run(timeseriesQuery(SITE, range, filters, bucketing));
    if (bucketing.by === 'hour') expect(lakeHourCounts(view.buckets, 'item')).toEqual(lakeHourCounts(series));
    else expect(lakeBucketTotals(view.buckets, 'item')).toEqual(lakeBucketTotals(series));
    for (const dimension of DIMENSIONS) {
      const expected = lakeBreakdownRows(await lake().run(breakdownQuery(SITE, range, filters, dimension, { offset: 0, limit: rows })));
      expect(lakeBreakdownRows(view.dimensions[dimension]), dimension).toEqual(expected);
    }
  });
});

describe('the view query', () => {
  it('with no rows asked gives the figures and the chart only', async () => {
    const view = viewRows(await lake().run(viewQuery(SITE, RANGE, [], { by: 'day' }, 0)));
    expect(view.total && countOf(view.total, 'events')).toBeGreaterThan(0);
    expect(view.buckets.length).toBe(34);
    expect(view.paths).toEqual([]);
    for (const dimension of DIMENSIONS) expect(view.dimensions[dimension]).toEqual([]);
  });

  it('binds every value a client sent and names the site\'s and range\'s partitions', () => {
    const query = viewQuery(SITE, RANGE, filtersOf("source==google.com'\\;DROP TABLE events\\;--|x"), { by: 'day' }, 10);
    expect(query.sql).toContain('site_id = ? AND "date" BETWEEN ? AND ?');
    expect(query.sql).not.toContain('google.com');
    expect(query.params.slice(0, 3)).toEqual([SITE, RANGE.from, RANGE.to]);
    expect(query.sql.split('?').length - 1).toBe(query.params.length);
  });
});
