import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIMENSIONS } from '../../functions/domain/audience.ts';
import { FILTER_OPERATORS, parseFilters, type Filter, type FilterDimension } from '../../functions/domain/filters.ts';
import { lakeBreakdownRows, lakeBucketTotals, lakeHourCounts, lakeScopeStats } from '../../functions/domain/lake-answers.ts';
import { breakdownQuery, figuresQuery, timeseriesQuery } from '../../functions/domain/lake-sql.ts';
import { hoursOfLocalDay, localDate } from '../../functions/domain/time-zones.ts';
import { duckDbLake, type DatedRecord } from '../support/duckdb-lake.ts';
import { filtersOf, lakeOfTests } from '../support/lake-fixture.ts';
import { COUNTRIES, DEVICES, kept, localHourOf, PATHS, PLANS, SOURCES, tally, tallyBreakdown, tallyBy, workload } from '../support/lake-tally.ts';

const SITE = 'lake-sql';
const RANGE = { from: '2026-03-03', to: '2026-04-05' };
const lines = workload(SITE, 20, { users: 400, firstDay: '2026-03-01', days: 40 });
// Another site's events in the same lake: no query of SITE may count them.
const neighbours = workload('lake-sql-other', 21, { users: 40, firstDay: '2026-03-01', days: 40 });
const inRange = lines.filter(({ date }) => date >= RANGE.from && date <= RANGE.to);

/** Single and combined conditions, `!=`, `~`, alternatives and escaped values. */
const CASES = [
  '',
  'source==google.com',
  'source!=google.com',
  'country==DE|FR',
  'page~/blog',
  'source==google.com;device==mobile',
  'event_type==signup',
  'entry_page==/pricing;country!=XX',
  'source==a\\;b\\|c\\\\d',
  'utm_campaign~x~y',
  'page~docs|pricing;source!=(direct)|bing.com',
  'page==/docs\\;c|/docs/a\\|b;browser!=Safari;os==Linux|iOS',
  'utm_medium==cpc;source==bing.com;device==tablet;country==US',
  'goal==event:signup',
  'goal!=page:/blog*',
  'goal==event:purchase|page:/docs*;source!=bing.com',
];

const lake = lakeOfTests([...lines, ...neighbours]);

describe.each(CASES)('the lake with filters "%s"', (text) => {
  const filters = filtersOf(text);
  const expected = kept(inRange, filters);

  it('gives the figures a tally of the kept events gives', async () => {
    const stats = lakeScopeStats(await lake().run(figuresQuery(SITE, RANGE, filters, 100)));
    const sum = tally(expected);
    expect(expected.length).toBeGreaterThan(text.includes(';') ? 0 : 5);
    expect({ ...stats, eventsByType: { ...stats.eventsByType } }).toEqual({
      views: sum.views,
      events: sum.events,
      uniqueUsers: sum.users,
      visits: sum.visits,
      multiViewVisits: sum.multiViewVisits,
      visitMs: sum.visitMs,
      visitViews: sum.visitViews,
      eventsByType: sum.eventsByType,
      pathViews: sum.pathViews,
    });
  });

  it('gives the top paths first, at most as many as asked', async () => {
    const stats = lakeScopeStats(await lake().run(figuresQuery(SITE, RANGE, filters, 2)));
    const top = [...tally(expected).pathViews].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, 2);
    expect([...stats.pathViews]).toEqual(top);
  });

  it('gives the paths past an offset a page at a time, the figures unchanged', async () => {
    const all = [...tally(expected).pathViews].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
    const figuresOf = async (paths: number, offset?: number) => {
      const { pathViews, eventsByType, ...figures } = lakeScopeStats(await lake().run(figuresQuery(SITE, RANGE, filters, paths, offset)));
      return { paths: [...pathViews], figures: { ...figures, eventsByType: { ...eventsByType } } };
    };
    const whole = await figuresOf(0);
    for (const offset of [1, 3, all.length]) {
      const page = await figuresOf(2, offset);
      expect(page.paths).toEqual(all.slice(offset, offset + 2));
      expect(page.figures).toEqual(whole.figures);
    }
  });

  it('gives every dimension\'s breakdown, paged, as the tally orders it', async () => {
    for (const dimension of DIMENSIONS) {
      const all = tallyBreakdown(expected, dimension);
      expect(lakeBreakdownRows(await lake().run(breakdownQuery(SITE, RANGE, filters, dimension, { offset: 0, limit: 1000 })))).toEqual(all);
      expect(lakeBreakdownRows(await lake().run(breakdownQuery(SITE, RANGE, filters, dimension, { offset: 1, limit: 2 })))).toEqual(all.slice(1, 3));
    }
  });

  it('gives the time series by the day and by the month', async () => {
    const days = lakeBucketTotals(await lake().run(timeseriesQuery(SITE, RANGE, filters, { by: 'day' })));
    const months = lakeBucketTotals(await lake().run(timeseriesQuery(SITE, RANGE, filters, { by: 'month' })));
    const asPoints = (map: ReturnType<typeof tallyBy>) =>
      new Map([...map].map(([key, { views, events, visits, users }]) => [key, { views, events, visits, uniqueUsers: users }]));
    expect(days).toEqual(asPoints(tallyBy(expected, ({ date }) => date)));
    expect(months).toEqual(asPoints(tallyBy(expected, ({ date }) => date.slice(0, 7))));
  });
});

/** Values each dimension has in the workload, and some it never has, whole or in part. */
const VALUES: Partial<Record<FilterDimension, readonly string[]>> = {
  page: [...PATHS, '/blog', 'docs', '/none'],
  entry_page: [...PATHS, '/'],
  source: [...SOURCES, 'google', 'nowhere.example'],
  country: [...COUNTRIES, 'D'],
  device: [...DEVICES, 'phone'],
  event_type: ['page_view', 'signup', 'click', 'purchase', 'view'],
  utm_campaign: ['(none)', 'spring', 'x~y', 'spr'],
  'prop:plan': [...PLANS, 'pr', 'none'],
};

const randomFilter: fc.Arbitrary<Filter> = fc
  .constantFrom(...(Object.keys(VALUES) as FilterDimension[]))
  .chain((dimension) =>
    fc.record({
      dimension: fc.constant(dimension),
      operator: fc.constantFrom(...FILTER_OPERATORS),
      values: fc.uniqueArray(fc.constantFrom(...VALUES[dimension]!), { minLength: 1, maxLength: 3 }),
    }),
  );

describe('the lake with any filters', () => {
  it('gives the figures and a breakdown a tally of the kept events gives', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(randomFilter, { minLength: 1, maxLength: 3 }), async (filters) => {
        const expected = kept(inRange, filters);
        const sum = tally(expected);
        const stats = lakeScopeStats(await lake().run(figuresQuery(SITE, RANGE, filters, 0)));
        expect([stats.events, stats.views, stats.uniqueUsers, stats.visits, stats.visitMs]).toEqual([sum.events, sum.views, sum.users, sum.visits, sum.visitMs]);
        const rows = lakeBreakdownRows(await lake().run(breakdownQuery(SITE, RANGE, filters, 'source', { offset: 0, limit: 100 })));
        expect(rows).toEqual(tallyBreakdown(expected, 'source'));
      }),
      { numRuns: 60 },
    );
  });
});

describe('the lake by the hour', () => {
  it.each(['UTC', 'Europe/Berlin', 'Asia/Kathmandu'])('gives the hours of a local day (clocks change in Berlin) in %s', async (zone) => {
    const site = `hours-${zone.replace('/', '.')}`;
    const local: DatedRecord[] = lines.map(({ record }) => ({ date: localDate(record.timestamp, zone), record: { ...record, site_id: site } }));
    const hourLake = await duckDbLake(local, 1);
    try {
      const day = '2026-03-29';
      const hourStarts = hoursOfLocalDay(day, zone).map(({ start }) => new Date(start).toISOString());
      for (const text of ['', 'source==google.com|bing.com', 'device!=mobile;page~/']) {
        const filters = filtersOf(text);
        const rows = await hourLake.run(timeseriesQuery(site, { from: day, to: day }, filters, { by: 'hour', hourStarts }));
        const expected = tallyBy(kept(local.filter(({ date }) => date === day), filters), (line) => String(localHourOf(line, zone)));
        expect(lakeHourCounts(rows)).toEqual(new Map([...expected].map(([hour, { views, events, visits }]) => [Number(hour), { views, events, visits }])));
      }
    } finally {
      await hourLake.close();
    }
  });
});

describe('the lake queries', () => {
  it('bind every value a client sent and name the site\'s and range\'s partitions', () => {
    const filters = filtersOf("source==google.com'\\;DROP TABLE events\\;--|x");
    for (const query of [
      figuresQuery(SITE, RANGE, filters, 10),
      figuresQuery(SITE, RANGE, filters, 10, 20),
      timeseriesQuery(SITE, RANGE, filters, { by: 'day' }),
      breakdownQuery(SITE, RANGE, filters, 'country', { offset: 5, limit: 10 }),
    ]) {
      expect(query.sql).toContain('site_id = ? AND "date" BETWEEN ? AND ?');
      expect(query.sql).not.toContain('google.com');
      expect(query.sql).not.toContain(SITE);
      expect(query.sql).not.toContain(RANGE.from);
      expect(query.params.slice(0, 3)).toEqual([SITE, RANGE.from, RANGE.to]);
      expect(query.params).toContain("google.com';DROP TABLE events;--");
      expect(query.sql.split('?').length - 1).toBe(query.params.length);
    }
  });

  it('answer zeros for a range without events', async () => {
    const stats = lakeScopeStats(await lake().run(figuresQuery(SITE, { from: '2020-01-01', to: '2020-01-02' }, [], 10)));
    expect(stats).toMatchObject({ views: 0, events: 0, uniqueUsers: 0, visits: 0, visitMs: 0 });
    expect(await lake().run(timeseriesQuery(SITE, { from: '2020-01-01', to: '2020-01-02' }, [], { by: 'day' }))).toEqual([]);
  });
});
