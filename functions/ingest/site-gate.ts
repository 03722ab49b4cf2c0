import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TrackedEvent } from '../domain/event.ts';
import { siteRefusal, type SiteRegistration } from '../domain/sites.ts';
import { HttpError } from '../commons/http.ts';
import { logger } from '../commons/observability.ts';
import { REGISTRATION_CACHE_MS, registrationCache } from '../store/sites/registration-cache.ts';

/** How long a registration is trusted before it is read again (so a change applies within a minute). */
export const SITE_CACHE_MS = REGISTRATION_CACHE_MS;
/** How long an unregistered site is: shorter, so a site registered after a refusal works soon. */
export const UNKNOWN_SITE_CACHE_MS = 10_000;

/** Throws the HttpError that refuses `events` (403, or 503 if registrations cannot be read), or returns. */
export type SiteGate = (events: readonly TrackedEvent[], origin: string | undefined) => Promise<void>;

/**
 * Restricted ingestion: events are accepted only for registered sites, and from browsers only
 * from a site's allowed origins. Registrations are read in one BatchGetItem per request for
 * the sites not seen in the last minute (registration-cache.ts).
 */
export function siteGate(doc: DynamoDBDocumentClient, table: string, now: () => number = Date.now): SiteGate {
  const registrations = registrationCache(doc, table, { unregisteredMs: UNKNOWN_SITE_CACHE_MS, now });
  return async (events, origin) => {
    const ids = [...new Set(events.map((event) => event.site_id))];
    let sites: Map<string, SiteRegistration | undefined>;
    try {
      sites = await registrations(ids);
    } catch (error) {
      logger.error('site registrations unavailable', error as Error);
      throw new HttpError(503, 'registry_unavailable', 'Site registrations cannot be checked right now; retry later', undefined, {
        'retry-after': '5',
      });
    }
    for (const id of ids) {
      const refusal = siteRefusal(sites.get(id), origin);
      if (refusal?.reason === 'unregistered') throw new HttpError(403, 'forbidden', `Site ${id} is not registered for ingestion`);
      if (refusal) throw new HttpError(403, 'forbidden', `Origin ${refusal.origin} may not send events of site ${id}`);
    }
  };
}
