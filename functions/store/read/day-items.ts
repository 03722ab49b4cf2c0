import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { heavyNameSk, heavySummaryCode, heavySummarySk, pathBucketKey, sketchShardKey, type Key, type Scope } from '../../domain/table-schema.ts';
import { OTHER } from '../../domain/counter-budget.ts';
import { namedEntries, summaryOf } from '../../domain/heavy-hitters.ts';
import { estimate, SHARD_COUNT } from '../../domain/sketch.ts';
import { batchGetAll } from '../dynamodb/batch-get.ts';
import type { ScopeSketch } from './partition-cache.ts';
import { sharedReads } from './shared-reads.ts';
import { sketchOf } from './sketches.ts';

/**
 * The path buckets and sketch shards of many days of one site, by their known keys: strongly
 * consistent BatchGetItem (100 keys a call, the calls at once), shared between concurrent
 * callers asking for the same day at the same version (see shared-reads.ts).
 */

/** Days to read, each with its version (its totals' `events` counter when they were read). */
export type DaysAt = ReadonlyMap<Scope, number>;

const bucketReads = sharedReads<Record<string, unknown>[]>();
const sketchReads = sharedReads<ScopeSketch>();

const readKey = (table: string, siteId: string, day: Scope, version: number, kind: string): string => `${kind}\n${table}\n${siteId}\n${day}\n${version}`;

/** Items of `keys`, by partition key (days with none get an empty list). */
async function itemsByPartition(
  doc: DynamoDBDocumentClient,
  table: string,
  partitions: readonly string[],
  keys: readonly Key[],
): Promise<Map<string, Record<string, unknown>[]>> {
  const byPartition = new Map<string, Record<string, unknown>[]>(partitions.map((pk) => [pk, []]));
  for (const item of await batchGetAll(doc, table, keys, { consistentRead: true })) byPartition.get(String(item.pk))?.push(item);
  return byPartition;
}

/**
 * The items of each day's path buckets 00 to `pathBuckets` - 1 (the day's breakdown counters live
 * there too), with the heavy-hitter items of the dimensions that overflowed.
 */
export async function readDayBuckets(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  days: DaysAt,
  pathBuckets: number,
): Promise<Map<Scope, Record<string, unknown>[]>> {
  const dayOf = new Map([...days].map(([day, version]) => [readKey(table, siteId, day, version, `buckets:${pathBuckets}`), day]));
  const read = await bucketReads([...dayOf.keys()], async (wanted) => {
    const keys = wanted.flatMap((key) => Array.from({ length: pathBuckets }, (_, bucket) => pathBucketKey(siteId, dayOf.get(key)!, bucket)));
    const byPartition = await itemsByPartition(doc, table, [...new Set(keys.map((key) => key.pk))], keys);
    await addHeavyHitterItems(doc, table, byPartition);
    return new Map(wanted.map((key) => [key, byPartition.get(pathBucketKey(siteId, dayOf.get(key)!, 0).pk) ?? []]));
  });
  return new Map([...read].map(([key, items]) => [dayOf.get(key)!, items]));
}

/**
 * Adds to each day's bucket items the heavy-hitter summaries of the dimensions that overflowed
 * (a `<code>#(other)` counter in some bucket), then the names those summaries may list: two more
 * BatchGetItem calls, for overflowed days only.
 */
async function addHeavyHitterItems(doc: DynamoDBDocumentClient, table: string, byPartition: Map<string, Record<string, unknown>[]>): Promise<void> {
  const summaryKeys: Key[] = [];
  for (const [pk, items] of byPartition) {
    const codes = new Set<string>();
    for (const item of items) for (const attr of Object.keys(item)) if (attr.endsWith(OTHER_SUFFIX)) codes.add(attr.slice(0, -OTHER_SUFFIX.length));
    for (const code of codes) summaryKeys.push({ pk, sk: heavySummarySk(code) });
  }
  if (summaryKeys.length === 0) return;
  const summaries = await batchGetAll(doc, table, summaryKeys, { consistentRead: true });
  const nameKeys: Key[] = [];
  for (const summary of summaries) {
    byPartition.get(String(summary.pk))?.push(summary);
    const code = heavySummaryCode(String(summary.sk))!;
    for (const entry of namedEntries(summaryOf(summary).summary)) nameKeys.push({ pk: String(summary.pk), sk: heavyNameSk(code, entry.hash) });
  }
  for (const name of nameKeys.length > 0 ? await batchGetAll(doc, table, nameKeys, { consistentRead: true }) : []) byPartition.get(String(name.pk))?.push(name);
}

const OTHER_SUFFIX = `#${OTHER}`;

/** The unique-user sketch (shards 00-15) of each scope (a day or a month) with its estimate. */
export async function readScopeSketches(doc: DynamoDBDocumentClient, table: string, siteId: string, days: DaysAt): Promise<Map<Scope, ScopeSketch>> {
  const dayOf = new Map([...days].map(([day, version]) => [readKey(table, siteId, day, version, 'sketch'), day]));
  const read = await sketchReads([...dayOf.keys()], async (wanted) => {
    const keys = wanted.flatMap((key) => Array.from({ length: SHARD_COUNT }, (_, shard) => sketchShardKey(siteId, dayOf.get(key)!, shard)));
    const byPartition = await itemsByPartition(doc, table, [...new Set(keys.map((key) => key.pk))], keys);
    return new Map(
      wanted.map((key) => {
        const shards = sketchOf(byPartition.get(sketchShardKey(siteId, dayOf.get(key)!, 0).pk) ?? []);
        return [key, { shards, uniqueUsers: estimate(shards) }];
      }),
    );
  });
  return new Map([...read].map(([key, sketch]) => [dayOf.get(key)!, sketch]));
}
