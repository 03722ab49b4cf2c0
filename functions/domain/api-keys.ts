import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Stats API keys: random, shown once, stored only as their SHA-256. */
export const API_KEY_PREFIX = 'bak_';

/** Who a request's key belongs to. */
export type Principal = { kind: 'admin' } | { kind: 'site'; siteId: string; keyId: string };

/** A new site key: the prefix and 256 random bits, base64url. */
export function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What is stored of a key: its SHA-256, hex. Keys are random, so an unsalted hash is enough. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The short public name of a key, for lists and revocation: the start of its hash. */
export function keyIdOf(hash: string): string {
  return hash.slice(0, 12);
}

/** Whether two key hashes are the same, in time that does not depend on where they differ. */
export function sameHash(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a, 'hex'), Buffer.from(b, 'hex')];
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/** The admin key reads (and imports events of) every site; a site key only its own. */
export function mayAccess(principal: Principal, siteId: string): boolean {
  return principal.kind === 'admin' || principal.siteId === siteId;
}
