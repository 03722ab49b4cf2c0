import { DeleteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { siteRegistrationKey } from '../../domain/table-schema.ts';
import type { SiteChange, SiteRegistration } from '../../domain/sites.ts';
import { DEFAULT_TIME_ZONE } from '../../domain/time-zones.ts';
import { batchGetAll } from '../dynamodb/batch-get.ts';

// Site registrations in the sites table: `SITE#<site_id>` / `SITE`, next to the site's keys.

function registrationOf(item: Record<string, unknown>): SiteRegistration {
  return {
    siteId: String(item.site_id),
    origins: (item.origins as string[] | undefined) ?? [],
    // Registrations made before sites had a zone have none: their days stay UTC.
    timeZone: (item.time_zone as string | undefined) ?? DEFAULT_TIME_ZONE,
    createdAt: String(item.created_at),
  };
}

/** The registrations of these sites (BatchGetItem); unregistered sites are absent. */
export async function readSites(doc: DynamoDBDocumentClient, table: string, siteIds: readonly string[]): Promise<Map<string, SiteRegistration>> {
  const items = await batchGetAll(doc, table, [...new Set(siteIds)].map(siteRegistrationKey));
  return new Map(items.map((item) => [String(item.site_id), registrationOf(item)]));
}

/**
 * Registers a site, or changes a registration: the origins and time zone given replace the
 * stored ones, those left out are kept (a new site: any origin, UTC). `created_at` stays the
 * first registration's.
 */
export async function saveSite(doc: DynamoDBDocumentClient, table: string, siteId: string, change: SiteChange, now = new Date()): Promise<SiteRegistration> {
  const keep = (attribute: string, value: string) => `${attribute} = if_not_exists(${attribute}, ${value})`;
  const { Attributes } = await doc.send(
    new UpdateCommand({
      TableName: table,
      Key: siteRegistrationKey(siteId),
      UpdateExpression: `SET ${[
        'site_id = :site',
        keep('created_at', ':now'),
        change.origins ? 'origins = :origins' : keep('origins', ':origins'),
        change.timeZone ? 'time_zone = :zone' : keep('time_zone', ':zone'),
      ].join(', ')}`,
      ExpressionAttributeValues: {
        ':site': siteId,
        ':now': now.toISOString(),
        ':origins': change.origins ?? [],
        ':zone': change.timeZone ?? DEFAULT_TIME_ZONE,
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return registrationOf(Attributes!);
}

/** Unregisters a site: true if it was registered. Its keys stay valid for its stats. */
export async function deleteSite(doc: DynamoDBDocumentClient, table: string, siteId: string): Promise<boolean> {
  const { Attributes } = await doc.send(new DeleteCommand({ TableName: table, Key: siteRegistrationKey(siteId), ReturnValues: 'ALL_OLD' }));
  return Attributes !== undefined;
}
