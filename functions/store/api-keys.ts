import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keyIdOf } from '../domain/api-keys.ts';

/**
 * Site API keys in the sites table: `K#<hash>` finds a key's site when a request presents it;
 * `SITE#<site_id>` / `KEY#<key_id>` lists a site's keys and names them for revocation.
 */
export interface ApiKeyRecord {
  siteId: string;
  keyId: string;
  createdAt: string;
}

const byHash = (hash: string) => ({ pk: `K#${hash}`, sk: 'K' });
const bySite = (siteId: string, keyId: string) => ({ pk: `SITE#${siteId}`, sk: `KEY#${keyId}` });

/** The key with this hash, or undefined (one strongly consistent GetItem, so a revoked key stops at once). */
export async function findApiKey(doc: DynamoDBDocumentClient, table: string, hash: string): Promise<ApiKeyRecord | undefined> {
  const { Item } = await doc.send(new GetCommand({ TableName: table, Key: byHash(hash), ConsistentRead: true }));
  if (!Item) return undefined;
  return { siteId: String(Item.site_id), keyId: String(Item.key_id), createdAt: String(Item.created_at) };
}

/** Stores a new key of `siteId` by its hash (both items, or neither). */
export async function saveApiKey(doc: DynamoDBDocumentClient, table: string, siteId: string, hash: string, now = new Date()): Promise<ApiKeyRecord> {
  const record = { siteId, keyId: keyIdOf(hash), createdAt: now.toISOString() };
  await doc.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: table,
            Item: { ...byHash(hash), site_id: siteId, key_id: record.keyId, created_at: record.createdAt },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        { Put: { TableName: table, Item: { ...bySite(siteId, record.keyId), hash, created_at: record.createdAt } } },
      ],
    }),
  );
  return record;
}

/** The keys of a site, oldest first. */
export async function listApiKeys(doc: DynamoDBDocumentClient, table: string, siteId: string): Promise<ApiKeyRecord[]> {
  const keys: ApiKeyRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :key)',
        ExpressionAttributeValues: { ':pk': `SITE#${siteId}`, ':key': 'KEY#' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) keys.push({ siteId, keyId: String(item.sk).slice(4), createdAt: String(item.created_at) });
    start = page.LastEvaluatedKey;
  } while (start);
  return keys.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Revokes a key of `siteId` by its key id: true if it existed. The lookup item goes first, so the key stops working even if the second delete fails. */
export async function deleteApiKey(doc: DynamoDBDocumentClient, table: string, siteId: string, keyId: string): Promise<boolean> {
  const { Item } = await doc.send(new GetCommand({ TableName: table, Key: bySite(siteId, keyId), ConsistentRead: true }));
  if (!Item) return false;
  await doc.send(new DeleteCommand({ TableName: table, Key: byHash(String(Item.hash)) }));
  await doc.send(new DeleteCommand({ TableName: table, Key: bySite(siteId, keyId) }));
  return true;
}
