// `npm run bench`: the billed DynamoDB write units and SQS requests of a run, from the
// processor's log lines, the counting proxies (when wired) and the counter items' end sizes.
import { billedWriteUnits, WRITE_UNIT_BYTES } from '../lib/billing.ts';
import { counterKind, type ItemSizeReport } from './item-sizes.ts';
import { sum } from '../lib/numbers.ts';
import type { DynamoDbWireSnapshot, SqsWireSnapshot, TransactionItemRecord } from '../wire/snapshot.ts';

/** Units per operation, summed over the processor's per-batch `capacity` log lines. */
export function capacityTotalsOf(lines: Array<{ capacity?: Record<string, number> }>): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const line of lines) for (const [op, units] of Object.entries(line.capacity ?? {})) totals[op] = (totals[op] ?? 0) + units;
  return totals;
}

/**
 * Write units: single-item writes as DynamoDB reported them (log lines); transaction items at
 * 2 x ceil(size / 1 KB), sized at the end of the run (an upper bound: counter items only grow).
 * With the wire, also the total with transaction items sized at each write. Without it, every
 * transaction item is sized as the largest counter item.
 */
export function writeUnitsOfRun(input: {
  capacityTotals: Record<string, number>;
  dynamodb: DynamoDbWireSnapshot | undefined;
  sizes: ItemSizeReport;
}): ReturnType<typeof billedWriteUnits> & { totalAtWrite: number | undefined } {
  const { capacityTotals, dynamodb, sizes } = input;
  const txSizesUpperBound: number[] = [];
  if (dynamodb) {
    for (const item of dynamodb.transactionItems) {
      const finalUnits = sizes.unitsByItem.get(`${item.table}|${item.pk}|${item.sk}`);
      const size = finalUnits !== undefined ? finalUnits * WRITE_UNIT_BYTES : item.maxBytes;
      for (let i = 0; i < item.writes; i++) txSizesUpperBound.push(size);
    }
  } else {
    const largest = Math.max(WRITE_UNIT_BYTES, ...[...sizes.unitsByItem.values()].map((u) => u * WRITE_UNIT_BYTES));
    for (let i = 0; i < (capacityTotals.TransactItems ?? 0); i++) txSizesUpperBound.push(largest);
  }
  const writes = billedWriteUnits({
    singleItemReported: capacityTotals,
    transactionItemSizes: txSizesUpperBound,
    failedConditionalUnits: dynamodb?.failedConditional.estimatedUnits,
  });
  const totalAtWrite = dynamodb ? writes.singleItem + dynamodb.transactions.unitsAtWrite + writes.failedConditional : undefined;
  return { ...writes, totalAtWrite };
}

/** One kind of transaction item's share of the write units. */
export interface KindUnits {
  items: number;
  writes: number;
  /** 2 x ceil(size / 1 KB) at each write. */
  unitsAtWrite: number;
  /** 2 x ceil(size / 1 KB) at the end of the run, for each write (what WRU per event bills). */
  unitsAtEnd: number;
}

/**
 * The transaction items' write units by kind of item (counter kinds, commit markers), at each
 * write's size and at the end size, so a run shows which items its units go to.
 */
export function transactionUnitsByKind(items: readonly TransactionItemRecord[], sizes: ItemSizeReport): Record<string, KindUnits> {
  const out: Record<string, KindUnits> = {};
  for (const item of items) {
    const kind = item.pk.startsWith('C#') ? 'commit markers' : (counterKind(item.pk, item.sk) ?? 'other');
    const units = (out[kind] ??= { items: 0, writes: 0, unitsAtWrite: 0, unitsAtEnd: 0 });
    const endUnits = sizes.unitsByItem.get(`${item.table}|${item.pk}|${item.sk}`);
    units.items++;
    units.writes += item.writes;
    units.unitsAtWrite += item.unitsAtWrite;
    units.unitsAtEnd += item.writes * 2 * (endUnits ?? Math.max(1, Math.ceil(item.maxBytes / WRITE_UNIT_BYTES)));
  }
  return out;
}

/**
 * SQS requests: ingest's SendMessage + the poller's receives (empty ones too) and deletes, in
 * billed requests, from the wire; `billed` leaves out the empty long polls fauxqs ends early,
 * which SQS does not answer (isEarlyEmptyReceive).
 */
export function sqsRequestsOfRun(sqs: SqsWireSnapshot): { onWire: number; billed: number; earlyEmptyCalls: number } {
  const onWire = sum(Object.entries(sqs.ops).filter(([op]) => op !== 'GetQueueAttributes').map(([, s]) => s.billedRequests));
  return { onWire, billed: onWire - sqs.earlyEmptyReceives.billedRequests, earlyEmptyCalls: sqs.earlyEmptyReceives.calls };
}
