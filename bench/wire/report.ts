// `npm run bench`: the report's tables of what the counting proxies saw, as lines of text.
import { COUNTER_KINDS, type ItemSizeReport, type KindSizes } from '../run/item-sizes.ts';
import { fmt } from '../lib/numbers.ts';
import type { KindUnits } from '../run/units.ts';
import type { DynamoDbWireSnapshot, SqsWireSnapshot } from './snapshot.ts';

/**
 * Where the transaction write units go, by kind of item: writes, units (at each write's size and
 * at the end size) per event, the items' mean and largest end size, and what their bytes hold.
 */
export function unitsByKindLines(unitsByKind: Record<string, KindUnits>, sizes: ItemSizeReport, events: number): string[] {
  const lines = ['  transaction items by kind       items   writes   WRU/event at write / at end   end size mean / max (bytes)'];
  for (const kind of [...COUNTER_KINDS, 'commit markers']) {
    const units = unitsByKind[kind];
    if (!units) continue;
    const kindSizes = (sizes.byKind as Partial<Record<string, KindSizes>>)[kind];
    const size = kindSizes && kindSizes.items ? `${fmt(kindSizes.bytes / kindSizes.items, 0)} / ${fmt(kindSizes.maxBytes, 0)}` : '';
    lines.push(
      `    ${kind.padEnd(26)} ${String(units.items).padStart(7)}  ${String(units.writes).padStart(7)}  ` +
        `${`${fmt(units.unitsAtWrite / events, 3)} / ${fmt(units.unitsAtEnd / events, 3)}`.padStart(28)}   ${size}`,
    );
  }
  for (const kind of COUNTER_KINDS) {
    const { bytes, bytesByFamily } = sizes.byKind[kind];
    if (!bytes) continue;
    const parts = Object.entries(bytesByFamily)
      .sort((a, b) => b[1] - a[1])
      .map(([family, n]) => `${family} ${fmt((100 * n) / bytes, 0)}%`);
    lines.push(`    ${kind} hold (bytes at the end, ${fmt(bytes / 1024, 0)} KB): ${parts.join(', ')}`);
  }
  return lines;
}

/** What the counting proxies saw: DynamoDB and SQS calls, and the hottest partition keys. */
export function wireLines(
  wire: { dynamodb: DynamoDbWireSnapshot; sqs: SqsWireSnapshot },
  run: { processorBatches: number; txItemsFromLogs: number; sizes: ItemSizeReport; unitsByKind: Record<string, KindUnits>; events: number },
): string[] {
  const { dynamodb, sqs } = wire;
  const lines = ['DynamoDB calls (wire)            calls   per batch   units reported   errors'];
  for (const [op, s] of Object.entries(dynamodb.ops).sort((a, b) => b[1].calls - a[1].calls)) {
    lines.push(`  ${op.padEnd(26)} ${String(s.calls).padStart(8)}  ${fmt(s.calls / Math.max(1, run.processorBatches), 1).padStart(9)}  ${fmt(s.reportedUnits, 0).padStart(15)}  ${String(s.errors).padStart(7)}`);
  }
  lines.push(
    `  transactions: ${dynamodb.transactions.calls} (${dynamodb.transactions.items} items; logs say ${run.txItemsFromLogs}), canceled ${dynamodb.transactions.canceled}; ` +
      `failed conditional writes ${dynamodb.failedConditional.calls} ${JSON.stringify(dynamodb.failedConditional.byOp)}`,
    `  counter items: ${run.sizes.counterItems}, ${run.sizes.overOneKb.length} over 1 KB at the end (largest ${run.sizes.maxBytes} bytes)` +
      (run.sizes.overOneKb.length ? ' -> transaction units use their end size as an upper bound' : ''),
    ...unitsByKindLines(run.unitsByKind, run.sizes, run.events),
    'SQS calls (wire)                 calls   entries   billed requests',
  );
  for (const [op, s] of Object.entries(sqs.ops).sort((a, b) => b[1].calls - a[1].calls)) {
    lines.push(`  ${op.padEnd(26)} ${String(s.calls).padStart(8)}  ${String(s.entries).padStart(8)}  ${String(s.billedRequests).padStart(8)}`);
  }
  lines.push(
    `  messages received ${sqs.messagesReceived}, empty receives ${sqs.emptyReceives} ` +
      `(${sqs.earlyEmptyReceives.calls} of them before their wait time: not billed, SQS answers a long poll empty only when it times out)`,
    'Hottest partition keys           peak WRU/s   total WRU   active s',
  );
  for (const k of dynamodb.hottestKeys.slice(0, 8)) {
    lines.push(`  ${k.key.slice(0, 60).padEnd(60)} ${fmt(k.peakPerSecond, 0).padStart(6)}  ${fmt(k.totalUnits, 0).padStart(9)}  ${String(k.activeSeconds).padStart(6)}`);
  }
  return lines;
}
