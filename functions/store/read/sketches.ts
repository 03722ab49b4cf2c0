import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decodeShard, type ShardState } from '../../domain/sketch.ts';
import { sketchPartition, type Scope } from '../../domain/table-schema.ts';
import { queryPartition } from '../dynamodb/query-partition.ts';

/** A sketch from the shard items of one scope (items without a state are left out). */
export function sketchOf(items: Iterable<Record<string, unknown>>): Map<number, ShardState> {
  const shards = new Map<number, ShardState>();
  for (const item of items) {
    const state = decodeShard(item as Parameters<typeof decodeShard>[0]);
    if (state) shards.set(Number(item.sk), state);
  }
  return shards;
}

/** Every shard of a site's sketch for one scope (missing shards are empty); `consistent` for a strongly consistent read. */
export async function readSketch(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
  { consistent = false }: { consistent?: boolean } = {},
): Promise<Map<number, ShardState>> {
  const items: Record<string, unknown>[] = [];
  for await (const item of queryPartition(doc, table, sketchPartition(siteId, scope), consistent)) items.push(item);
  return sketchOf(items);
}
