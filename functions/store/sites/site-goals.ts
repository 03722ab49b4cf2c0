import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TtlCache } from '../../commons/ttl-cache.ts';
import type { Goal } from '../../domain/goals.ts';
import { readGoals } from './goals.ts';
import { REGISTRATION_CACHE_MS } from './registration-cache.ts';

/** Sites whose goals an instance remembers. */
const GOALS_CACHE_ENTRIES = 10_000;

/** The goals of a site as GET /stats/goals reads them. */
export type SiteGoals = (siteId: string) => Promise<Goal[]>;

/**
 * A site's goals, read again once older than a minute (as registrations: a goal added or removed
 * applies within a minute), per function instance.
 */
export function siteGoals(doc: DynamoDBDocumentClient, table: string, now: () => number = Date.now): SiteGoals {
  const cache = new TtlCache<string, Goal[]>({ maxEntries: GOALS_CACHE_ENTRIES, ttlMs: REGISTRATION_CACHE_MS, now });
  return async (siteId) => {
    const read = await cache.readThrough([siteId], async ([id]) => [await readGoals(doc, table, id!)]);
    return read.get(siteId) ?? [];
  };
}
