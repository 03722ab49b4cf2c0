import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EVENTS_ATTR, totalsKey, typeCounts, VIEWS_ATTR, type Scope } from '../domain/keys.ts';
import type { SiteTotals } from '../domain/stats.ts';
import { backoff, delay } from '../commons/map-limit.ts';

/** Keys BatchGetItem takes per call. */
const BATCH_GET_LIMIT = 100;
/** Calls per chunk before giving up on keys DynamoDB keeps returning as unprocessed. */
const MAX_ATTEMPTS = 10;

/** The counters of a totals item (an absent item is all zeros). */
export function totalsOf(item: Record<string, unknown> = {}): SiteTotals {
  return { views: Number(item[VIEWS_ATTR] ?? 0), events: Number(item[EVENTS_ATTR] ?? 0), eventsByType: typeCounts(item) };
}

/**
 * The totals items of a site for many scopes, with one BatchGetItem per 100 scopes (in
 * parallel), reading UnprocessedKeys again with backoff. Scopes without an item are left out.
 */
export async function readTotals(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scopes: readonly Scope[],
): Promise<Map<Scope, SiteTotals>> {
  const found = new Map<Scope, SiteTotals>();
  const chunks: Scope[][] = [];
  for (let i = 0; i < scopes.length; i += BATCH_GET_LIMIT) chunks.push(scopes.slice(i, i + BATCH_GET_LIMIT));
  await Promise.all(
    chunks.map(async (chunk) => {
      const scopeBySortKey = new Map(chunk.map((scope) => [totalsKey(siteId, scope).sk, scope]));
      let keys: Record<string, unknown>[] | undefined = chunk.map((scope) => ({ ...totalsKey(siteId, scope) }));
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new Error(`totals of ${siteId}: ${keys.length} keys still unprocessed after ${MAX_ATTEMPTS} calls`);
        if (attempt > 0) await delay(backoff(attempt));
        const result: BatchGetCommandOutput = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys } } }));
        for (const item of result.Responses?.[table] ?? []) found.set(scopeBySortKey.get(String(item.sk))!, totalsOf(item));
        keys = result.UnprocessedKeys?.[table]?.Keys;
      }
    }),
  );
  return found;
}

