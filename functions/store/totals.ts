import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EVENTS_ATTR, totalsKey, typeCounts, VIEWS_ATTR, type Scope } from '../domain/keys.ts';
import type { SiteTotals } from '../domain/stats.ts';
import { batchGetAll } from './batch-get.ts';

/** The counters of a totals item (an absent item is all zeros). */
export function totalsOf(item: Record<string, unknown> = {}): SiteTotals {
  return { views: Number(item[VIEWS_ATTR] ?? 0), events: Number(item[EVENTS_ATTR] ?? 0), eventsByType: typeCounts(item) };
}

/** The totals items of a site for many scopes (BatchGetItem). Scopes without an item are left out. */
export async function readTotals(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scopes: readonly Scope[],
): Promise<Map<Scope, SiteTotals>> {
  const scopeBySortKey = new Map(scopes.map((scope) => [totalsKey(siteId, scope).sk, scope]));
  const items = await batchGetAll(doc, table, scopes.map((scope) => totalsKey(siteId, scope)));
  return new Map(items.map((item) => [scopeBySortKey.get(String(item.sk))!, totalsOf(item)]));
}
