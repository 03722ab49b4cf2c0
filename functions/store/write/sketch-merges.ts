import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../dynamodb/batch-get.ts';
import { decodeShard, encodeShard, groupByShard, mergeShard, mergeShardState, type ShardState } from '../../domain/sketch.ts';
import { sketchShardKey, type Scope } from '../../domain/table-schema.ts';
import { backoff, delay } from '../../commons/map-limit.ts';

const MAX_ATTEMPTS = 20;

interface StoredShard {
  state: ShardState | undefined;
  version: number | undefined;
}

const toStored = (item: Record<string, unknown> | undefined): StoredShard => ({
  state: item ? decodeShard(item as Parameters<typeof decodeShard>[0]) : undefined,
  version: item ? Number(item.v) : undefined,
});

/**
 * Max-merges user hashes into a site's sketch for one scope. Each touched shard is read,
 * merged and written back only if it changed, on condition that nobody wrote it since, so
 * concurrent processors never lose an update. Returns the number of shards written.
 */
export function mergeSketch(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
  hashes: Iterable<bigint>,
): Promise<number> {
  const byShard = groupByShard(hashes);
  return mergeShards(doc, table, siteId, scope, new Map([...byShard].map(([shard, group]) => [shard, (stored) => mergeShard(shard, stored, group)])));
}

/**
 * Max-merges whole shard states (another scope's sketch) into a site's sketch for one scope, as
 * mergeSketch merges hashes: so a month is built from its days. Returns the shards written.
 */
export function mergeSketchStates(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
  states: ReadonlyMap<number, ShardState>,
): Promise<number> {
  const merges = new Map([...states].map(([shard, incoming]): [number, ShardMerge] => [shard, (stored) => mergeShardState(shard, stored, incoming)]));
  return mergeShards(doc, table, siteId, scope, merges);
}

/** A shard's new state from its stored one, and whether it differs. */
type ShardMerge = (stored: ShardState | undefined) => { state: ShardState; changed: boolean };

/** Applies each shard's merge with a conditional write, read again and retried on a conflict. */
async function mergeShards(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
  merges: ReadonlyMap<number, ShardMerge>,
): Promise<number> {
  const shards = [...merges.keys()];
  const current = await readShards(doc, table, siteId, scope, shards);
  let written = 0;
  await Promise.all(
    shards.map(async (shard) => {
      let stored = current.get(shard) ?? { state: undefined, version: undefined };
      for (let attempt = 1; ; attempt++) {
        const { state, changed } = merges.get(shard)!(stored.state);
        if (!changed) return;
        if (await writeShard(doc, table, siteId, scope, shard, state, stored.version)) {
          written++;
          return;
        }
        if (attempt >= MAX_ATTEMPTS) throw new Error(`sketch shard ${siteId}/${scope}/${shard}: too many write conflicts`);
        await delay(backoff(attempt, 5, 200));
        stored = await readShard(doc, table, siteId, scope, shard);
      }
    }),
  );
  return written;
}

async function readShards(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
  shards: number[],
): Promise<Map<number, StoredShard>> {
  if (shards.length === 0) return new Map();
  const keys = shards.map((shard) => sketchShardKey(siteId, scope, shard));
  const items = await batchGetAll(doc, table, keys, { consistentRead: true });
  return new Map(items.map((item) => [Number(item.sk), toStored(item)]));
}

async function readShard(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
  shard: number,
): Promise<StoredShard> {
  const { Item } = await doc.send(
    new GetCommand({ TableName: table, Key: sketchShardKey(siteId, scope, shard), ConsistentRead: true }),
  );
  return toStored(Item);
}

/** Writes a shard if its version is still `expected`; false when another writer got there first. */
async function writeShard(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  scope: Scope,
  shard: number,
  state: ShardState,
  expected: number | undefined,
): Promise<boolean> {
  const encoded = encodeShard(state);
  const attributes = 'h' in encoded ? { h: new Set(encoded.h) } : { r: encoded.r };
  try {
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { ...sketchShardKey(siteId, scope, shard), ...attributes, v: (expected ?? 0) + 1 },
        ...(expected === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'v = :expected', ExpressionAttributeValues: { ':expected': expected } }),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
