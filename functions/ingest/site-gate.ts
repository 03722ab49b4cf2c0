import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TrackedEvent } from '../domain/event.ts';
import { siteRefusal, type SiteRegistration } from '../domain/sites.ts';
import { HttpError } from '../commons/http.ts';
import { logger } from '../commons/observability.ts';
import { WeightedLru } from '../commons/weighted-lru.ts';
import { readSites } from '../store/sites.ts';

/** How long a registration is trusted before it is read again (so a change applies within a minute). */
export const SITE_CACHE_MS = 60_000;
/** How long an unregistered site is: shorter, so a site registered after a refusal works soon. */
export const UNKNOWN_SITE_CACHE_MS = 10_000;
/** Sites remembered per function instance (unknown ids included, so a flood of them stays bounded). */
const SITE_CACHE_ENTRIES = 10_000;

/** Throws the HttpError that refuses `events` (403, or 503 if registrations cannot be read), or returns. */
export type SiteGate = (events: readonly TrackedEvent[], origin: string | undefined) => Promise<void>;

/**
 * Restricted ingestion: events are accepted only for registered sites, and from browsers only
 * from a site's allowed origins. Registrations are read in one BatchGetItem per request for
 * the sites not seen in the last minute.
 */
export function siteGate(doc: DynamoDBDocumentClient, table: string, now: () => number = Date.now): SiteGate {
  const cache = new WeightedLru<string, { site: SiteRegistration | undefined; until: number }>(SITE_CACHE_ENTRIES);
  return async (events, origin) => {
    const ids = [...new Set(events.map((event) => event.site_id))];
    const at = now();
    const stale = ids.filter((id) => (cache.get(id)?.until ?? 0) <= at);
    if (stale.length > 0) {
      let found: Map<string, SiteRegistration>;
      try {
        found = await readSites(doc, table, stale);
      } catch (error) {
        logger.error('site registrations unavailable', error as Error);
        throw new HttpError(503, 'registry_unavailable', 'Site registrations cannot be checked right now; retry later', undefined, {
          'retry-after': '5',
        });
      }
      for (const id of stale) {
        const site = found.get(id);
        cache.set(id, { site, until: at + (site ? SITE_CACHE_MS : UNKNOWN_SITE_CACHE_MS) }, 1);
      }
    }
    for (const id of ids) {
      const refusal = siteRefusal(cache.get(id)?.site, origin);
      if (refusal?.reason === 'unregistered') throw new HttpError(403, 'forbidden', `Site ${id} is not registered for ingestion`);
      if (refusal) throw new HttpError(403, 'forbidden', `Origin ${refusal.origin} may not send events of site ${id}`);
    }
  };
}
