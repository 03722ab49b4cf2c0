// The record-sites migration (cli.ts runs it): sites with data counted before the processor
// recorded them. Delete this folder once every deployment has run it (see cli.ts).
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ALL_TIME, DAY_TOTALS_FIRST, DAY_TOTALS_LAST, dayOfTotalsKey, totalsKey } from '../../../functions/domain/table-schema.ts';
import { lowerFirstDay, raiseLastDay, recordSiteWithData, type DaySpan } from '../../../functions/store/sites/sites-with-data.ts';

const SITE_PREFIX = totalsKey('', ALL_TIME).pk;
const ALL_TIME_SK = totalsKey('', ALL_TIME).sk;

/**
 * Every site with all-time totals, with the first and last of its days with totals: one Scan of
 * the aggregates table, page by page (an operator's one-off, never a request's path).
 */
async function sitesWithTotals(doc: DynamoDBDocumentClient, table: string): Promise<Map<string, DaySpan | undefined>> {
  const sites = new Map<string, DaySpan | undefined>();
  const days = new Map<string, DaySpan>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(pk, :site) AND (sk = :all OR sk BETWEEN :first AND :last)',
        ExpressionAttributeValues: { ':site': SITE_PREFIX, ':all': ALL_TIME_SK, ':first': DAY_TOTALS_FIRST, ':last': DAY_TOTALS_LAST },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const siteId = String(item.pk).slice(SITE_PREFIX.length);
      if (item.sk === ALL_TIME_SK) {
        sites.set(siteId, undefined);
        continue;
      }
      const day = dayOfTotalsKey(String(item.sk));
      const span = days.get(siteId);
      if (!span) days.set(siteId, { first: day, last: day });
      else if (day < span.first) span.first = day;
      else if (day > span.last) span.last = day;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  for (const siteId of sites.keys()) sites.set(siteId, days.get(siteId));
  return sites;
}

/**
 * Records among the sites with data every site that has all-time totals, for data counted before
 * the processor recorded sites, and gives every record the first and last days of the site's
 * day totals where it lacks them or they are narrower (records made before those days were
 * kept): one Scan, then a conditional put per site not yet recorded, or up to two conditional
 * updates per recorded one. Returns the sites found, how many were newly recorded, and how many
 * records had their days filled in or widened.
 */
export async function recordExistingSites(doc: DynamoDBDocumentClient, table: string): Promise<{ found: string[]; recorded: number; filled: number }> {
  const sites = await sitesWithTotals(doc, table);
  let recorded = 0;
  let filled = 0;
  for (const [siteId, days] of sites) {
    if (await recordSiteWithData(doc, table, siteId, { days })) recorded++;
    else if (days) {
      const [first, last] = [await lowerFirstDay(doc, table, siteId, days.first, { orSet: true }), await raiseLastDay(doc, table, siteId, days.last)];
      if (first || last) filled++;
    }
  }
  return { found: [...sites.keys()], recorded, filled };
}
