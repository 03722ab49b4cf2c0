import { DeleteCommand, GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryPartition } from '../dynamodb/query-partition.ts';
import type { ApiKeyRecord } from './api-key-lookup.ts';
import { keyIdOf } from '../../domain/api-keys.ts';
import { apiKeyHashKey, siteApiKeyKey, sitePartition, SITE_KEY_PREFIX } from '../../domain/table-schema.ts';

// Site API keys in the sites table: `K#<hash>` finds a key's site when a request presents it
// (api-key-lookup.ts, a module of its own so that ingestion loads it without the DynamoDB
// packages); `SITE#<site_id>` / `KEY#<key_id>` lists a site's keys and names them for revocation.

export { findApiKey, type ApiKeyRecord } from './api-key-lookup.ts';

/** Stores a new key of `siteId` by its hash (both items, or neither). */
export async function saveApiKey(doc: DynamoDBDocumentClient, table: string, siteId: string, hash: string, now = new Date()): Promise<ApiKeyRecord> {
  const record = { siteId, keyId: keyIdOf(hash), createdAt: now.toISOString() };
  await doc.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: table,
            Item: { ...apiKeyHashKey(hash), site_id: siteId, key_id: record.keyId, created_at: record.createdAt },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        { Put: { TableName: table, Item: { ...siteApiKeyKey(siteId, record.keyId), hash, created_at: record.createdAt } } },
      ],
    }),
  );
  return record;
}

/** The keys of a site, oldest first (its partition also holds its registration, which is skipped). */
export async function listApiKeys(doc: DynamoDBDocumentClient, table: string, siteId: string): Promise<ApiKeyRecord[]> {
  const keys: ApiKeyRecord[] = [];
  for await (const item of queryPartition(doc, table, sitePartition(siteId), true)) {
    const sk = String(item.sk);
    if (sk.startsWith(SITE_KEY_PREFIX)) keys.push({ siteId, keyId: sk.slice(SITE_KEY_PREFIX.length), createdAt: String(item.created_at) });
  }
  return keys.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Revokes a key of `siteId` by its key id: true if it existed. The lookup item goes first, so the key stops working even if the second delete fails. */
export async function deleteApiKey(doc: DynamoDBDocumentClient, table: string, siteId: string, keyId: string): Promise<boolean> {
  const { Item } = await doc.send(new GetCommand({ TableName: table, Key: siteApiKeyKey(siteId, keyId), ConsistentRead: true }));
  if (!Item) return false;
  await doc.send(new DeleteCommand({ TableName: table, Key: apiKeyHashKey(String(Item.hash)) }));
  await doc.send(new DeleteCommand({ TableName: table, Key: siteApiKeyKey(siteId, keyId) }));
  return true;
}
