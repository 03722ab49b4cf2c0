import { bearerToken, hashApiKey, mayAccess, sameHash, type Principal } from '../domain/api-keys.ts';
import type { ApiKeyRecord } from '../store/sites/api-key-lookup.ts';
import type { AdminKey } from './admin-key.ts';
import { HttpError } from './http.ts';
import { logger } from './observability.ts';

/**
 * How keys are checked: site keys by their hash (in the sites table), and the admin key. Shared
 * by the stats function (every request) and the ingest function (requests that back-date events).
 */
export interface KeyCheck {
  /** The site key with this hash, if any (store/sites/api-key-lookup.ts). */
  findKey(hash: string): Promise<ApiKeyRecord | undefined>;
  adminKey: AdminKey;
}

const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message, undefined, { 'www-authenticate': 'Bearer' });
const unavailable = () => new HttpError(503, 'auth_unavailable', 'Keys cannot be checked right now; retry later', undefined, { 'retry-after': '5' });

/**
 * Who the request's `Authorization: Bearer <key>` belongs to: the admin key, or a site key from
 * the sites table. 401 `unauthorized` without a key or with an unknown one; 503
 * `auth_unavailable` when keys cannot be read (not the client's fault). A site key never waits
 * for the admin key's secret: that is read only for a key the sites table does not know.
 */
export async function authenticate(check: KeyCheck, authorization: string | undefined): Promise<Principal> {
  const token = bearerToken(authorization);
  if (!token) throw unauthorized('Send an API key as "Authorization: Bearer <key>"');
  const hash = hashApiKey(token);
  const known = check.adminKey.peek();
  if (known && sameHash(hash, known)) return { kind: 'admin' };
  let key: ApiKeyRecord | undefined;
  try {
    key = await check.findKey(hash);
  } catch (error) {
    logger.error('site keys unavailable', error as Error);
    throw unavailable();
  }
  if (key) return { kind: 'site', siteId: key.siteId, keyId: key.keyId };
  let admin: string | undefined;
  try {
    admin = await check.adminKey.load();
  } catch (error) {
    // Not the client's fault: the key might be the admin key, which could not be read.
    logger.error('admin key unavailable', error as Error);
    throw unavailable();
  }
  if (admin && sameHash(hash, admin)) return { kind: 'admin' };
  throw unauthorized('The API key is not valid');
}

/** 403 `forbidden` unless the key may read `siteId`. */
export function authorizeSite(principal: Principal, siteId: string): void {
  if (!mayAccess(principal, siteId)) throw new HttpError(403, 'forbidden', `This API key does not read site ${siteId}`);
}

/** How a principal appears in logs (never the key). */
export function principalLabel(principal: Principal): string {
  return principal.kind === 'admin' ? 'admin' : `key:${principal.keyId}`;
}
