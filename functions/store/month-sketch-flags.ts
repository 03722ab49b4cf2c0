import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { WeightedLru } from '../commons/weighted-lru.ts';
import { hasMonthSketches } from './sites-with-data.ts';

/** How long a site without complete month sketches is trusted so before it is read again. */
export const MONTH_FLAG_CACHE_MS = 60_000;
const FLAG_CACHE_ENTRIES = 10_000;

/** Whether a site's month sketches hold every event of their months. */
export type MonthSketchFlags = (siteId: string) => Promise<boolean>;

/**
 * Reads a site's month-sketch flag from its record among the sites with data. A set flag is
 * never cleared, so it is remembered for the life of the instance; an unset one is read again
 * after a minute (the backfill sets it while the stack runs).
 */
export function monthSketchFlags(doc: DynamoDBDocumentClient, table: string, now: () => number = Date.now): MonthSketchFlags {
  const cache = new WeightedLru<string, { complete: boolean; until: number }>(FLAG_CACHE_ENTRIES);
  return async (siteId) => {
    const cached = cache.get(siteId);
    if (cached && (cached.complete || cached.until > now())) return cached.complete;
    const complete = await hasMonthSketches(doc, table, siteId);
    cache.set(siteId, { complete, until: now() + MONTH_FLAG_CACHE_MS }, 1);
    return complete;
  };
}
