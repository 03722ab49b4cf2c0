import * as z from 'zod/mini';
import { toFieldIssues, type ParseResult } from './event.ts';
import { ALL_TIME, type Scope } from './keys.ts';

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;

const isRealDate = (text: string): boolean => {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
};

const LIMIT_MESSAGE = `must be a whole number from 1 to ${MAX_LIMIT}`;

const statsQuerySchema = z.object({
  site_id: z.string({ error: 'is required' }).check(z.regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_", ":" or "-"')),
  date: z.optional(
    z.string().check(
      z.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date in the form YYYY-MM-DD', abort: true }),
      z.refine(isRealDate, 'is not a real calendar date'),
    ),
  ),
  limit: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d+$/, { error: LIMIT_MESSAGE, abort: true })),
      z.pipe(z.transform(Number), z.number().check(z.gte(1, LIMIT_MESSAGE), z.lte(MAX_LIMIT, LIMIT_MESSAGE))),
    ),
  ),
});

export interface StatsQuery {
  siteId: string;
  /** A UTC day, or null for all time. */
  date: string | null;
  limit: number;
}

/** Validates the query string of GET /stats. */
export function parseStatsQuery(params: Record<string, string | undefined>): ParseResult<StatsQuery> {
  const parsed = z.safeParse(statsQuerySchema, params);
  if (!parsed.success) return { ok: false, issues: toFieldIssues(parsed.error) };
  const { site_id, date, limit } = parsed.data;
  return { ok: true, value: { siteId: site_id, date: date ?? null, limit: limit ?? DEFAULT_LIMIT } };
}

/** The aggregate scope a query reads. */
export const scopeOf = (query: StatsQuery): Scope => query.date ?? ALL_TIME;

/** What the store returns for one site and scope. */
export interface ScopeAggregates {
  views: number;
  events: number;
  eventsByType: Record<string, number>;
  pathViews: ReadonlyMap<string, number>;
  uniqueUsers: number;
}

export interface StatsResponse {
  site_id: string;
  date: string | null;
  total_views: number;
  unique_users: number;
  total_events: number;
  events_by_type: Record<string, number>;
  top_paths: Array<{ path: string; views: number }>;
}

/** Paths by views descending, then path ascending, at most `limit`. */
export function topPaths(pathViews: ReadonlyMap<string, number>, limit: number): Array<{ path: string; views: number }> {
  return [...pathViews]
    .filter(([, views]) => views > 0)
    .sort(([pathA, a], [pathB, b]) => b - a || (pathA < pathB ? -1 : pathA > pathB ? 1 : 0))
    .slice(0, limit)
    .map(([path, views]) => ({ path, views }));
}

/** The GET /stats response body. */
export function shapeStats(query: StatsQuery, aggregates: ScopeAggregates): StatsResponse {
  return {
    site_id: query.siteId,
    date: query.date,
    total_views: aggregates.views,
    unique_users: aggregates.uniqueUsers,
    total_events: aggregates.events,
    events_by_type: aggregates.eventsByType,
    top_paths: topPaths(aggregates.pathViews, query.limit),
  };
}
