import * as z from 'zod/mini';
import { toFieldIssues } from './event.ts';
import type { LakeQuery, LakeRow } from './lake-query.ts';
import { COUNT_IF, countOf, instantLiteral, integerLiteral, PAGE_VIEW_SQL, rankedParts, textOf } from './lake-sql.ts';
import type { ParseResult } from './parse-result.ts';
import { parseLimit, siteIdSchema } from './stats.ts';
import { localDate } from './time-zones.ts';
import type { RealtimeResponse, RealtimeRow } from '../api/responses.ts';

/**
 * GET /stats/realtime: who is on a site now, from the lake's newest objects. "Current visitors"
 * are the distinct users with an event in the last 5 minutes (Plausible's measure); the pages
 * and sources are the last 30 minutes' page views. The lake holds an event once its batch is
 * counted, so the answer lags by up to the processor's batching window, which it states.
 */

export const CURRENT_MS = 5 * 60_000;
export const RECENT_MS = 30 * 60_000;

export interface RealtimeQuery {
  siteId: string;
  limit: number;
}

const realtimeQuerySchema = z.object({ site_id: siteIdSchema });

/** Validates `site_id` and `limit` (rows of pages and of sources). */
export function parseRealtimeQuery(params: Record<string, string | undefined>): ParseResult<RealtimeQuery> {
  const parsed = z.safeParse(realtimeQuerySchema, params);
  const limit = parseLimit(params);
  const issues = [...(parsed.success ? [] : toFieldIssues(parsed.error)), ...(limit.ok ? [] : limit.issues)];
  if (!parsed.success || !limit.ok) return { ok: false, issues };
  return { ok: true, value: { siteId: parsed.data.site_id, limit: limit.value } };
}

/** What `part` says of a row: `grouping(path, source)`. */
const PARTS = { total: 3, path: 1, source: 2 } as const;

/**
 * One query: the users of the last 5 minutes, and page views by path and by source over the last
 * 30, top `limit` of each. It reads the site's partitions of the local dates the 30 minutes touch
 * (two around midnight) and, within them, events from the start of the 30 minutes on.
 */
export function realtimeQuery(siteId: string, nowMs: number, timeZone: string, limit: number): LakeQuery {
  const recent = new Date(nowMs - RECENT_MS).toISOString();
  const current = new Date(nowMs - CURRENT_MS).toISOString();
  const kept =
    'SELECT path, visit.source AS "source", user_id, event_type, "timestamp" FROM events ' +
    'WHERE site_id = ? AND "date" BETWEEN ? AND ? AND "timestamp" >= ?';
  const grouped =
    `SELECT grouping(path, "source") AS part, coalesce(path, "source") AS item, ` +
    `count(DISTINCT CASE WHEN "timestamp" >= ${instantLiteral(current)} THEN user_id END) AS visitors, ${COUNT_IF(PAGE_VIEW_SQL)} AS views ` +
    `FROM (${kept}) kept GROUP BY GROUPING SETS ((), (path), ("source"))`;
  const keep = `part = ${PARTS.total} OR (item IS NOT NULL AND views > 0 AND place <= ${integerLiteral(limit)})`;
  return {
    sql: `${rankedParts(grouped, 'views DESC, item', keep)} ORDER BY part, place`,
    params: [siteId, localDate(nowMs - RECENT_MS, timeZone), localDate(nowMs, timeZone), recent],
  };
}

/** The answer from the query's rows. */
export function shapeRealtime(query: RealtimeQuery, rows: readonly LakeRow[], nowMs: number, timeZone: string, lagSeconds: number): RealtimeResponse {
  const of = (part: number): RealtimeRow[] =>
    rows.filter((row) => countOf(row, 'part') === part).map((row) => ({ value: textOf(row, 'item'), views: countOf(row, 'views') }));
  const total = rows.find((row) => countOf(row, 'part') === PARTS.total);
  return {
    site_id: query.siteId,
    timezone: timeZone,
    at: new Date(nowMs).toISOString(),
    current_visitors: total ? countOf(total, 'visitors') : 0,
    pages: of(PARTS.path),
    sources: of(PARTS.source),
    lag_s: lagSeconds,
  };
}
