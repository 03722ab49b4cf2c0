import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { apiKeyHashKey } from '../../domain/table-schema.ts';

/** A site key as stored: whose it is, its public id, when it was made. */
export interface ApiKeyRecord {
  siteId: string;
  keyId: string;
  createdAt: string;
}

/**
 * The key with this hash, or undefined (one strongly consistent GetItem, so a revoked key stops
 * at once). The command is imported when first needed, not with the module: the ingest function
 * checks keys only for the rare request that back-dates events, and loads no DynamoDB package
 * before one comes (a static import would be bundled into its start).
 */
export async function findApiKey(doc: DynamoDBDocumentClient, table: string, hash: string): Promise<ApiKeyRecord | undefined> {
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const { Item } = await doc.send(new GetCommand({ TableName: table, Key: apiKeyHashKey(hash), ConsistentRead: true }));
  if (!Item) return undefined;
  return { siteId: String(Item.site_id), keyId: String(Item.key_id), createdAt: String(Item.created_at) };
}
