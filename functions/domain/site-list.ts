import type { Principal } from './api-keys.ts';

/** What GET /sites says of one site with data. */
export interface SiteSummary {
  site_id: string;
  /** The first and last local dates with counted events. */
  first_day: string;
  last_day: string;
  /** Page views of all time. */
  views: number;
}

/**
 * The sites a principal sees listed: the admin key every site with data (`listed()`, read only
 * for it), a site key its own site alone.
 */
export async function visibleSites(principal: Principal, listed: () => Promise<string[]>): Promise<string[]> {
  return principal.kind === 'admin' ? listed() : [principal.siteId];
}

/** The body of GET /sites: sites with data, most viewed first, then by id. */
export function shapeSites(summaries: Iterable<SiteSummary | undefined>): { sites: SiteSummary[] } {
  const sites = [...summaries].filter((summary): summary is SiteSummary => summary !== undefined);
  sites.sort((a, b) => b.views - a.views || (a.site_id < b.site_id ? -1 : a.site_id > b.site_id ? 1 : 0));
  return { sites };
}
