import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mayAccess } from '../domain/api-keys.ts';
import { backdatedIssues, type TrackedEvent } from '../domain/event.ts';
import { adminKey } from '../commons/admin-key.ts';
import { authenticate, principalLabel, type KeyCheck } from '../commons/authorize.ts';
import { HttpError } from '../commons/http.ts';
import { logger } from '../commons/observability.ts';
import { findApiKey } from '../store/sites/api-key-lookup.ts';

/** Keys as the stats function checks them: site keys in `sitesTable`, read with the client `documentClient` gives. */
export function keyCheck(documentClient: () => Promise<DynamoDBDocumentClient>, sitesTable: string): KeyCheck {
  return { findKey: async (hash) => findApiKey(await documentClient(), sitesTable, hash), adminKey: adminKey() };
}

/**
 * Imports: an event more than MAX_UNKEYED_AGE_DAYS old is accepted only from a request whose
 * `Authorization: Bearer <key>` is the admin key or a site key of every event's site (of the
 * request, not only of the old events). Without a key: 400 `invalid_event` naming each old
 * event's timestamp; a key that is not valid: 401 `unauthorized`; a site key of another site:
 * 403 `forbidden`. A request whose events are all recent reads no key, whatever it carries.
 */
export async function checkBackdating(keys: KeyCheck, events: readonly TrackedEvent[], authorization: string | undefined, batch: boolean): Promise<void> {
  const issues = backdatedIssues(events, batch);
  if (issues.length === 0) return;
  if (!authorization) {
    throw new HttpError(400, 'invalid_event', batch ? 'The batch has invalid events; none was accepted' : 'The event has invalid fields', issues);
  }
  const principal = await authenticate(keys, authorization);
  for (const siteId of new Set(events.map((event) => event.site_id))) {
    if (!mayAccess(principal, siteId)) throw new HttpError(403, 'forbidden', `This API key may not send events of site ${siteId}`);
  }
  logger.info('back-dated events accepted', { reader: principalLabel(principal), events: events.length, backdated: issues.length });
}
