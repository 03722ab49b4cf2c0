import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  EVENTS_ATTR,
  hourCounts,
  MULTI_VIEW_VISITS_ATTR,
  totalsKey,
  typeCounts,
  VIEWS_ATTR,
  VISIT_MS_ATTR,
  VISIT_VIEWS_ATTR,
  VISITS_ATTR,
  type Scope,
} from '../domain/keys.ts';
import type { SiteTotals } from '../domain/stats.ts';
import type { HourCounts } from '../domain/timeseries.ts';
import { batchGetAll } from './batch-get.ts';

/** The counters of a totals item (an absent item is all zeros). */
export function totalsOf(item: Record<string, unknown> = {}): SiteTotals {
  const count = (attr: string) => Number(item[attr] ?? 0);
  return {
    views: count(VIEWS_ATTR),
    events: count(EVENTS_ATTR),
    eventsByType: typeCounts(item),
    visits: count(VISITS_ATTR),
    multiViewVisits: count(MULTI_VIEW_VISITS_ATTR),
    visitMs: count(VISIT_MS_ATTR),
    visitViews: count(VISIT_VIEWS_ATTR),
  };
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

/** A day's views, visits and events by hour index from local midnight, from its totals item (none: empty). */
export async function readDayHours(doc: DynamoDBDocumentClient, table: string, siteId: string, day: Scope): Promise<Map<number, HourCounts>> {
  const { Item } = await doc.send(new GetCommand({ TableName: table, Key: totalsKey(siteId, day) }));
  return hourCounts(Item ?? {});
}
