import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { siteTimeZone } from '../../domain/sites.ts';
import { logger } from '../../commons/observability.ts';
import { REGISTRATION_CACHE_MS, registrationCache } from './registration-cache.ts';

/** How long a site's zone is trusted before it is read again: as long as its registration (a change applies within a minute). */
export const ZONE_CACHE_MS = REGISTRATION_CACHE_MS;

/**
 * The time zones of these sites (UTC for unregistered ones). A site is missing from the answer
 * only when its registration could not be read and none was read before: its events must wait.
 */
export type SiteZones = (siteIds: readonly string[]) => Promise<ReadonlyMap<string, string>>;

/**
 * Reads the zones of a batch's sites from their registrations (registration-cache.ts: those not
 * read in the last minute, in one BatchGetItem). If the read fails, zones read before are used
 * even if older than a minute: a zone rarely changes.
 */
export function siteZones(doc: DynamoDBDocumentClient, table: string, now: () => number = Date.now): SiteZones {
  const registrations = registrationCache(doc, table, { now });
  const onError = (error: unknown) => logger.error('site time zones unavailable', error as Error);
  return async (siteIds) => {
    const sites = await registrations(siteIds, { onError });
    return new Map([...sites].map(([id, site]) => [id, siteTimeZone(site)]));
  };
}
