import { HttpError } from '../commons/http.ts';
import type { Answered, AnyTimeseriesResponse, BreakdownResponse, StatsResponse } from '../api/responses.ts';
import type { BreakdownQuery } from '../domain/breakdown.ts';
import { periodRange, type LakeOptions } from '../domain/filtered-queries.ts';
import type { Filter } from '../domain/filters.ts';
import { lakeBreakdownRows, lakeBucketTotals, lakeHourCounts, lakeScopeStats } from '../domain/lake-answers.ts';
import { LakeQueryTimeout, type LakeEngine, type LakeQuery, type LakeRow } from '../domain/lake-query.ts';
import { breakdownQuery, figuresQuery, timeseriesQuery } from '../domain/lake-sql.ts';
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

/** GET /stats/breakdown from the lake: `limit` rows from `offset`, in the counters' order. */
export async function lakeBreakdown(
  engine: LakeEngine,
  query: Paged<BreakdownQuery>,
  filters: readonly Filter[],
  timeZone: string,
): Promise<Answered<BreakdownResponse>> {
  const page = { offset: query.offset, limit: query.limit };
  const rows = await run(engine, breakdownQuery(query.siteId, daysOf(query.period), filters, query.dimension, page));
  return {
    site_id: query.siteId,
    timezone: timeZone,
    dimension: query.dimension,
    ...periodFields(query.period),
    results: lakeBreakdownRows(rows),
    answered_by: 'lake',
  };
}

/** GET /stats/timeseries from the lake: by the day, the month, or the hour of the site's local day. */
export async function lakeTimeseries(
  engine: LakeEngine,
  query: TimeseriesQuery,
  filters: readonly Filter[],
  timeZone: string,
): Promise<Answered<AnyTimeseriesResponse>> {
  if (query.interval === 'hour') {
    const hourStarts = hoursOfLocalDay(query.date, timeZone).map(({ start }) => new Date(start).toISOString());
    const rows = await run(engine, timeseriesQuery(query.siteId, { from: query.date, to: query.date }, filters, { by: 'hour', hourStarts }));
    return { ...shapeHourlyTimeseries(query, lakeHourCounts(rows), timeZone), answered_by: 'lake' };
  }
  const rows = await run(engine, timeseriesQuery(query.siteId, query.range, filters, { by: query.interval }));
  const buckets = lakeBucketTotals(rows);
  const body = query.interval === 'month' ? shapeMonthlyTimeseries(query, buckets, timeZone) : shapeTimeseries(query, buckets, timeZone);
  return { ...body, answered_by: 'lake' };
}
