import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Dimension } from '../../domain/audience.ts';
import { addValueCounts, breakdownAgreement, type ValueCounts } from '../../domain/breakdown.ts';
import { ALL_TIME, DEFAULT_PATH_BUCKETS, totalsKey, type Scope } from '../../domain/table-schema.ts';
import { mapLimit } from '../../commons/map-limit.ts';
import { readUntilAgreeing } from './agreeing-read.ts';
import { readDayBreakdown } from './partition-cache.ts';
import { readDaysFromBuckets } from './range-partitions.ts';
import { readDimensionCounts } from './dimension-counts.ts';
import { readSiteDays, readTotals, totalsOf } from './totals.ts';
import { carryInexact } from '../../domain/overflow-rows.ts';

/**
 * Visits and page views per value of one dimension for one day: the day's totals
 * and path buckets read at once, again (a few times) while the counts do not agree with the
 * totals (see breakdownAgreement).
 */
async function readScopeBreakdown(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
  dimension: Dimension,
): Promise<Map<string, ValueCounts>> {
  const { value } = await readUntilAgreeing(
    async () => {
      const [item, counts] = await Promise.all([
        doc.send(new GetCommand({ TableName: table, Key: totalsKey(siteId, scope) })),
        readDimensionCounts(doc, table, siteId, scope, dimension),
      ]);
      return { totals: totalsOf(item.Item), counts };
    },
    // The totals are read again with the counts, so counts ahead of them can agree next time.
    ({ totals, counts }) => (breakdownAgreement(counts, dimension, totals) === 'agrees' ? 'agrees' : 'behind'),
  );
  return value.counts;
}

/**
 * Visits and page views per value of one dimension over distinct scopes (the days of a range,
 * or all time alone), summed. Over a range the totals come first (BatchGetItem); for all time,
 * every day with data (breakdowns are kept by the day only). Only days with a totals item have
 * buckets to read, by key (`pathBuckets` a day), and a day's buckets are read again only when
 * its totals changed (see partition-cache.ts).
 */
export async function readBreakdown(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scopes: readonly Scope[],
  dimension: Dimension,
  { pathBuckets = DEFAULT_PATH_BUCKETS }: { pathBuckets?: number } = {},
): Promise<Map<string, ValueCounts>> {
  const allTime = scopes.length === 1 && scopes[0] === ALL_TIME;
  if (scopes.length === 1 && !allTime) return readScopeBreakdown(doc, table, siteId, scopes[0]!, dimension);
  const totals = allTime ? await readSiteDays(doc, table, siteId) : await readTotals(doc, table, siteId, scopes);
  const sum = new Map<string, ValueCounts>();
  const days = await readDaysFromBuckets(doc, table, siteId, totals, pathBuckets, {
    kind: `breakdown:${dimension}`,
    fromBuckets: (read) => read.breakdowns.get(dimension),
    readWhole: (day, dayTotals) => readDayBreakdown(doc, table, siteId, day, dimension, dayTotals),
  });
  for (const counts of days.values()) {
    addValueCounts(sum, counts);
    carryInexact(counts, sum);
  }
  return sum;
}
