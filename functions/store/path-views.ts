import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryPartition } from './query-partition.ts';
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
  for await (const item of queryPartition(doc, table, pathPartition(siteId, scope), consistent)) addPathCounts(item, views);
  return views;
}
