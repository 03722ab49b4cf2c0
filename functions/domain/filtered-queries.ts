import type { FieldIssue, ParseResult } from './parse-result.ts';
import { parseFilters, type Filter } from './filters.ts';
import { parseBreakdownQuery } from './breakdown.ts';
import { parseLimit, parseStatsQuery, type DayRange, type Period } from './stats.ts';
import { parseFunnelQuery } from './funnel.ts';
import { parseTimeseriesQuery, type TimeseriesQuery } from './timeseries.ts';

/**
 * What a stats route reads besides its own query: `filters` (filters.ts), and for GET /stats
 * (its top paths) and GET /stats/breakdown `offset`, the first row to answer (rows past the
 * counters' top). A request
 * with either is answered from the lake, which is read by the day: it needs a date or a range.
 */

/** Rows a breakdown or the top paths may skip. */
export const MAX_OFFSET = 100_000;

/** The lake's part of a request: its filters (none: `[]`), and whether the lake answers it. */
export interface LakeOptions {
  filters: Filter[];
  offset: number;
  /** Filters or an offset were given: the lake answers, not the counters. */
  fromLake: boolean;
}

type Params = Record<string, string | undefined>;

/** The days a period covers, or undefined for all time. */
export const periodRange = (period: Period): DayRange | undefined =>
  period.kind === 'range' ? { from: period.from, to: period.to } : period.kind === 'day' ? { from: period.date, to: period.date } : undefined;

function offsetOf(params: Params, issues: FieldIssue[]): number {
  const raw = params.offset;
  if (raw === undefined) return 0;
  if (/^\d{1,6}$/.test(raw) && Number(raw) <= MAX_OFFSET) return Number(raw);
  issues.push({ field: 'offset', message: `must be a whole number from 0 to ${MAX_OFFSET}` });
  return 0;
}

/**
 * Parses a route's own query (`parse`) with `filters` (and `offset` where `paged`); all issues are
 * reported together. `periodOf` gives the period of a parsed query (all time has no days to read).
 */
export function withLakeOptions<T>(
  parse: (params: Params) => ParseResult<T>,
  periodOf: (value: T) => Period,
  paged = false,
): (params: Params) => ParseResult<T & LakeOptions> {
  return (params) => {
    const parsed = parse(params);
    const issues: FieldIssue[] = parsed.ok ? [] : [...parsed.issues];
    const filters = params.filters === undefined ? { ok: true as const, value: [] } : parseFilters(params.filters);
    if (!filters.ok) issues.push(...filters.issues);
    const offset = paged ? offsetOf(params, issues) : 0;
    if (!parsed.ok || !filters.ok || issues.length > 0) return { ok: false, issues };
    const fromLake = params.filters !== undefined || offset > 0;
    if (fromLake && periodRange(periodOf(parsed.value)) === undefined) {
      return { ok: false, issues: [{ field: params.filters !== undefined ? 'filters' : 'offset', message: 'needs a period: date, or from and to' }] };
    }
    return { ok: true, value: { ...parsed.value, filters: filters.value, offset, fromLake } };
  };
}

/** GET /stats's query with `filters` and `offset` (of its top paths). */
export const parseFilteredStatsQuery = withLakeOptions(parseStatsQuery, (query) => query.period, true);

/** GET /stats/breakdown's query with `filters` and `offset`. */
export const parseFilteredBreakdownQuery = withLakeOptions(parseBreakdownQuery, (query) => query.period, true);

/** The period of a time series: its day (by the hour) or its range. */
export const seriesPeriod = (query: TimeseriesQuery): Period =>
  query.interval === 'hour' ? { kind: 'day', date: query.date } : { kind: 'range', ...query.range };

/** GET /stats/timeseries's query with `filters`. */
export const parseFilteredTimeseriesQuery = withLakeOptions(parseTimeseriesQuery, seriesPeriod);

/** GET /stats/view's query: a time series' interval and period, and `limit`, the rows of each list (top paths, each dimension). */
export type ViewQuery = TimeseriesQuery & { limit: number };

function parseViewQueryAlone(params: Params): ParseResult<ViewQuery> {
  const series = parseTimeseriesQuery(params);
  const limit = parseLimit(params);
  if (series.ok && limit.ok) return { ok: true, value: { ...series.value, limit: limit.value } };
  return { ok: false, issues: [...(series.ok ? [] : series.issues), ...(limit.ok ? [] : limit.issues)] };
}

/** GET /stats/view's query with `filters` (always answered from the lake). */
export const parseViewQuery = withLakeOptions(parseViewQueryAlone, seriesPeriod);

/** GET /stats/goals's query: a site and a day or a range (goals are counted from the lake, which is read by the day). */
export interface GoalsQuery {
  siteId: string;
  period: Exclude<Period, { kind: 'all' }>;
}

function parseGoalsQueryAlone(params: Params): ParseResult<GoalsQuery> {
  const parsed = parseStatsQuery({ ...params, limit: undefined });
  const allTime = params.date === undefined && params.from === undefined && params.to === undefined;
  const issues = [...(parsed.ok ? [] : parsed.issues), ...(allTime ? [{ field: 'date', message: 'is required: give date, or from and to' }] : [])];
  if (!parsed.ok || parsed.value.period.kind === 'all' || issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { siteId: parsed.value.siteId, period: parsed.value.period } };
}

/** GET /stats/goals's query with `filters` (always answered from the lake). */
export const parseGoalsQuery = withLakeOptions(parseGoalsQueryAlone, (query) => query.period);

/** GET /stats/funnel's query with `filters` (always answered from the lake). */
export const parseFilteredFunnelQuery = withLakeOptions(parseFunnelQuery, (query): Period => ({ kind: 'range', ...query.range }));
