import { BatchWriteCommand, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { summaryAttributes, summaryOf, type HeavySummary } from '../../domain/heavy-hitters.ts';
import type { Key } from '../../domain/table-schema.ts';
import { backoff, delay } from '../../commons/map-limit.ts';
import { WrittenItems } from './written-items.ts';

/**
 * The heavy-hitter summaries a processor writes (heavy-hitters.ts), kept as written-items.ts keeps
 * items, with their version: each is replaced whole, in its unit's transaction, on the condition
 * that its version is still the one read; another processor's write shows up as a failed
 * condition, after which it is read again (`forgetSummary`). And the names stored beside them.
 */

const CACHE_BYTES = 32 * 1024 * 1024;

export interface VersionedSummary {
  summary: HeavySummary;
  /** Undefined: no item yet. */
  version: number | undefined;
}

const summaries = new WrittenItems<{ key: Key }, VersionedSummary>(
  CACHE_BYTES,
  (_ref, item) => summaryOf(item),
  ({ summary }) => 128 + summary.entries.length * 48,
);

/** The summary item's attributes. */
export const summaryItem = (key: Key, { summary, version }: VersionedSummary): Record<string, unknown> => ({
  ...key,
  ...summaryAttributes(summary, version),
});

/** The summaries of `keys`, from memory or read at once (strongly consistent). */
export function readSummaries(doc: DynamoDBDocumentClient, table: string, keys: readonly Key[]): Promise<VersionedSummary[]> {
  return summaries.read(doc, table, keys.map((key) => ({ key })));
}

/** Records a summary its unit's transaction wrote. */
export function rememberSummary(table: string, key: Key, written: VersionedSummary): void {
  summaries.remember(table, key, { summary: written.summary, version: (written.version ?? 0) + 1 });
}

/** Drops a summary from memory: it is read again before its next update. */
export function forgetSummary(table: string, key: Key): void {
  summaries.forget(table, key);
}

/**
 * Puts the names of heavy hitters beside their summaries (BatchWriteItem, 25 a call): each value's
 * name is chosen once, when its summary records it (nameHeavy), and a name never changes, so
 * writing one again after a failed transaction is harmless.
 */
export async function writeNames(doc: DynamoDBDocumentClient, table: string, names: ReadonlyArray<{ key: Key; name: string }>): Promise<void> {
  for (let i = 0; i < names.length; i += 25) {
    let pending: unknown[] | undefined = names.slice(i, i + 25).map(({ key, name }) => ({ PutRequest: { Item: { ...key, name } } }));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt >= 10) throw new Error(`${table}: ${pending.length} heavy-hitter names still unprocessed`);
      if (attempt > 0) await delay(backoff(attempt));
      const result: BatchWriteCommandOutput = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
      pending = result.UnprocessedItems?.[table];
    }
  }
}
