import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SITES_WITH_DATA, siteWithDataKey } from '../domain/keys.ts';
import { batchGetAll } from './batch-get.ts';
import { queryPartition } from './query-partition.ts';

// The sites with data, in the aggregates table: `SITES` / `<site_id>`, one item per site ever.

/**
 * Records a site as having data unless it already is (a conditional put: the first record
 * stays, with the time it was made). True if this call recorded it.
 */
export async function recordSiteWithData(doc: DynamoDBDocumentClient, table: string, siteId: string, now = new Date()): Promise<boolean> {
  try {
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { ...siteWithDataKey(siteId), site_id: siteId, recorded_at: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Which of these sites are recorded as having data (BatchGetItem). */
export async function readRecordedSites(doc: DynamoDBDocumentClient, table: string, siteIds: readonly string[]): Promise<Set<string>> {
  const items = await batchGetAll(doc, table, [...new Set(siteIds)].map(siteWithDataKey));
  return new Set(items.map((item) => String(item.sk)));
}

/** Every site recorded as having data, in id order (a Query of one partition, page by page). */
export async function listSitesWithData(doc: DynamoDBDocumentClient, table: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const item of queryPartition(doc, table, SITES_WITH_DATA)) ids.push(String(item.sk));
  return ids;
}
