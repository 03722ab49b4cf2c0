import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ALL_TIME, DAY_TOTALS_FIRST, DAY_TOTALS_LAST, dayOfTotalsKey, totalsKey, VIEWS_ATTR } from '../../domain/table-schema.ts';
import type { SiteRecord, SiteSummary } from '../../domain/site-list.ts';
import { mapLimit } from '../../commons/map-limit.ts';
import { batchGetAll } from '../dynamodb/batch-get.ts';

/** Sites whose first and last days are read at once (records without them). */
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

/** A site's first and last days: from its record, or, for a record made before they were kept, read from its days. */
async function daysOf(doc: DynamoDBDocumentClient, table: string, record: SiteRecord): Promise<[string | undefined, string | undefined]> {
  if (record.first_day !== undefined && record.last_day !== undefined) return [record.first_day, record.last_day];
  return Promise.all([edgeDay(doc, table, record.site_id, true), edgeDay(doc, table, record.site_id, false)]);
}

/**
 * Each site's first and last day with data and all-time views, in the order given (undefined
 * for a site without all-time totals yet, or without a day): the all-time totals in one
 * BatchGetItem per 100 sites; the days from the records, and only for records without them two
 * one-item Queries each.
 */
export async function readSiteSummaries(doc: DynamoDBDocumentClient, table: string, records: readonly SiteRecord[]): Promise<Array<SiteSummary | undefined>> {
  const [allTime, days] = await Promise.all([
    batchGetAll(doc, table, records.map((record) => totalsKey(record.site_id, ALL_TIME))),
    mapLimit(records, SITE_CONCURRENCY, (record) => daysOf(doc, table, record)),
  ]);
  const viewsBySite = new Map(allTime.map((item) => [String(item.pk), Number(item[VIEWS_ATTR] ?? 0)]));
  return records.map(({ site_id }, i) => {
    const [firstDay, lastDay] = days[i]!;
    const views = viewsBySite.get(totalsKey(site_id, ALL_TIME).pk);
    if (firstDay === undefined || lastDay === undefined || views === undefined) return undefined;
    return { site_id, first_day: firstDay, last_day: lastDay, views };
  });
}
