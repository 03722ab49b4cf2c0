import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { planUnits, type UnitPlan } from '../domain/counter-units.ts';
import { storedAsOf } from '../store/write/counter-budgets.ts';
import type { MessageEvent } from './decode-messages.ts';

/**
 * Splits the events into commit units (counter-units.ts): one per site, more when a site's
 * updates would not fit in one transaction. The counter items they add to are read first (those
 * this instance does not know yet), so values past an item's budget are planned as `(other)`.
 */
export async function planBatchUnits(
  doc: DynamoDBDocumentClient,
  aggregatesTable: string,
  events: readonly MessageEvent[],
  batchId: string,
  pathBuckets: number,
): Promise<UnitPlan[]> {
  const tracked = events.map((p) => p.event);
  const storedAs = await storedAsOf(doc, aggregatesTable, tracked, pathBuckets);
  return planUnits(tracked, batchId, pathBuckets, storedAs);
}
