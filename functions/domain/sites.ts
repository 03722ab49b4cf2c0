import { DEFAULT_TIME_ZONE } from './time-zones.ts';

/**
 * A registered site: the web origins allowed to post its events (restricted ingestion) and the
 * time zone its days are counted in.
 */
export interface SiteRegistration {
  siteId: string;
  /** Normalised origins (`https://www.example.com`); empty: any origin. */
  origins: string[];
  /** IANA time zone name; `UTC` unless registered with another. */
  timeZone: string;
  createdAt: string;
}

/** What registering a site sets; a field left out keeps its value (or its default for a new site). */
export interface SiteChange {
  origins?: string[];
  timeZone?: string;
}

/** The zone a site's days are counted in: its registered zone, else UTC (unregistered sites too). */
export const siteTimeZone = (site: SiteRegistration | undefined): string => site?.timeZone ?? DEFAULT_TIME_ZONE;

/**
 * An origin as browsers send it in the `Origin` header: scheme, host and a non-default port,
 * lower-cased, without a path. Undefined for anything else.
 */
export function normalizeOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) return undefined;
  return url.origin;
}

export type SiteRefusal = { reason: 'unregistered' } | { reason: 'origin'; origin: string };

/**
 * Whether events of a site may be accepted: the site must be registered, and a request from a
 * browser (one that sends `Origin`) must come from one of its origins, if it lists any. Servers
 * send no Origin, so they pass on registration alone.
 */
export function siteRefusal(site: SiteRegistration | undefined, origin: string | undefined): SiteRefusal | undefined {
  if (!site) return { reason: 'unregistered' };
  if (origin === undefined || site.origins.length === 0) return undefined;
  const normalized = normalizeOrigin(origin);
  return normalized !== undefined && site.origins.includes(normalized) ? undefined : { reason: 'origin', origin };
}
