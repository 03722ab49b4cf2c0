import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Key } from '../../domain/table-schema.ts';
import { backoff, delay } from '../../commons/map-limit.ts';

/** Keys BatchGetItem takes per call. */
const BATCH_GET_LIMIT = 100;
/** Calls per chunk before giving up on keys DynamoDB keeps returning as unprocessed. */
const MAX_ATTEMPTS = 10;

/**
 * The items of `keys` that exist, in no particular order: one BatchGetItem per 100 keys (in
 * parallel), reading UnprocessedKeys again with backoff.
 */
export async function batchGetAll(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: readonly Key[],
  options: { consistentRead?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const chunks: Key[][] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) chunks.push(keys.slice(i, i + BATCH_GET_LIMIT));
  await Promise.all(
    chunks.map(async (chunk) => {
      let pending: Record<string, unknown>[] | undefined = chunk.map((key) => ({ ...key }));
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new Error(`${table}: ${pending.length} keys still unprocessed after ${MAX_ATTEMPTS} calls`);
        if (attempt > 0) await delay(backoff(attempt));
        const result: BatchGetCommandOutput = await doc.send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: options.consistentRead } } }),
        );
        items.push(...(result.Responses?.[table] ?? []));
        pending = result.UnprocessedKeys?.[table]?.Keys;
      }
    }),
  );
  return items;
}
