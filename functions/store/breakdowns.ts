import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Dimension } from '../domain/audience.ts';
import { addValueCounts, breakdownAgreement, type ValueCounts } from '../domain/breakdown.ts';
import { totalsKey, type Scope } from '../domain/keys.ts';
import { mapLimit } from '../commons/map-limit.ts';
import { readUntilAgreeing } from './agreeing-read.ts';
import { READ_CONCURRENCY, readDayBreakdown } from './day-partitions.ts';
import { readDimensionCounts } from './dimension-counts.ts';
import { readTotals, totalsOf } from './totals.ts';

/**
 * Visits and page views per value of one dimension for one day or all time: the scope's totals
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
 * or all time alone), summed. Over a range the totals come first (BatchGetItem); only days with
 * a totals item have buckets to read, at most READ_CONCURRENCY at a time, and a day's buckets
 * are read again only when its totals changed (see day-partitions.ts).
 */
export async function readBreakdown(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scopes: readonly Scope[],
  dimension: Dimension,
): Promise<Map<string, ValueCounts>> {
  if (scopes.length === 1) return readScopeBreakdown(doc, table, siteId, scopes[0]!, dimension);
  const totals = await readTotals(doc, table, siteId, scopes);
  const days = await mapLimit([...totals], READ_CONCURRENCY, ([day, dayTotals]) => readDayBreakdown(doc, table, siteId, day, dimension, dayTotals));
  const sum = new Map<string, ValueCounts>();
  for (const counts of days) addValueCounts(sum, counts);
  return sum;
}
