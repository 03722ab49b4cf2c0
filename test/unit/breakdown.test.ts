import { describe, expect, it } from 'vitest';
import { DIMENSIONS } from '../../functions/domain/audience.ts';
import {
  addValueCounts,
  breakdownAgreement,
  parseBreakdownQuery,
  shapeBreakdown,
  topValues,
  type ValueCounts,
} from '../../functions/domain/breakdown.ts';

const fieldsOf = (result: ReturnType<typeof parseBreakdownQuery>) => (result.ok ? [] : result.issues.map((issue) => issue.field).sort());
const counts = (entries: Array<[string, number, number]>) => new Map(entries.map(([value, visits, views]) => [value, { visits, views }]));

describe('parseBreakdownQuery', () => {
  it.each(DIMENSIONS)('reads the dimension %s, all time and a limit of 10 by default', (dimension) => {
    expect(parseBreakdownQuery({ site_id: 's', dimension })).toEqual({
      ok: true,
      value: { siteId: 's', period: { kind: 'all' }, limit: 10, dimension },
    });
  });

  it('reads a day, a range and a limit as GET /stats does', () => {
    expect(parseBreakdownQuery({ site_id: 's', dimension: 'country', date: '2026-03-29', limit: '100' })).toEqual({
      ok: true,
      value: { siteId: 's', period: { kind: 'day', date: '2026-03-29' }, limit: 100, dimension: 'country' },
    });
    expect(parseBreakdownQuery({ site_id: 's', dimension: 'source', from: '2025-11-01', to: '2025-11-30', limit: '3' })).toEqual({
      ok: true,
      value: { siteId: 's', period: { kind: 'range', from: '2025-11-01', to: '2025-11-30' }, limit: 3, dimension: 'source' },
    });
  });

  it('rejects a missing dimension, naming it and its values', () => {
    expect(parseBreakdownQuery({ site_id: 's' })).toEqual({
      ok: false,
      issues: [{ field: 'dimension', message: 'is required: one of source, utm_medium, utm_campaign, entry_page, country, device, browser, os, or prop:<key> (a custom property)' }],
    });
  });

  it.each(['path', 'Country', '', 'utm_source', 'source '])('rejects the dimension %j', (dimension) => {
    expect(parseBreakdownQuery({ site_id: 's', dimension })).toEqual({
      ok: false,
      issues: [{ field: 'dimension', message: 'must be one of source, utm_medium, utm_campaign, entry_page, country, device, browser, os, or prop:<key> (a custom property)' }],
    });
  });

  it.each([
    [['limit'], { site_id: 's', dimension: 'os', limit: '101' }],
    [['to'], { site_id: 's', dimension: 'os', from: '2024-01-01', to: '2025-01-01' }],
    [['date'], { site_id: 's', dimension: 'os', date: '2025-11-01', from: '2025-11-01', to: '2025-11-02' }],
    [['dimension', 'site_id'], { dimension: 'nope' }],
    [['date', 'dimension'], { site_id: 's', date: '2025-02-30' }],
  ])('reports every bad parameter: %j for %j', (fields, params) => {
    expect(fieldsOf(parseBreakdownQuery(params))).toEqual(fields);
  });
});

describe('topValues', () => {
  it('orders by visits, then views (descending), then value (ascending), and applies the limit', () => {
    const values = counts([
      ['b.example', 3, 10],
      ['a.example', 3, 10],
      ['(direct)', 5, 6],
      ['c.example', 3, 12],
      ['d.example', 0, 40],
    ]);
    expect(topValues(values, 4)).toEqual([
      { value: '(direct)', visits: 5, views: 6 },
      { value: 'c.example', visits: 3, views: 12 },
      { value: 'a.example', visits: 3, views: 10 },
      { value: 'b.example', visits: 3, views: 10 },
    ]);
    expect(topValues(values, 100).at(-1)).toEqual({ value: 'd.example', visits: 0, views: 40 });
  });

  it('leaves out values with neither visits nor views', () => {
    expect(topValues(counts([['US', 0, 0], ['DE', 0, 1], ['JP', 1, 0]]), 10)).toEqual([
      { value: 'JP', visits: 1, views: 0 },
      { value: 'DE', visits: 0, views: 1 },
    ]);
  });
});

describe('addValueCounts', () => {
  it('sums the days of a range without changing what it adds', () => {
    // Prepare
    const day1 = counts([['US', 2, 5], ['DE', 1, 1]]);
    const day2 = counts([['US', 1, 2], ['JP', 1, 3]]);
    const sum = new Map<string, ValueCounts>();

    // Act
    addValueCounts(sum, day1);
    addValueCounts(sum, day2);

    // Assess
    expect(sum).toEqual(counts([['US', 3, 7], ['DE', 1, 1], ['JP', 1, 3]]));
    expect(day1.get('US')).toEqual({ visits: 2, views: 5 });
  });
});

describe('breakdownAgreement', () => {
  const totals = { visits: 3, visitViews: 7 };

  it('checks a visit dimension against visits and the page views of visits', () => {
    expect(breakdownAgreement(counts([['(direct)', 2, 4], ['news', 1, 3]]), 'source', totals)).toBe('agrees');
    expect(breakdownAgreement(counts([['(direct)', 2, 4], ['news', 1, 2]]), 'source', totals)).toBe('behind');
    expect(breakdownAgreement(counts([['(direct)', 2, 4]]), 'source', totals)).toBe('behind');
    expect(breakdownAgreement(counts([['(direct)', 3, 5], ['news', 1, 3]]), 'source', totals)).toBe('ahead');
  });

  it('checks an audience dimension against visits only (page views counted before audiences have none)', () => {
    expect(breakdownAgreement(counts([['US', 2, 2], ['DE', 1, 1]]), 'country', totals)).toBe('agrees');
    expect(breakdownAgreement(counts([['US', 2, 2]]), 'country', totals)).toBe('behind');
    expect(breakdownAgreement(new Map(), 'device', { visits: 0, visitViews: 0 })).toBe('agrees');
  });
});

describe('shapeBreakdown', () => {
  const values = counts([['mobile', 1, 2], ['desktop', 4, 9], ['tablet', 0, 0]]);

  it('names the site, its zone, the dimension and the day, then the values', () => {
    const body = shapeBreakdown({ siteId: 's', period: { kind: 'day', date: '2026-03-29' }, limit: 10, dimension: 'device' }, values, 'Europe/Berlin');
    expect(body).toEqual({
      site_id: 's',
      timezone: 'Europe/Berlin',
      dimension: 'device',
      date: '2026-03-29',
      results: [
        { value: 'desktop', visits: 4, views: 9 },
        { value: 'mobile', visits: 1, views: 2 },
      ],
    });
    expect(Object.keys(body)).toEqual(['site_id', 'timezone', 'dimension', 'date', 'results']);
  });

  it('answers all time with "date": null and a range with from and to', () => {
    expect(shapeBreakdown({ siteId: 's', period: { kind: 'all' }, limit: 1, dimension: 'device' }, values, 'UTC')).toEqual({
      site_id: 's',
      timezone: 'UTC',
      dimension: 'device',
      date: null,
      results: [{ value: 'desktop', visits: 4, views: 9 }],
    });
    expect(
      shapeBreakdown({ siteId: 's', period: { kind: 'range', from: '2025-11-01', to: '2025-11-02' }, limit: 10, dimension: 'os' }, new Map(), 'UTC'),
    ).toEqual({ site_id: 's', timezone: 'UTC', dimension: 'os', from: '2025-11-01', to: '2025-11-02', results: [] });
  });
});
