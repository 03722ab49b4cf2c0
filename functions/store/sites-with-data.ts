import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SITES_WITH_DATA, siteWithDataKey } from '../domain/keys.ts';
import { batchGetAll } from './batch-get.ts';
import { queryPartition } from './query-partition.ts';

// The sites with data, in the aggregates table: `SITES` / `<site_id>`, one item per site ever.

/**
 * Set on a site's record when its month sketches hold every event of their months: the site was
 * recorded by a processor that merges users into month sketches before counting any of its
 * events, or `npm run backfill-months` built its months from its days. Ranges read a whole
 * month's users from its month sketch only then (see month-sketches.ts).
 */
const MONTH_SKETCHES_ATTR = 'month_sketches';

/**
 * Records a site as having data unless it already is (a conditional put: the first record
 * stays, with the time it was made). `monthSketches`: the recording processor merges users into
 * month sketches, so every month of the site has them. True if this call recorded it.
 */
export async function recordSiteWithData(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  { monthSketches = false, now = new Date() }: { monthSketches?: boolean; now?: Date } = {},
): Promise<boolean> {
  try {
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { ...siteWithDataKey(siteId), site_id: siteId, recorded_at: now.toISOString(), ...(monthSketches ? { [MONTH_SKETCHES_ATTR]: true } : {}) },
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

/** Whether a site's month sketches hold every event of their months (false for a site not recorded). */
export async function hasMonthSketches(doc: DynamoDBDocumentClient, table: string, siteId: string): Promise<boolean> {
  const { Item } = await doc.send(new GetCommand({ TableName: table, Key: siteWithDataKey(siteId) }));
  return Item?.[MONTH_SKETCHES_ATTR] === true;
}

/** Marks a recorded site's month sketches complete (after its months were built from its days). */
export async function markMonthSketches(doc: DynamoDBDocumentClient, table: string, siteId: string): Promise<void> {
  await doc.send(
    new UpdateCommand({
      TableName: table,
      Key: siteWithDataKey(siteId),
      UpdateExpression: 'SET #flag = :true',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#flag': MONTH_SKETCHES_ATTR },
      ExpressionAttributeValues: { ':true': true },
    }),
  );
}

/** Every site recorded as having data, in id order (a Query of one partition, page by page). */
export async function listSitesWithData(doc: DynamoDBDocumentClient, table: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const item of queryPartition(doc, table, SITES_WITH_DATA)) ids.push(String(item.sk));
  return ids;
}
