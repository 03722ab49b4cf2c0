import { describe, expect, it } from 'vitest';
import { parseTimeseriesQuery, shapeHourlyTimeseries, shapeMonthlyTimeseries, shapeTimeseries } from '../../functions/domain/timeseries.ts';

const fieldsOf = (result: ReturnType<typeof parseTimeseriesQuery>) => (result.ok ? [] : result.issues.map((issue) => issue.field).sort());

describe('parseTimeseriesQuery', () => {
  it('reads a site and a range, by the day unless told otherwise', () => {
    const expected = { ok: true, value: { interval: 'day', siteId: 's', range: { from: '2025-11-01', to: '2025-11-03' } } };
    expect(parseTimeseriesQuery({ site_id: 's', from: '2025-11-01', to: '2025-11-03' })).toEqual(expected);
    expect(parseTimeseriesQuery({ site_id: 's', from: '2025-11-01', to: '2025-11-03', interval: 'day' })).toEqual(expected);
  });

  it('reads a site and a range by the month', () => {
    expect(parseTimeseriesQuery({ site_id: 's', from: '2025-01-15', to: '2025-12-31', interval: 'month' })).toEqual({
      ok: true,
      value: { interval: 'month', siteId: 's', range: { from: '2025-01-15', to: '2025-12-31' } },
    });
    expect(fieldsOf(parseTimeseriesQuery({ site_id: 's', date: '2025-11-01', interval: 'month' }))).toEqual(['date']);
    expect(fieldsOf(parseTimeseriesQuery({ site_id: 's', from: '2024-01-01', to: '2025-01-01', interval: 'month' }))).toEqual(['to']);
  });

  it('reads a site and one day by the hour', () => {
    expect(parseTimeseriesQuery({ site_id: 's', date: '2026-03-29', interval: 'hour' })).toEqual({
      ok: true,
      value: { interval: 'hour', siteId: 's', date: '2026-03-29' },
    });
  });

  it.each([
    [['from', 'to'], { site_id: 's' }],
    [['to'], { site_id: 's', from: '2025-11-01' }],
    [['from'], { site_id: 's', to: '2025-11-01' }],
    [['date'], { site_id: 's', date: '2025-11-01', from: '2025-11-01', to: '2025-11-02' }],
    [['date'], { site_id: 's', date: '2025-11-01', interval: 'day' }],
    [['to'], { site_id: 's', from: '2025-11-02', to: '2025-11-01' }],
    [['to'], { site_id: 's', from: '2025-01-01', to: '2026-01-02' }],
    [['from'], { site_id: 's', from: '2023-02-29', to: '2023-03-01' }],
    [['site_id'], { from: '2025-11-01', to: '2025-11-02' }],
  ])('by the day, rejects %j for %j', (fields, params) => {
    expect(fieldsOf(parseTimeseriesQuery(params))).toEqual(fields);
  });

  it.each([
    [['date'], { site_id: 's', interval: 'hour' }],
    [['date', 'from', 'to'], { site_id: 's', interval: 'hour', from: '2025-11-01', to: '2025-11-02' }],
    [['from'], { site_id: 's', interval: 'hour', date: '2025-11-01', from: '2025-11-01' }],
    [['date'], { site_id: 's', interval: 'hour', date: '2025-02-29' }],
    [['site_id'], { interval: 'hour', date: '2025-11-01' }],
  ])('by the hour, rejects %j for %j', (fields, params) => {
    expect(fieldsOf(parseTimeseriesQuery(params))).toEqual(fields);
  });

  it('names the field and what it takes', () => {
    expect(parseTimeseriesQuery({ site_id: 's', interval: 'hour', from: '2025-11-01', to: '2025-11-02' })).toEqual({
      ok: false,
      issues: [
        { field: 'date', message: 'is required with interval=hour' },
        { field: 'from', message: 'is not accepted with interval=hour: give date' },
        { field: 'to', message: 'is not accepted with interval=hour: give date' },
      ],
    });
  });

  it.each(['week', 'HOUR', '', 'minute'])('rejects the interval %j', (interval) => {
    expect(parseTimeseriesQuery({ site_id: 's', date: '2025-11-01', interval })).toEqual({
      ok: false,
      issues: [{ field: 'interval', message: 'must be one of day, month, hour' }],
    });
  });
});

describe('shapeMonthlyTimeseries', () => {
  it('gives one point per calendar month the range touches, clipped to the range, with zeros for months without data', () => {
    // Act
    const body = shapeMonthlyTimeseries(
      { siteId: 's', range: { from: '2025-11-15', to: '2026-02-03' } },
      new Map([
        ['2026-02', { views: 4, events: 5, visits: 2, uniqueUsers: 2 }],
        ['2025-11', { views: 9, events: 9, visits: 4, uniqueUsers: 3 }],
      ]),
      'UTC',
    );

    // Assess
    expect(body).toEqual({
      site_id: 's',
      timezone: 'UTC',
      from: '2025-11-15',
      to: '2026-02-03',
      points: [
        { month: '2025-11', from: '2025-11-15', to: '2025-11-30', views: 9, unique_users: 3, events: 9, visits: 4 },
        { month: '2025-12', from: '2025-12-01', to: '2025-12-31', views: 0, unique_users: 0, events: 0, visits: 0 },
        { month: '2026-01', from: '2026-01-01', to: '2026-01-31', views: 0, unique_users: 0, events: 0, visits: 0 },
        { month: '2026-02', from: '2026-02-01', to: '2026-02-03', views: 4, unique_users: 2, events: 5, visits: 2 },
      ],
    });
  });
});

describe('shapeTimeseries', () => {
  it('gives one point per day in order, with zeros for days without data', () => {
    // Act
    const body = shapeTimeseries(
      { siteId: 's', range: { from: '2025-11-29', to: '2025-12-02' } },
      new Map([
        ['2025-12-01', { views: 5, events: 6, visits: 3, uniqueUsers: 2 }],
        ['2025-11-29', { views: 1, events: 1, visits: 0, uniqueUsers: 1 }],
      ]),
      'America/New_York',
    );

    // Assess
    expect(body).toEqual({
      site_id: 's',
      timezone: 'America/New_York',
      from: '2025-11-29',
      to: '2025-12-02',
      points: [
        { date: '2025-11-29', views: 1, unique_users: 1, events: 1, visits: 0 },
        { date: '2025-11-30', views: 0, unique_users: 0, events: 0, visits: 0 },
        { date: '2025-12-01', views: 5, unique_users: 2, events: 6, visits: 3 },
        { date: '2025-12-02', views: 0, unique_users: 0, events: 0, visits: 0 },
      ],
    });
  });
});

describe('shapeHourlyTimeseries', () => {
  const hourly = (date: string, timeZone: string, hours: Map<number, { views: number; visits: number; events: number }> = new Map()) =>
    shapeHourlyTimeseries({ interval: 'hour', siteId: 's', date }, hours, timeZone);

  it('gives the 24 hours of a day in order, each counted hour in its place, zeros for the others', () => {
    // Act
    const body = hourly('2025-11-12', 'UTC', new Map([[0, { views: 2, visits: 1, events: 3 }], [23, { views: 1, visits: 1, events: 1 }]]));

    // Assess
    expect(body).toMatchObject({ site_id: 's', timezone: 'UTC', date: '2025-11-12' });
    expect(body.points).toHaveLength(24);
    expect(body.points[0]).toEqual({ hour: '2025-11-12T00:00:00+00:00', views: 2, visits: 1, events: 3 });
    expect(body.points[1]).toEqual({ hour: '2025-11-12T01:00:00+00:00', views: 0, visits: 0, events: 0 });
    expect(body.points[23]).toEqual({ hour: '2025-11-12T23:00:00+00:00', views: 1, visits: 1, events: 1 });
  });

  it('gives the 23 hours of the day clocks go forward, with the offset of each', () => {
    // Act: in Berlin on 2026-03-29, 02:00+01:00 is 03:00+02:00, so the day's third hour is 03:00.
    const body = hourly('2026-03-29', 'Europe/Berlin', new Map([[2, { views: 4, visits: 2, events: 5 }]]));

    // Assess
    expect(body.points.map((point) => point.hour).slice(0, 4)).toEqual([
      '2026-03-29T00:00:00+01:00',
      '2026-03-29T01:00:00+01:00',
      '2026-03-29T03:00:00+02:00',
      '2026-03-29T04:00:00+02:00',
    ]);
    expect(body.points).toHaveLength(23);
    expect(body.points[2]).toEqual({ hour: '2026-03-29T03:00:00+02:00', views: 4, visits: 2, events: 5 });
    expect(body.points.at(-1)!.hour).toBe('2026-03-29T23:00:00+02:00');
  });

  it('gives the 25 hours of the day clocks go back, 02:00 twice', () => {
    // Act
    const body = hourly('2026-10-25', 'Europe/Berlin', new Map([[2, { views: 1, visits: 1, events: 1 }], [3, { views: 2, visits: 0, events: 2 }], [24, { views: 7, visits: 3, events: 8 }]]));

    // Assess
    expect(body.points).toHaveLength(25);
    expect(body.points.slice(2, 4)).toEqual([
      { hour: '2026-10-25T02:00:00+02:00', views: 1, visits: 1, events: 1 },
      { hour: '2026-10-25T02:00:00+01:00', views: 2, visits: 0, events: 2 },
    ]);
    expect(body.points[24]).toEqual({ hour: '2026-10-25T23:00:00+01:00', views: 7, visits: 3, events: 8 });
  });

  it('leaves out an hour index past the day\'s last', () => {
    // Act
    const body = hourly('2026-03-29', 'Europe/Berlin', new Map([[23, { views: 1, visits: 0, events: 1 }]]));

    // Assess
    expect(body.points).toHaveLength(23);
    expect(body.points.every((point) => point.events === 0)).toBe(true);
  });

  it('gives the hours of a zone far from UTC as local times', () => {
    // Act
    const body = hourly('2026-01-01', 'Asia/Kathmandu');

    // Assess
    expect(body.points[0]!.hour).toBe('2026-01-01T00:00:00+05:45');
    expect(body.points).toHaveLength(24);
  });
});
