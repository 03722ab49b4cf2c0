import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { addPathCounts, EVENTS_ATTR, pathPartition, totalsKey, typeCounts, VIEWS_ATTR, type Scope } from '../domain/keys.ts';
import type { ScopeAggregates } from '../domain/stats.ts';
import { estimate } from '../domain/sketch.ts';
import { readSketch } from './sketches.ts';

/** Sums every path bucket of a site's scope, whatever the bucket count was when written. */
async function readPathViews(doc: DynamoDBDocumentClient, table: string, siteId: string, scope: Scope): Promise<Map<string, number>> {
  const views = new Map<string, number>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pathPartition(siteId, scope) },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) addPathCounts(item, views);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return views;
}

/** The aggregates of one site for one day or all time: three reads, never raw events. */
export async function readScopeAggregates(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
): Promise<ScopeAggregates> {
  const [totals, pathViews, sketch] = await Promise.all([
    doc.send(new GetCommand({ TableName: table, Key: totalsKey(siteId, scope) })),
    readPathViews(doc, table, siteId, scope),
    readSketch(doc, table, siteId, scope),
  ]);
  const item = totals.Item ?? {};
  return {
    views: Number(item[VIEWS_ATTR] ?? 0),
    events: Number(item[EVENTS_ATTR] ?? 0),
    eventsByType: typeCounts(item),
    pathViews,
    uniqueUsers: estimate(sketch),
  };
}
