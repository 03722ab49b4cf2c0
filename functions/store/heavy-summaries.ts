import { BatchWriteCommand, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decodeEntries, emptySummary, encodeEntries, type HeavySummary } from '../domain/heavy-hitters.ts';
import type { Key } from '../domain/keys.ts';
import { backoff, delay } from '../commons/map-limit.ts';
import { WeightedLru } from '../commons/weighted-lru.ts';
import { batchGetAll } from './batch-get.ts';

/**
 * The heavy-hitter summaries a processor writes (heavy-hitters.ts), kept across invocations with
 * their version: each is replaced whole, in its unit's transaction, on the condition that its
 * version is still the one read; another processor's write shows up as a failed condition, after
 * which it is read again (`forgetSummary`). And the names stored beside them: a name is put once
 * per instance (it never changes).
 */

const CACHE_BYTES = 32 * 1024 * 1024;

export interface VersionedSummary {
  summary: HeavySummary;
  /** Undefined: no item yet. */
  version: number | undefined;
}

const summaries = new WeightedLru<string, VersionedSummary>(CACHE_BYTES);
const namesWritten = new WeightedLru<string, true>(CACHE_BYTES / 4);

const cacheKey = (table: string, key: Key): string => `${table}\n${key.pk}\n${key.sk}`;
const weigh = ({ summary }: VersionedSummary): number => 128 + summary.entries.length * 48;

/** The summary item's attributes. */
export function summaryItem(key: Key, { summary, version }: VersionedSummary): Record<string, unknown> {
  return { ...key, e: encodeEntries(summary.entries), n: summary.views, nv: summary.visits, ver: (version ?? 0) + 1 };
}

/** The summaries of `keys`, from memory or read at once (strongly consistent). */
export async function readSummaries(doc: DynamoDBDocumentClient, table: string, keys: readonly Key[]): Promise<VersionedSummary[]> {
  const missing = keys.filter((key) => summaries.get(cacheKey(table, key)) === undefined);
  const read = new Map<string, VersionedSummary>();
  if (missing.length > 0) {
    for (const item of await batchGetAll(doc, table, missing, { consistentRead: true })) {
      const state: VersionedSummary = {
        summary: { entries: item.e instanceof Uint8Array ? decodeEntries(item.e) : [], views: Number(item.n ?? 0), visits: Number(item.nv ?? 0) },
        version: Number(item.ver ?? 0),
      };
      read.set(cacheKey(table, { pk: String(item.pk), sk: String(item.sk) }), state);
    }
    for (const key of missing) {
      const state = read.get(cacheKey(table, key)) ?? { summary: emptySummary(), version: undefined };
      read.set(cacheKey(table, key), state);
      summaries.set(cacheKey(table, key), state, weigh(state));
    }
  }
  return keys.map((key) => read.get(cacheKey(table, key)) ?? summaries.get(cacheKey(table, key))!);
}

/** Records a summary its unit's transaction wrote. */
export function rememberSummary(table: string, key: Key, written: VersionedSummary): void {
  const state = { summary: written.summary, version: (written.version ?? 0) + 1 };
  summaries.set(cacheKey(table, key), state, weigh(state));
}

/** Drops a summary from memory: it is read again before its next update. */
export function forgetSummary(table: string, key: Key): void {
  summaries.delete(cacheKey(table, key));
}

/**
 * Puts the names of heavy hitters beside their summaries (BatchWriteItem, 25 a call), those this
 * instance has not put before. A name never changes, so writing one again is harmless.
 */
export async function writeNames(doc: DynamoDBDocumentClient, table: string, names: ReadonlyArray<{ key: Key; name: string }>): Promise<void> {
  const fresh = names.filter(({ key }) => namesWritten.get(cacheKey(table, key)) === undefined);
  for (let i = 0; i < fresh.length; i += 25) {
    let pending: unknown[] | undefined = fresh.slice(i, i + 25).map(({ key, name }) => ({ PutRequest: { Item: { ...key, name } } }));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt >= 10) throw new Error(`${table}: ${pending.length} heavy-hitter names still unprocessed`);
      if (attempt > 0) await delay(backoff(attempt));
      const result: BatchWriteCommandOutput = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
      pending = result.UnprocessedItems?.[table];
    }
  }
  for (const { key, name } of fresh) namesWritten.set(cacheKey(table, key), true, 64 + key.sk.length + name.length);
}
