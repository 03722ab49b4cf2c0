import * as z from 'zod/mini';
import { toFieldIssues } from './event.ts';
import type { FieldIssue, ParseResult } from './parse-result.ts';
import { ALL_TIME, countsByName, type Scope } from './table-schema.ts';
import { isExactRow } from './overflow-rows.ts';
import { unionShards, type ShardState } from './sketch.ts';
import { visitFigures, type VisitCounters } from './visit-figures.ts';
import type { PathRow, StatsResponse } from '../api/responses.ts';

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;
/** Most days a range may cover (a leap year), so one request reads a bounded number of items. */
export const MAX_RANGE_DAYS = 366;

const DAY_MS = 86_400_000;

const isRealDate = (text: string): boolean => {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
};

const LIMIT_MESSAGE = `must be a whole number from 0 to ${MAX_LIMIT}`;

export const siteIdSchema = z
  .string({ error: 'is required' })
  .check(z.regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_", ":" or "-"'));

export const daySchema = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date in the form YYYY-MM-DD', abort: true }),
  z.refine(isRealDate, 'is not a real calendar date'),
);

const limitSchema = z.pipe(
  z.string().check(z.regex(/^\d+$/, { error: LIMIT_MESSAGE, abort: true })),
  z.pipe(z.transform(Number), z.number().check(z.gte(0, LIMIT_MESSAGE), z.lte(MAX_LIMIT, LIMIT_MESSAGE))),
);

const statsQuerySchema = z.object({
  site_id: siteIdSchema,
  date: z.optional(daySchema),
  from: z.optional(daySchema),
  to: z.optional(daySchema),
  limit: z.optional(limitSchema),
});

const rangeQuerySchema = z.object({
  site_id: siteIdSchema,
  from: z.optional(daySchema),
  to: z.optional(daySchema),
});

/** An inclusive range of days (YYYY-MM-DD), dates in the site's time zone. */
export interface DayRange {
  from: string;
  to: string;
}

/** What a stats request covers: all time, one day, or an inclusive range of days (local dates of the site). */
export type Period = { kind: 'all' } | { kind: 'day'; date: string } | ({ kind: 'range' } & DayRange);

export interface StatsQuery {
  siteId: string;
  period: Period;
  limit: number;
}

/** A site and a range of days, both required. */
export interface RangeQuery {
  siteId: string;
  range: DayRange;
}

type Params = Record<string, string | undefined>;

/** Issues about which of date, from and to are given, found before their values are read. */
function presenceIssues(params: Params, rangeRequired: boolean): FieldIssue[] {
  const has = (name: string) => params[name] !== undefined;
  if (has('date')) {
    if (rangeRequired) return [{ field: 'date', message: 'is not accepted by the day: give from and to, or interval=hour' }];
    if (has('from') || has('to')) return [{ field: 'date', message: 'cannot be combined with from and to' }];
  }
  const issues: FieldIssue[] = [];
  if (!has('from') && (has('to') || rangeRequired)) issues.push({ field: 'from', message: has('to') ? 'is required with to' : 'is required' });
  if (!has('to') && (has('from') || rangeRequired)) issues.push({ field: 'to', message: has('from') ? 'is required with from' : 'is required' });
  return issues;
}

/** Days from `from` to `to`, both included (0 or less when `to` is before `from`). */
export const dayCount = ({ from, to }: DayRange): number => (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;

/** Checks the order and length of a range whose two ends are real dates. */
function rangeIssues(range: DayRange): FieldIssue[] {
  const days = dayCount(range);
  if (days < 1) return [{ field: 'to', message: 'must not be before from' }];
  if (days > MAX_RANGE_DAYS) return [{ field: 'to', message: `must be at most ${MAX_RANGE_DAYS} days from from, both included` }];
  return [];
}

/** Runs the schema and the checks across fields; all issues found are reported together. */
function parseWith<T extends { from?: string | undefined; to?: string | undefined }>(
  schema: z.ZodMiniType<T>,
  params: Params,
  rangeRequired: boolean,
): ParseResult<T> {
  const parsed = z.safeParse(schema, params);
  const issues = [...(parsed.success ? [] : toFieldIssues(parsed.error)), ...presenceIssues(params, rangeRequired)];
  if (issues.length > 0) return { ok: false, issues };
  const data = parsed.data!;
  if (data.from !== undefined && data.to !== undefined) {
    const ordered = rangeIssues({ from: data.from, to: data.to });
    if (ordered.length > 0) return { ok: false, issues: ordered };
  }
  return { ok: true, value: data };
}

const limitQuerySchema = z.object({ limit: z.optional(limitSchema) });

/** The `limit` of a query string: rows of a list, 0 to MAX_LIMIT, DEFAULT_LIMIT when absent. */
export function parseLimit(params: Params): ParseResult<number> {
  const parsed = z.safeParse(limitQuerySchema, params);
  return parsed.success ? { ok: true, value: parsed.data.limit ?? DEFAULT_LIMIT } : { ok: false, issues: toFieldIssues(parsed.error) };
}

/** Validates the query string of GET /stats: `date` (one day), `from` and `to` (a range), or neither (all time). */
export function parseStatsQuery(params: Params): ParseResult<StatsQuery> {
  const parsed = parseWith(statsQuerySchema, params, false);
  if (!parsed.ok) return parsed;
  const { site_id, date, from, to, limit } = parsed.value;
  const period: Period =
    from !== undefined && to !== undefined ? { kind: 'range', from, to } : date !== undefined ? { kind: 'day', date } : { kind: 'all' };
  return { ok: true, value: { siteId: site_id, period, limit: limit ?? DEFAULT_LIMIT } };
}

/** Validates `site_id`, `from` and `to`, all required, and no `date` (GET /stats/timeseries by the day). */
export function parseRangeQuery(params: Params): ParseResult<RangeQuery> {
  const parsed = parseWith(rangeQuerySchema, params, true);
  if (!parsed.ok) return parsed;
  const { site_id, from, to } = parsed.value;
  return { ok: true, value: { siteId: site_id, range: { from: from!, to: to! } } };
}

/** Every day of a range, oldest first. */
export function daysIn(range: DayRange): string[] {
  const start = Date.parse(range.from);
  return Array.from({ length: Math.max(0, dayCount(range)) }, (_, i) => new Date(start + i * DAY_MS).toISOString().slice(0, 10));
}

/** The scopes a period reads: all time, one day, or each day of the range. */
export function scopesOf(period: Period): Scope[] {
  switch (period.kind) {
    case 'all':
      return [ALL_TIME];
    case 'day':
      return [period.date];
    case 'range':
      return daysIn(period);
  }
}

/** Counters of one site and scope (a totals item). */
export interface SiteTotals extends VisitCounters {
  views: number;
  events: number;
  /** Without a prototype (table-schema.ts countsByName): event types are names clients choose. */
  eventsByType: Record<string, number>;
}

/** Each scope's `events` counter: the version its partitions are read and cached at. */
export const eventsByScope = (totals: ReadonlyMap<Scope, SiteTotals>): Map<Scope, number> =>
  new Map([...totals].map(([scope, { events }]) => [scope, events]));

/** The stats of one site for one or more scopes: its counters summed, its page views per path and its unique users. */
export interface ScopeStats extends SiteTotals {
  pathViews: ReadonlyMap<string, number>;
  uniqueUsers: number;
}

/**
 * Whether path views agree with a view counter read with them. Every commit adds the same page
 * views to a scope's `views` and to its paths, in one transaction, so a consistent read of both
 * sums up; a read that fell between the two halves of a commit does not.
 */
export function pathViewsAgree(pathViews: ReadonlyMap<string, number>, views: number): boolean {
  return totalPathViews(pathViews) === views;
}

/** The page views of all paths together. */
export function totalPathViews(pathViews: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const count of pathViews.values()) sum += count;
  return sum;
}

/** The counters of several scopes added up (counters are exact, so they sum; users do not). */
export function sumTotals(totals: Iterable<SiteTotals>): SiteTotals {
  const sum: SiteTotals = { views: 0, events: 0, eventsByType: countsByName(), visits: 0, multiViewVisits: 0, visitMs: 0, visitViews: 0 };
  for (const { views, events, eventsByType, visits, multiViewVisits, visitMs, visitViews } of totals) {
    sum.views += views;
    sum.events += events;
    sum.visits += visits;
    sum.multiViewVisits += multiViewVisits;
    sum.visitMs += visitMs;
    sum.visitViews += visitViews;
    for (const [type, count] of Object.entries(eventsByType)) sum.eventsByType[type] = (sum.eventsByType[type] ?? 0) + count;
  }
  return sum;
}

/**
 * The union of several sketches (the days of a range), shard by shard. A user seen on several
 * days lands in the same shard and register each day, so the union counts them once.
 */
export function unionSketches(sketches: readonly ReadonlyMap<number, ShardState>[]): Map<number, ShardState> {
  const shards = new Set<number>();
  for (const sketch of sketches) for (const shard of sketch.keys()) shards.add(shard);
  const union = new Map<number, ShardState>();
  for (const shard of shards) union.set(shard, unionShards(shard, sketches.map((sketch) => sketch.get(shard)))!);
  return union;
}

/**
 * Paths by views descending, then path ascending, at most `limit`; `(other)` holds what days past
 * their budget did not name (counter-budget.ts).
 */
export function topPaths(pathViews: ReadonlyMap<string, number>, limit: number): PathRow[] {
  return [...pathViews]
    .filter(([, views]) => views > 0)
    .sort(([pathA, a], [pathB, b]) => b - a || (pathA < pathB ? -1 : pathA > pathB ? 1 : 0))
    .slice(0, limit)
    .map(([path, views]) => (isExactRow(pathViews, path) ? { path, views } : { path, views, exact: false }));
}

/** How a response names its period: `date` (a day, or null for all time), or `from` and `to`. */
export const periodFields = (period: Period): { date: string | null } | DayRange =>
  period.kind === 'range' ? { from: period.from, to: period.to } : { date: period.kind === 'day' ? period.date : null };

/** The GET /stats response body; `timeZone` is the site's, in which its days are dates. */
export function shapeStats(query: StatsQuery, stats: ScopeStats, timeZone: string): StatsResponse {
  return {
    site_id: query.siteId,
    timezone: timeZone,
    ...periodFields(query.period),
    total_views: stats.views,
    unique_users: stats.uniqueUsers,
    total_events: stats.events,
    ...visitFigures(stats),
    events_by_type: stats.eventsByType,
    top_paths: topPaths(stats.pathViews, query.limit),
  };
}
