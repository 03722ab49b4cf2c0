import type { FieldIssue, ParseResult } from './parse-result.ts';
import { parseLakeKey, siteFolder, type LakeObject } from './lake.ts';
import { parseRangeQuery, type DayRange } from './stats.ts';
import type { ExportFile, ExportResponse } from '../api/responses.ts';

/**
 * GET /stats/export: the lake objects of a site's days, each with a pre-signed URL, so an export
 * of any size is downloaded from S3 directly (never through Lambda or API Gateway).
 */

/** How long a pre-signed URL works. */
export const EXPORT_URL_SECONDS = 15 * 60;
/** Files in one response; a longer list continues from `next_cursor`. */
export const MAX_EXPORT_FILES = 1000;

export interface ExportQuery {
  siteId: string;
  range: DayRange;
  /** The key the previous page ended with. */
  cursor: string | undefined;
}

/** `site_id`, `from` and `to` (at most 366 days, the site's dates) as the stats routes take them, and an optional `cursor`. */
export function parseExportQuery(params: Record<string, string | undefined>): ParseResult<ExportQuery> {
  const { cursor, ...rest } = params;
  const range = parseRangeQuery(rest);
  const issues: FieldIssue[] = range.ok
    ? []
    : range.issues.map((issue) => (issue.field === 'date' ? { field: 'date', message: 'is not accepted: give from and to' } : issue));
  if (cursor !== undefined && range.ok && !cursorFits(cursor, range.value.siteId, range.value.range)) {
    issues.push({ field: 'cursor', message: 'must be a next_cursor of an export of this site and range' });
  }
  if (!range.ok || issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { ...range.value, cursor } };
}

/** A cursor is a lake key of the site whose day is in the range. */
function cursorFits(cursor: string, siteId: string, range: DayRange): boolean {
  const parsed = parseLakeKey(cursor);
  return cursor.startsWith(siteFolder(siteId)) && parsed !== undefined && parsed.date >= range.from && parsed.date <= range.to;
}

export function shapeExport(query: ExportQuery, objects: readonly LakeObject[], urls: readonly string[], more: boolean): ExportResponse {
  return {
    site_id: query.siteId,
    from: query.range.from,
    to: query.range.to,
    files: objects.map((object, i) => ({ date: object.date, url: urls[i]!, bytes: object.bytes, events: object.events })),
    ...(more ? { next_cursor: objects.at(-1)!.key } : {}),
    expires_in: EXPORT_URL_SECONDS,
  };
}
