import type { Principal } from './api-keys.ts';
import { isSiteId } from './event.ts';
import type { FieldIssue, ParseResult } from './parse-result.ts';
import type { SiteSummary, SitesResponse } from '../api/responses.ts';

export type { SiteSummary };

/**
 * A site's record among the sites with data, as far as GET /sites reads it: its first and last
 * days, which records written before they were kept lack (then they are read from the days).
 */
export interface SiteRecord {
  site_id: string;
  first_day?: string;
  last_day?: string;
}

/** Sites in one answer of GET /sites unless `limit` says otherwise, and at most. */
export const DEFAULT_SITES_LIMIT = 100;
export const MAX_SITES_LIMIT = 1000;

export interface SitesQuery {
  limit: number;
  /** The site the previous page ended with: this page starts after it. */
  after: string | undefined;
}

/** One page of the sites with data, in site id order; `more` when others follow. */
export interface SitesPage {
  records: SiteRecord[];
  more: boolean;
}

/** A page's cursor: the last site id listed, base64url (opaque to clients). */
export const siteCursor = (siteId: string): string => Buffer.from(siteId, 'utf8').toString('base64url');

/** The site id a cursor names, or undefined when it is not a cursor GET /sites gave. */
function siteOfCursor(cursor: string): string | undefined {
  const siteId = Buffer.from(cursor, 'base64url').toString('utf8');
  return isSiteId(siteId) && siteCursor(siteId) === cursor ? siteId : undefined;
}

/** `limit` (1-1000, default 100) and `cursor` (a `next_cursor` of GET /sites); each bad one is an issue. */
export function parseSitesQuery(params: Record<string, string | undefined>): ParseResult<SitesQuery> {
  const issues: FieldIssue[] = [];
  let limit = DEFAULT_SITES_LIMIT;
  if (params.limit !== undefined) {
    limit = /^\d{1,4}$/.test(params.limit) ? Number(params.limit) : NaN;
    if (!(limit >= 1 && limit <= MAX_SITES_LIMIT)) issues.push({ field: 'limit', message: `must be an integer from 1 to ${MAX_SITES_LIMIT}` });
  }
  const after = params.cursor === undefined ? undefined : siteOfCursor(params.cursor);
  if (params.cursor !== undefined && after === undefined) issues.push({ field: 'cursor', message: 'must be a next_cursor of GET /sites' });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: { limit, after } };
}

/**
 * The sites a principal sees listed: the admin key a page of every site with data (`readPage`,
 * read only for it), a site key its own site alone (`readOwn`), on one page.
 */
export async function visibleSites(
  principal: Principal,
  readPage: () => Promise<SitesPage>,
  readOwn: (siteId: string) => Promise<SiteRecord>,
): Promise<SitesPage> {
  return principal.kind === 'admin' ? readPage() : { records: [await readOwn(principal.siteId)], more: false };
}

/**
 * The body of GET /sites: the page's sites with data in site id order (`summaries` in the order of
 * `page.records`; a site without a day of data is left out), and `next_cursor` when more follow.
 */
export function shapeSites(page: SitesPage, summaries: ReadonlyArray<SiteSummary | undefined>): SitesResponse {
  const sites = summaries.filter((summary): summary is SiteSummary => summary !== undefined);
  const last = page.records.at(-1);
  return { sites, ...(page.more && last ? { next_cursor: siteCursor(last.site_id) } : {}) };
}
