import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { siteRegistrationKey } from '../domain/keys.ts';
import type { SiteRegistration } from '../domain/sites.ts';
import { batchGetAll } from './batch-get.ts';

// Site registrations in the sites table: `SITE#<site_id>` / `SITE`, next to the site's keys.

function registrationOf(item: Record<string, unknown>): SiteRegistration {
  return { siteId: String(item.site_id), origins: (item.origins as string[] | undefined) ?? [], createdAt: String(item.created_at) };
}

/** The registrations of these sites (BatchGetItem); unregistered sites are absent. */
export async function readSites(doc: DynamoDBDocumentClient, table: string, siteIds: readonly string[]): Promise<Map<string, SiteRegistration>> {
  const items = await batchGetAll(doc, table, [...new Set(siteIds)].map(siteRegistrationKey));
  return new Map(items.map((item) => [String(item.site_id), registrationOf(item)]));
}

/** Registers a site (or replaces its origins). */
export async function saveSite(doc: DynamoDBDocumentClient, table: string, siteId: string, origins: string[], now = new Date()): Promise<SiteRegistration> {
  const site = { siteId, origins, createdAt: now.toISOString() };
  await doc.send(new PutCommand({ TableName: table, Item: { ...siteRegistrationKey(siteId), site_id: siteId, origins, created_at: site.createdAt } }));
  return site;
}

/** Unregisters a site: true if it was registered. Its keys stay valid for its stats. */
export async function deleteSite(doc: DynamoDBDocumentClient, table: string, siteId: string): Promise<boolean> {
  const { Attributes } = await doc.send(new DeleteCommand({ TableName: table, Key: siteRegistrationKey(siteId), ReturnValues: 'ALL_OLD' }));
  return Attributes !== undefined;
}
