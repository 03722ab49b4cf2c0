import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ALL_TIME, DAY_TOTALS_FIRST, DAY_TOTALS_LAST, dayOfTotalsKey, totalsKey, VIEWS_ATTR } from '../domain/keys.ts';
import type { SiteSummary } from '../domain/site-list.ts';
import { mapLimit } from '../commons/map-limit.ts';
import { batchGetAll } from './batch-get.ts';

/** Sites whose first and last days are read at once. */
const SITE_CONCURRENCY = 8;

/** The first (or last) day of a site with a totals item: one key-only Query of one item. */
async function edgeDay(doc: DynamoDBDocumentClient, table: string, siteId: string, first: boolean): Promise<string | undefined> {
  const { pk } = totalsKey(siteId, ALL_TIME);
  const { Items } = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: { ':pk': pk, ':first': DAY_TOTALS_FIRST, ':last': DAY_TOTALS_LAST },
      ScanIndexForward: first,
      Limit: 1,
      ProjectionExpression: 'sk',
    }),
  );
  const sk = Items?.[0]?.sk;
  return sk === undefined ? undefined : dayOfTotalsKey(String(sk));
}

/**
 * Each site's first and last day with data and all-time views, in the order given (undefined
 * for a site without a day of data): the all-time totals in one BatchGetItem per 100 sites, and
 * two one-item Queries per site for its first and last day.
 */
export async function readSiteSummaries(doc: DynamoDBDocumentClient, table: string, siteIds: readonly string[]): Promise<Array<SiteSummary | undefined>> {
  const [allTime, edges] = await Promise.all([
    batchGetAll(doc, table, siteIds.map((id) => totalsKey(id, ALL_TIME))),
    mapLimit(siteIds, SITE_CONCURRENCY, (id) => Promise.all([edgeDay(doc, table, id, true), edgeDay(doc, table, id, false)])),
  ]);
  const viewsBySite = new Map(allTime.map((item) => [String(item.pk), Number(item[VIEWS_ATTR] ?? 0)]));
  return siteIds.map((siteId, i) => {
    const [firstDay, lastDay] = edges[i]!;
    if (firstDay === undefined || lastDay === undefined) return undefined;
    return { site_id: siteId, first_day: firstDay, last_day: lastDay, views: viewsBySite.get(totalsKey(siteId, ALL_TIME).pk) ?? 0 };
  });
}
