import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Dimension } from '../../domain/audience.ts';
import { breakdownAgreement, type ValueCounts } from '../../domain/breakdown.ts';
import { addDimensionCounts, DIMENSION_CODES, pathPartition, type Scope } from '../../domain/table-schema.ts';
import { listHeavyValues } from '../../domain/overflow-rows.ts';
import type { SiteTotals } from '../../domain/stats.ts';
import { readUntilAgreeing } from './agreeing-read.ts';
import { queryPartition } from '../dynamodb/query-partition.ts';

/**
 * Visits and page views per value of one dimension in a site's scope, summed over every path
 * bucket found (breakdown counters live in the path buckets); `consistent` for a strongly
 * consistent read.
 */
export async function readDimensionCounts(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
  dimension: Dimension,
  { consistent = false }: { consistent?: boolean } = {},
): Promise<Map<string, ValueCounts>> {
  const counts = new Map<string, ValueCounts>();
  const items: Record<string, unknown>[] = [];
  for await (const item of queryPartition(doc, table, pathPartition(siteId, scope), consistent)) items.push(item);
  for (const item of items) addDimensionCounts(item, dimension, counts);
  listHeavyValues(items, DIMENSION_CODES[dimension], counts);
  return counts;
}

/**
 * A dimension's counts that agree with `totals`, the scope's totals read just before (see
 * breakdownAgreement), read again a few times while they fall short. `agrees` says whether they
 * matched in the end.
 */
export async function readAgreeingDimensionCounts(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
  dimension: Dimension,
  totals: SiteTotals,
): Promise<{ counts: Map<string, ValueCounts>; agrees: boolean }> {
  const { value, agrees } = await readUntilAgreeing(
    () => readDimensionCounts(doc, table, siteId, scope, dimension, { consistent: true }),
    (counts) => breakdownAgreement(counts, dimension, totals),
  );
  return { counts: value, agrees };
}
