import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryPartition } from './query-partition.ts';
import { addPathCounts, pathPartition, type Scope } from '../domain/keys.ts';
import { totalPathViews } from '../domain/stats.ts';
import { backoff, delay } from '../commons/map-limit.ts';

/** Reads of a scope's paths before a torn read is given up on. */
export const AGREEMENT_ATTEMPTS = 5;

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

/**
 * Page views per path that agree with `views`, the scope's view counter read just before (see
 * pathViewsAgree). Paths summing to less were read in the middle of a commit (DynamoDB Local
 * applies a transaction's items one at a time; on AWS a Query is read-committed per item), so
 * they are read again, a few times; paths summing to more are newer than the counter, which
 * reading again cannot fix. `agrees` says whether they matched in the end.
 */
export async function readAgreeingPathViews(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
  views: number,
): Promise<{ pathViews: Map<string, number>; agrees: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const pathViews = await readPathViews(doc, table, siteId, scope, { consistent: true });
    const total = totalPathViews(pathViews);
    if (total === views) return { pathViews, agrees: true };
    if (total > views || attempt >= AGREEMENT_ATTEMPTS) return { pathViews, agrees: false };
    await delay(backoff(attempt));
  }
}
