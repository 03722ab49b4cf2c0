import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { addPathCounts, pathPartition, type Scope } from '../domain/keys.ts';

/**
 * Page views per path of a site's scope, summed over every path bucket found (whatever the
 * bucket count was when they were written); `consistent` for a strongly consistent read.
 */
export async function readPathViews(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
  { consistent = false }: { consistent?: boolean } = {},
): Promise<Map<string, number>> {
  const views = new Map<string, number>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pathPartition(siteId, scope) },
        ExclusiveStartKey: startKey,
        ...(consistent ? { ConsistentRead: true } : {}),
      }),
    );
    for (const item of page.Items ?? []) addPathCounts(item, views);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return views;
}
