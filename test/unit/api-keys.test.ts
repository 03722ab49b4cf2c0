import { describe, expect, it } from 'vitest';
import { adminKey, SECRET_RETRY_MS } from '../../functions/commons/admin-key.ts';
import { bearerToken, hashApiKey, keyIdOf, mayAccess, newApiKey, sameHash } from '../../functions/domain/api-keys.ts';

describe('API keys', () => {
  it('makes distinct keys of 256 random bits behind a recognisable prefix', () => {
    const keys = new Set(Array.from({ length: 100 }, newApiKey));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(/^bak_[A-Za-z0-9_-]{43}$/);
  });

  it('hashes with SHA-256 and names a key by the start of its hash', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(keyIdOf(hashApiKey('abc'))).toBe('ba7816bf8f01');
  });

  it('compares hashes exactly', () => {
    const hash = hashApiKey('k');
    expect(sameHash(hash, hashApiKey('k'))).toBe(true);
    expect(sameHash(hash, hashApiKey('K'))).toBe(false);
    expect(sameHash(hash, '')).toBe(false);
  });

  it.each([
    ['Bearer abc', 'abc'],
    ['bearer   abc  ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
  ])('reads the token of %j as %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it('lets the admin read every site and a site key its own only', () => {
    expect(mayAccess({ kind: 'admin' }, 'any')).toBe(true);
    expect(mayAccess({ kind: 'site', siteId: 'a', keyId: 'x' }, 'a')).toBe(true);
    expect(mayAccess({ kind: 'site', siteId: 'a', keyId: 'x' }, 'b')).toBe(false);
  });
});

describe('adminKey', () => {
  it('prefers ADMIN_API_KEY and never reads the secret then', async () => {
    let reads = 0;
    const key = adminKey({ ADMIN_API_KEY: 'local', ADMIN_API_KEY_SECRET_ARN: 'arn' }, async () => (reads++, 'remote'));
    expect(key.peek()).toBe(hashApiKey('local'));
    expect(await key.load()).toBe(hashApiKey('local'));
    expect(reads).toBe(0);
  });

  it('reads the secret once, on first use; after a failure, not again for a while', async () => {
    // Prepare
    let now = 0;
    const answers: Array<string | Error> = [new Error('throttled'), 'from-secret'];
    const asked: string[] = [];
    const key = adminKey(
      { ADMIN_API_KEY_SECRET_ARN: 'arn:secret' },
      async (id) => {
        asked.push(id);
        const answer = answers.shift()!;
        if (answer instanceof Error) throw answer;
        return answer;
      },
      () => now,
    );

    // Act + Assess
    expect(key.peek()).toBeUndefined();
    expect(asked).toEqual([]);
    await expect(key.load()).rejects.toThrow('throttled');
    now += SECRET_RETRY_MS - 1;
    await expect(key.load()).rejects.toThrow('throttled');
    expect(asked).toHaveLength(1);
    now += 1;
    expect(await key.load()).toBe(hashApiKey('from-secret'));
    expect(await key.load()).toBe(hashApiKey('from-secret'));
    expect(key.peek()).toBe(hashApiKey('from-secret'));
    expect(asked).toEqual(['arn:secret', 'arn:secret']);
  });

  it('is undefined when no admin key is configured', async () => {
    expect(await adminKey({}).load()).toBeUndefined();
  });
});
