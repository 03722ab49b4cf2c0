import { HttpError } from '../commons/http.ts';
import type { Answered, AnyTimeseriesResponse, BreakdownResponse, FunnelResponse, GoalsResponse, PropBreakdownResponse, RealtimeResponse, StatsResponse, ViewResponse } from '../api/responses.ts';
import { DIMENSIONS } from '../domain/audience.ts';
import type { BreakdownQuery } from '../domain/breakdown.ts';
import { periodRange, seriesPeriod, type GoalsQuery, type LakeOptions, type ViewQuery } from '../domain/filtered-queries.ts';
import type { Filter } from '../domain/filters.ts';
import type { Goal } from '../domain/goals.ts';
import { goalsQuery, lakeGoalRows } from '../domain/lake-goals.ts';
import { lakeBreakdownRows, lakeBucketTotals, lakeHourCounts, lakeScopeStats, scopeStatsOf } from '../domain/lake-answers.ts';
import { LakeQueryTimeout, type LakeEngine, type LakeQuery, type LakeRow } from '../domain/lake-query.ts';
import { breakdownQuery, countOf, figuresQuery, timeseriesQuery, type Bucketing } from '../domain/lake-sql.ts';
import { itemOf, viewQuery, viewRows } from '../domain/lake-view.ts';
import { realtimeQuery, shapeRealtime, type RealtimeQuery } from '../domain/realtime.ts';
import { propBreakdownQuery, propBreakdownRows, type PropBreakdownQuery } from '../domain/prop-breakdown.ts';
import { funnelQuery, funnelSteps, type FunnelQuery } from '../domain/funnel.ts';
import { periodFields, shapeStats, type DayRange, type Period, type StatsQuery } from '../domain/stats.ts';
import { hoursOfLocalDay } from '../domain/time-zones.ts';
import { shapeHourlyTimeseries, shapeMonthlyTimeseries, shapeTimeseries, type TimeseriesQuery } from '../domain/timeseries.ts';

/**
 * The stats routes answered from the lake: requests with `filters` (and top paths or breakdown
 * rows from an `offset`). Each reads one query of lake-sql.ts through `engine` and answers in the shape the
 * counters' answer has, with `answered_by: "lake"`. `timeZone` is the site's (hours of a day).
 */

/** A route's query with the first row to answer. */
type Paged<Query> = Query & Pick<LakeOptions, 'offset'>;

/** Runs a query; past the engine's limit, a 503 lake_timeout. */
async function run(engine: LakeEngine, query: LakeQuery): Promise<LakeRow[]> {
  try {
    return await engine.run(query);
  } catch (error) {
    if (error instanceof LakeQueryTimeout) {
      throw new HttpError(503, 'lake_timeout', `${error.message}: try a shorter range or fewer filters, or try again later`);
    }
    throw error;
  }
}

/** The days of a period the lake reads (the parser refuses all time with filters). */
function daysOf(period: Period): DayRange {
  const range = periodRange(period);
  if (!range) throw new HttpError(400, 'invalid_query', 'The query has invalid parameters', [{ field: 'filters', message: 'needs a period: date, or from and to' }]);
  return range;
}

/** GET /stats from the lake: the figures of the kept events and their top paths, `limit` from `offset`. */
export async function lakeStats(engine: LakeEngine, query: Paged<StatsQuery>, filters: readonly Filter[], timeZone: string): Promise<Answered<StatsResponse>> {
  const rows = await run(engine, figuresQuery(query.siteId, daysOf(query.period), filters, query.limit, query.offset));
  return { ...shapeStats(query, lakeScopeStats(rows), timeZone), answered_by: 'lake' };
}

/** A page of a breakdown from the lake: `ask` the query of the period's days and the page, `rowsOf` its rows as results. */
async function lakeBreakdownPage<Row>(
  engine: LakeEngine,
  query: Paged<StatsQuery & { dimension: string }>,
  timeZone: string,
  ask: (range: DayRange, page: { offset: number; limit: number }) => LakeQuery,
  rowsOf: (rows: readonly LakeRow[]) => Row[],
) {
  const rows = await run(engine, ask(daysOf(query.period), { offset: query.offset, limit: query.limit }));
  return { site_id: query.siteId, timezone: timeZone, dimension: query.dimension, ...periodFields(query.period), results: rowsOf(rows), answered_by: 'lake' as const };
}

/** GET /stats/breakdown from the lake: `limit` rows from `offset`, in the counters' order. */
export const lakeBreakdown = (engine: LakeEngine, query: Paged<BreakdownQuery>, filters: readonly Filter[], timeZone: string): Promise<Answered<BreakdownResponse>> =>
  lakeBreakdownPage(engine, query, timeZone, (range, page) => breakdownQuery(query.siteId, range, filters, query.dimension, page), lakeBreakdownRows);

/** GET /stats/breakdown by a custom property: `limit` rows from `offset`, by visitors, then events, then value. */
export const lakePropBreakdown = (engine: LakeEngine, query: Paged<PropBreakdownQuery>, filters: readonly Filter[], timeZone: string): Promise<Answered<PropBreakdownResponse>> =>
  lakeBreakdownPage(engine, query, timeZone, (range, page) => propBreakdownQuery(query.siteId, range, filters, query.dimension, page), propBreakdownRows);

/** The days a time series reads and how it buckets them: the hours of the site's local day, or days or months of a range. */
function seriesScope(query: TimeseriesQuery, timeZone: string): { range: DayRange; bucketing: Bucketing } {
  if (query.interval === 'hour') {
    const hourStarts = hoursOfLocalDay(query.date, timeZone).map(({ start }) => new Date(start).toISOString());
    return { range: { from: query.date, to: query.date }, bucketing: { by: 'hour', hourStarts } };
  }
  return { range: query.range, bucketing: { by: query.interval } };
}

/** A time series' body from the rows of its buckets, each bucket in `column`. */
function shapeLakeSeries(query: TimeseriesQuery, rows: readonly LakeRow[], column: string, timeZone: string): AnyTimeseriesResponse {
  if (query.interval === 'hour') return shapeHourlyTimeseries(query, lakeHourCounts(rows, column), timeZone);
  const buckets = lakeBucketTotals(rows, column);
  return query.interval === 'month' ? shapeMonthlyTimeseries(query, buckets, timeZone) : shapeTimeseries(query, buckets, timeZone);
}

/** GET /stats/timeseries from the lake: by the day, the month, or the hour of the site's local day. */
export async function lakeTimeseries(
  engine: LakeEngine,
  query: TimeseriesQuery,
  filters: readonly Filter[],
  timeZone: string,
): Promise<Answered<AnyTimeseriesResponse>> {
  const { range, bucketing } = seriesScope(query, timeZone);
  const rows = await run(engine, timeseriesQuery(query.siteId, range, filters, bucketing));
  return { ...shapeLakeSeries(query, rows, 'bucket', timeZone), answered_by: 'lake' };
}

/** GET /stats/view: the figures, top paths, chart and top values of every dimension of a period, from one lake query. */
export async function lakeView(engine: LakeEngine, query: ViewQuery, filters: readonly Filter[], timeZone: string): Promise<Answered<ViewResponse>> {
  const { range, bucketing } = seriesScope(query, timeZone);
  const rows = viewRows(await run(engine, viewQuery(query.siteId, range, filters, bucketing, query.limit)));
  const period = seriesPeriod(query);
  const scope = scopeStatsOf(
    rows.total,
    rows.types.map((row) => [itemOf(row), countOf(row, 'events')]),
    rows.paths.map((row) => [itemOf(row), countOf(row, 'views')]),
  );
  return {
    site_id: query.siteId,
    timezone: timeZone,
    ...periodFields(period),
    stats: { ...shapeStats({ siteId: query.siteId, period, limit: query.limit }, scope, timeZone), answered_by: 'lake' },
    timeseries: { ...shapeLakeSeries(query, rows.buckets, 'item', timeZone), answered_by: 'lake' },
    breakdowns: Object.fromEntries(DIMENSIONS.map((dimension) => [dimension, lakeBreakdownRows(rows.dimensions[dimension])])),
    answered_by: 'lake',
  };
}

/** GET /stats/realtime: the current visitors and the last 30 minutes' pages and sources, as of `nowMs`; the lake lags by up to `lagSeconds`. */
export async function lakeRealtime(
  engine: LakeEngine,
  query: RealtimeQuery,
  timeZone: string,
  clock: { nowMs: number; lagSeconds: number },
): Promise<Answered<RealtimeResponse>> {
  const rows = await run(engine, realtimeQuery(query.siteId, clock.nowMs, timeZone, query.limit));
  return { ...shapeRealtime(query, rows, clock.nowMs, timeZone, clock.lagSeconds), answered_by: 'lake' };
}

/** GET /stats/goals: each of the site's goals' visitors, completions and conversion rate over the kept events of a period, from one lake query. */
export async function lakeGoals(engine: LakeEngine, query: GoalsQuery, filters: readonly Filter[], timeZone: string, goals: readonly Goal[]): Promise<Answered<GoalsResponse>> {
  const rows = await run(engine, goalsQuery(query.siteId, daysOf(query.period), filters, goals));
  const { uniqueUsers, goals: results } = lakeGoalRows(rows, goals);
  return { site_id: query.siteId, timezone: timeZone, ...periodFields(query.period), unique_users: uniqueUsers, goals: results, answered_by: 'lake' };
}

/** GET /stats/funnel: the visits of a range that entered each step after the earlier ones, from one lake query. */
export async function lakeFunnel(engine: LakeEngine, query: FunnelQuery, filters: readonly Filter[], timeZone: string): Promise<Answered<FunnelResponse>> {
  const rows = await run(engine, funnelQuery(query.siteId, query.range, filters, query.steps));
  return { site_id: query.siteId, timezone: timeZone, ...query.range, steps: funnelSteps(query.steps, rows), answered_by: 'lake' };
}
