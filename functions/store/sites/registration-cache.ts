import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SiteRegistration } from '../../domain/sites.ts';
import { TtlCache } from '../../commons/ttl-cache.ts';
import { readSites } from './registrations.ts';

/** How long a registration is trusted before it is read again (so a change applies within a minute). */
export const REGISTRATION_CACHE_MS = 60_000;
/** Sites remembered per function instance (unregistered ids included, so a flood of them stays bounded). */
const REGISTRATION_CACHE_ENTRIES = 10_000;

/**
 * The registrations of these sites by id, undefined for a site that is not registered. With
 * `onError`, a failed read is handed to it and the registrations read before are answered,
 * however old (a site never read is then left out); without, it throws.
 */
export type CachedRegistrations = (
  siteIds: readonly string[],
  options?: { onError?: (error: unknown) => void },
) => Promise<Map<string, SiteRegistration | undefined>>;

/**
 * Site registrations as the functions read them (the processor and the stats function for time
 * zones, restricted ingestion for origins): per instance, each site's registration is read again
 * once older than REGISTRATION_CACHE_MS (`unregisteredMs` for a site found unregistered), and the
 * sites due are read together, one BatchGetItem, so the sites table costs read units at most once
 * a minute per site, and mostly none.
 */
export function registrationCache(
  doc: DynamoDBDocumentClient,
  table: string,
  { unregisteredMs = REGISTRATION_CACHE_MS, now = Date.now }: { unregisteredMs?: number; now?: () => number } = {},
): CachedRegistrations {
  const cache = new TtlCache<string, SiteRegistration | undefined>({
    maxEntries: REGISTRATION_CACHE_ENTRIES,
    ttlMs: (site) => (site ? REGISTRATION_CACHE_MS : unregisteredMs),
    now,
  });
  const readMany = async (siteIds: string[]) => {
    const found = await readSites(doc, table, siteIds);
    return siteIds.map((id) => found.get(id));
  };
  return (siteIds, options) => cache.readThrough(siteIds, readMany, options);
}
