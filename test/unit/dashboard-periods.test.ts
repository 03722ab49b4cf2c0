import { describe, expect, it } from 'vitest';
import { chartQuery, isDay, lengthInDays, previousRange, rangeOf, rangeQuery, todayIn, type PeriodId } from '../../web/dashboard/periods.ts';
import { change, toCsv } from '../../web/dashboard/format.ts';

describe('the dashboard periods', () => {
  it.each<[PeriodId, string, { from: string; to: string }]>([
    ['today', '2026-03-15', { from: '2026-03-15', to: '2026-03-15' }],
    ['yesterday', '2026-03-01', { from: '2026-02-28', to: '2026-02-28' }],
    ['7d', '2026-03-03', { from: '2026-02-25', to: '2026-03-03' }],
    ['30d', '2026-03-30', { from: '2026-03-01', to: '2026-03-30' }],
    ['month', '2026-03-15', { from: '2026-03-01', to: '2026-03-15' }],
    ['last-month', '2026-03-15', { from: '2026-02-01', to: '2026-02-28' }],
    ['last-month', '2026-01-10', { from: '2025-12-01', to: '2025-12-31' }],
    ['12m', '2026-03-15', { from: '2025-04-01', to: '2026-03-15' }],
    ['12m', '2026-01-01', { from: '2025-02-01', to: '2026-01-01' }],
    ['12m', '2028-02-29', { from: '2027-03-01', to: '2028-02-29' }],
  ])('%s on %s is %j', (period, today, range) => {
    expect(rangeOf(period, today)).toEqual(range);
  });

  it('takes a custom range of real days, first not after last, at most 366 days', () => {
    expect(rangeOf('custom', '2026-03-15', { from: '2026-01-01', to: '2026-01-31' })).toEqual({ from: '2026-01-01', to: '2026-01-31' });
    expect(rangeOf('custom', '2026-03-15', { from: '2026-02-01', to: '2026-01-31' })).toBeUndefined();
    expect(rangeOf('custom', '2026-03-15', { from: '2026-02-30', to: '2026-03-01' })).toBeUndefined();
    expect(rangeOf('custom', '2026-03-15', { from: '2025-01-01', to: '2026-01-02' })).toBeUndefined();
    expect(rangeOf('custom', '2026-03-15', { from: '2024-01-01', to: '2024-12-31' })).toEqual({ from: '2024-01-01', to: '2024-12-31' });
    expect(rangeOf('custom', '2026-03-15')).toBeUndefined();
  });

  it('compares a period with the days of the same length just before it', () => {
    expect(previousRange({ from: '2026-03-01', to: '2026-03-30' })).toEqual({ from: '2026-01-30', to: '2026-02-28' });
    expect(previousRange({ from: '2026-03-01', to: '2026-03-01' })).toEqual({ from: '2026-02-28', to: '2026-02-28' });
    expect(lengthInDays(previousRange({ from: '2025-03-16', to: '2026-03-15' }))).toBe(365);
  });

  it('compares the last 12 months with the same days a year earlier', () => {
    expect(previousRange({ from: '2025-04-01', to: '2026-03-15' }, '12m')).toEqual({ from: '2024-04-01', to: '2025-03-15' });
    expect(previousRange({ from: '2027-03-01', to: '2028-02-29' }, '12m')).toEqual({ from: '2026-03-01', to: '2027-02-28' });
  });

  it('charts one day by the hour, up to 92 days by the day, longer ranges by the month', () => {
    expect(chartQuery({ from: '2026-03-01', to: '2026-03-01' })).toEqual({ interval: 'hour', date: '2026-03-01' });
    expect(chartQuery({ from: '2026-01-01', to: '2026-04-02' })).toEqual({ interval: 'day', from: '2026-01-01', to: '2026-04-02' });
    expect(chartQuery({ from: '2026-01-01', to: '2026-04-03' })).toEqual({ interval: 'month', from: '2026-01-01', to: '2026-04-03' });
  });

  it('asks the API for one day with date, for a range with from and to', () => {
    expect(rangeQuery({ from: '2026-03-01', to: '2026-03-01' })).toEqual({ date: '2026-03-01' });
    expect(rangeQuery({ from: '2026-03-01', to: '2026-03-02' })).toEqual({ from: '2026-03-01', to: '2026-03-02' });
  });

  it("finds today in the site's time zone", () => {
    const now = new Date('2026-03-15T23:30:00Z');
    expect(todayIn('UTC', now)).toBe('2026-03-15');
    expect(todayIn('Europe/Berlin', now)).toBe('2026-03-16');
    expect(todayIn('America/New_York', now)).toBe('2026-03-15');
    expect(isDay('2026-02-29')).toBe(false);
  });
});

describe('the dashboard CSV and changes', () => {
  it('writes RFC 4180 CSV, quoting fields with commas, quotes or line breaks', () => {
    expect(toCsv(['value', 'views'], [['/a,b', 2], ['say "hi"', 1], ['plain', 0]])).toBe('value,views\r\n"/a,b",2\r\n"say ""hi""",1\r\nplain,0\r\n');
  });

  it('gives the change as a share of the previous value, none from nothing', () => {
    expect(change(15, 10)).toBe(0.5);
    expect(change(5, 10)).toBe(-0.5);
    expect(change(3, 0)).toBeUndefined();
  });
});
