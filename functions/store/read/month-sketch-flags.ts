import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TtlCache } from '../../commons/ttl-cache.ts';
import { hasMonthSketches } from '../sites/sites-with-data.ts';

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
  const flags = new TtlCache<string, boolean>({
    maxEntries: FLAG_CACHE_ENTRIES,
    ttlMs: (complete) => (complete ? Infinity : MONTH_FLAG_CACHE_MS),
    now,
  });
  const readMany = (siteIds: string[]) => Promise.all(siteIds.map((siteId) => hasMonthSketches(doc, table, siteId)));
  return async (siteId) => (await flags.readThrough([siteId], readMany)).get(siteId)!;
}
