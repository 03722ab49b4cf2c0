import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ALL_TIME, totalsKey } from '../../functions/domain/keys.ts';
import { recordSiteWithData } from '../../functions/store/sites-with-data.ts';

const SITE_PREFIX = totalsKey('', ALL_TIME).pk;

/**
 * Records among the sites with data every site that has an all-time totals item: for data
 * counted before the processor recorded sites. One Scan of the aggregates table, page by page
 * (an operator's one-off, never a request's path), then a conditional put per site not yet
 * recorded. Returns the sites found and how many were newly recorded.
 */
export async function recordExistingSites(doc: DynamoDBDocumentClient, table: string): Promise<{ found: string[]; recorded: number }> {
  const found: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'sk = :all AND begins_with(pk, :site)',
        ExpressionAttributeValues: { ':all': totalsKey('', ALL_TIME).sk, ':site': SITE_PREFIX },
        ProjectionExpression: 'pk',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) found.push(String(item.pk).slice(SITE_PREFIX.length));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  let recorded = 0;
  for (const siteId of found) if (await recordSiteWithData(doc, table, siteId)) recorded++;
  return { found, recorded };
}
