import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { siteTimeZone } from '../domain/sites.ts';
import { logger } from '../commons/observability.ts';
import { WeightedLru } from '../commons/weighted-lru.ts';
import { readSites } from './sites.ts';

/** How long a site's zone is trusted before it is read again (so a change applies within a minute). */
export const ZONE_CACHE_MS = 60_000;
/** Sites remembered per function instance. */
const ZONE_CACHE_ENTRIES = 10_000;

/**
 * The time zones of these sites (UTC for unregistered ones). A site is missing from the answer
 * only when its registration could not be read and none was read before: its events must wait.
 */
export type SiteZones = (siteIds: readonly string[]) => Promise<ReadonlyMap<string, string>>;

/**
 * Reads the zones of a batch's sites in one BatchGetItem, for the sites not read in the last
 * minute, so the sites table costs read units per batch at most, and mostly none. If the read
 * fails, zones read before are used even if older than a minute: a zone rarely changes.
 */
export function siteZones(doc: DynamoDBDocumentClient, table: string, now: () => number = Date.now): SiteZones {
  const cache = new WeightedLru<string, { zone: string; until: number }>(ZONE_CACHE_ENTRIES);
  return async (siteIds) => {
    const ids = [...new Set(siteIds)];
    const at = now();
    const stale = ids.filter((id) => (cache.get(id)?.until ?? 0) <= at);
    if (stale.length > 0) {
      try {
        const found = await readSites(doc, table, stale);
        for (const id of stale) cache.set(id, { zone: siteTimeZone(found.get(id)), until: at + ZONE_CACHE_MS }, 1);
      } catch (error) {
        logger.error('site time zones unavailable', error as Error);
      }
    }
    const zones = new Map<string, string>();
    for (const id of ids) {
      const cached = cache.get(id);
      if (cached) zones.set(id, cached.zone);
    }
    return zones;
  };
}
