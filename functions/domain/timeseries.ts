import * as z from 'zod/mini';
import { toFieldIssues } from './event.ts';
import type { FieldIssue, ParseResult } from './parse-result.ts';
import { daySchema, daysIn, parseRangeQuery, siteIdSchema, type DayRange, type RangeQuery } from './stats.ts';
import { hoursOfLocalDay } from './time-zones.ts';
import type { HourlyTimeseriesResponse, HourPoint, MonthlyTimeseriesResponse, MonthPoint, TimeseriesPoint, TimeseriesResponse } from '../api/responses.ts';

/**
 * GET /stats/timeseries: a site's figures day by day over a range (`interval=day`, the default),
 * month by month over a range (`interval=month`), or hour by hour over one day (`interval=hour`).
 */

export const INTERVALS = ['day', 'month', 'hour'] as const;
export type Interval = (typeof INTERVALS)[number];

/** A point per day, or per calendar month (the part of it in the range), of `range`. */
export interface DailyQuery extends RangeQuery {
  interval: 'day' | 'month';
}

/** A point per hour of `date`, a day in the site's time zone. */
export interface HourlyQuery {
  interval: 'hour';
  siteId: string;
  date: string;
}

export type TimeseriesQuery = DailyQuery | HourlyQuery;

type Params = Record<string, string | undefined>;

const hourlyQuerySchema = z.object({ site_id: siteIdSchema, date: z.optional(daySchema) });

function parseHourlyQuery(params: Params): ParseResult<HourlyQuery> {
  const parsed = z.safeParse(hourlyQuerySchema, params);
  const issues: FieldIssue[] = parsed.success ? [] : toFieldIssues(parsed.error);
  if (params.date === undefined) issues.push({ field: 'date', message: 'is required with interval=hour' });
  for (const field of ['from', 'to']) {
    if (params[field] !== undefined) issues.push({ field, message: 'is not accepted with interval=hour: give date' });
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { interval: 'hour', siteId: parsed.data!.site_id, date: parsed.data!.date! } };
}

const isInterval = (value: string): value is Interval => (INTERVALS as readonly string[]).includes(value);

/**
 * Validates the query string: `interval` (`day`, `month` or `hour`, default `day`); by the day or
 * the month, `site_id`, `from` and `to` as for a range of GET /stats, all required; by the hour,
 * `site_id` and `date`.
 */
export function parseTimeseriesQuery(params: Params): ParseResult<TimeseriesQuery> {
  const interval = params.interval ?? 'day';
  if (!isInterval(interval)) return { ok: false, issues: [{ field: 'interval', message: `must be one of ${INTERVALS.join(', ')}` }] };
  if (interval === 'hour') return parseHourlyQuery(params);
  const parsed = parseRangeQuery(params);
  return parsed.ok ? { ok: true, value: { interval, ...parsed.value } } : parsed;
}

/** Views, events, visits and unique users of one site in one scope: a day, or a month (its days in the range). */
export interface ScopeTotals {
  views: number;
  events: number;
  visits: number;
  uniqueUsers: number;
}

/** The body by the day: one point per day of the range, in order; days without data are zeros. */
export function shapeTimeseries(query: RangeQuery, days: ReadonlyMap<string, ScopeTotals>, timeZone: string): TimeseriesResponse {
  return {
    site_id: query.siteId,
    timezone: timeZone,
    from: query.range.from,
    to: query.range.to,
    points: daysIn(query.range).map((date) => {
      const day = days.get(date);
      return { date, views: day?.views ?? 0, unique_users: day?.uniqueUsers ?? 0, events: day?.events ?? 0, visits: day?.visits ?? 0 };
    }),
  };
}

/** The body by the month: one point per calendar month the range touches, in order; months without data are zeros. */
export function shapeMonthlyTimeseries(query: RangeQuery, months: ReadonlyMap<string, ScopeTotals>, timeZone: string): MonthlyTimeseriesResponse {
  const points: MonthPoint[] = [];
  for (const date of daysIn(query.range)) {
    const month = date.slice(0, 7);
    const last = points.at(-1);
    if (last?.month === month) {
      last.to = date;
      continue;
    }
    const totals = months.get(month);
    points.push({
      month,
      from: date,
      to: date,
      views: totals?.views ?? 0,
      unique_users: totals?.uniqueUsers ?? 0,
      events: totals?.events ?? 0,
      visits: totals?.visits ?? 0,
    });
  }
  return { site_id: query.siteId, timezone: timeZone, from: query.range.from, to: query.range.to, points };
}

/** Views, visits started and events of one hour. */
export interface HourCounts {
  views: number;
  visits: number;
  events: number;
}

/**
 * The body by the hour: one point per hour of the local day (24; 23 or 25 on a daylight-saving
 * change), in order, from the day's counts by hour index (hours from local midnight); hours
 * without data are zeros. An index past the day's last hour can only come from a zone the site
 * had before, and is left out.
 */
export function shapeHourlyTimeseries(query: HourlyQuery, hours: ReadonlyMap<number, HourCounts>, timeZone: string): HourlyTimeseriesResponse {
  return {
    site_id: query.siteId,
    timezone: timeZone,
    date: query.date,
    points: hoursOfLocalDay(query.date, timeZone).map(({ hour }, index) => {
      const counts = hours.get(index);
      return { hour, views: counts?.views ?? 0, visits: counts?.visits ?? 0, events: counts?.events ?? 0 };
    }),
  };
}
