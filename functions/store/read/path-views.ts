import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryPartition } from '../dynamodb/query-partition.ts';
import { addPathCounts, pathPartition, PATHS_CODE, type Scope } from '../../domain/table-schema.ts';
import { listHeavyPaths } from '../../domain/overflow-rows.ts';
import { totalPathViews } from '../../domain/stats.ts';
import { agreementOf } from '../../domain/agreement.ts';
import { readUntilAgreeing } from './agreeing-read.ts';

/**
 * Page views per path of a site's scope, summed over every path bucket found (whatever the
 * bucket count was when they were written), with the heavy hitters of its `(other)` listed
 * (overflow-rows.ts); `consistent` for a strongly consistent read.
 */
export async function readPathViews(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
  { consistent = false }: { consistent?: boolean } = {},
): Promise<Map<string, number>> {
  const views = new Map<string, number>();
  const items: Record<string, unknown>[] = [];
  for await (const item of queryPartition(doc, table, pathPartition(siteId, scope), consistent)) items.push(item);
  for (const item of items) addPathCounts(item, views);
  listHeavyPaths(items, PATHS_CODE, views);
  return views;
}

/**
 * Page views per path that agree with `views`, the scope's view counter read just before (see
 * agreement.ts): paths summing to less are read again, a few times. `agrees` says whether they
 * matched in the end.
 */
export async function readAgreeingPathViews(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
  views: number,
): Promise<{ pathViews: Map<string, number>; agrees: boolean }> {
  const { value, agrees } = await readUntilAgreeing(
    () => readPathViews(doc, table, siteId, scope, { consistent: true }),
    (pathViews) => agreementOf([[totalPathViews(pathViews), views]]),
  );
  return { pathViews: value, agrees };
}
