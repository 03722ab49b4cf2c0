import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ALL_TIME,
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
} from '../../domain/table-schema.ts';
import type { SiteTotals } from '../../domain/stats.ts';
import type { HourCounts } from '../../domain/timeseries.ts';
import { batchGetAll } from '../dynamodb/batch-get.ts';
import { queryPartition } from '../dynamodb/query-partition.ts';
import { sharedReads } from './shared-reads.ts';

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

const totalsReads = sharedReads<SiteTotals>();

/**
 * The totals items of a site for many scopes (BatchGetItem). Scopes without an item are left out.
 * Concurrent callers share reads of the same scope (see shared-reads.ts): totals are read
 * eventually consistent, so a read already under way is as current as a new one would be, and
 * the dashboard's requests for a period (figures, chart, each breakdown) read each day's totals once.
 */
export async function readTotals(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scopes: readonly Scope[],
): Promise<Map<Scope, SiteTotals>> {
  const readKey = (scope: Scope) => `${table}\n${siteId}\n${scope}`;
  const scopeOf = new Map(scopes.map((scope) => [readKey(scope), scope]));
  const read = await totalsReads([...scopeOf.keys()], async (wanted) => {
    const bySortKey = new Map(wanted.map((key) => [totalsKey(siteId, scopeOf.get(key)!).sk, key]));
    const items = await batchGetAll(doc, table, wanted.map((key) => totalsKey(siteId, scopeOf.get(key)!)));
    return new Map(items.map((item) => [bySortKey.get(String(item.sk))!, totalsOf(item)]));
  });
  return new Map([...read].map(([key, totals]) => [scopeOf.get(key)!, totals]));
}

/**
 * Every day of a site that has data, with its totals: one Query of the site's totals partition
 * (day items sort before the all-time item). All-time paths and breakdowns add these days up.
 */
export async function readSiteDays(doc: DynamoDBDocumentClient, table: string, siteId: string): Promise<Map<Scope, SiteTotals>> {
  const { pk } = totalsKey(siteId, ALL_TIME);
  const days = new Map<Scope, SiteTotals>();
  const between = [totalsKey(siteId, '0000-00-00').sk, totalsKey(siteId, '9999-99-99').sk] as const;
  for await (const item of queryPartition(doc, table, pk, false, between)) days.set(String(item.sk).slice(DAY_SK_PREFIX_LENGTH), totalsOf(item));
  return days;
}

const DAY_SK_PREFIX_LENGTH = totalsKey('', '').sk.length;

/** A day's views, visits and events by hour index from local midnight, from its totals item (none: empty). */
export async function readDayHours(doc: DynamoDBDocumentClient, table: string, siteId: string, day: Scope): Promise<Map<number, HourCounts>> {
  const { Item } = await doc.send(new GetCommand({ TableName: table, Key: totalsKey(siteId, day) }));
  return hourCounts(Item ?? {});
}
