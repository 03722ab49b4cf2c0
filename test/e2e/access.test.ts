import { describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/http-client.ts';
import { keysCli } from '../support/keys-cli.ts';

// Keys made and revoked with `npm run keys` (the same script, run as a separate process) against
// the API's sites table, then presented to the API over HTTP.
const baseUrl = inject('baseUrl');
const keysTarget = inject('keysTarget');
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const asKey = (key?: string) => apiClient(baseUrl, undefined, key);

const keys = (...args: string[]) => keysCli(keysTarget!, ...args);

describe.runIf(keysTarget)('GET /stats with keys from npm run keys', () => {
  it('reads its own site, is refused another site (403), and stops working once revoked (401)', async () => {
    // Prepare
    const site = `e2e-keys-${run}`;
    const created = keys('create', '--site', site);
    const api = asKey(created.key);

    // Act
    const own = await api.get('stats', { site_id: site });
    const other = await api.get('stats', { site_id: `${site}-other` });
    const series = await api.get('stats/timeseries', { site_id: site, from: '2025-11-01', to: '2025-11-03' });
    const listed = keys('list', '--site', site);
    keys('revoke', '--site', site, '--key-id', created.key_id);
    const afterRevoke = await api.get('stats', { site_id: site });

    // Assess
    expect(created).toMatchObject({ site_id: site, key: expect.stringMatching(/^bak_[A-Za-z0-9_-]{43}$/), key_id: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(own.status).toBe(200);
    expect(own.body.site_id).toBe(site);
    expect(series.status).toBe(200);
    expect([other.status, other.body.error.code]).toEqual([403, 'forbidden']);
    expect(listed).toEqual([{ key_id: created.key_id, created_at: created.created_at }]);
    expect([afterRevoke.status, afterRevoke.body.error.code]).toEqual([401, 'unauthorized']);
    expect(keys('list', '--site', site)).toEqual([]);
  });
});

describe('GET /stats without a valid key', () => {
  it.each([
    ['no key', undefined],
    ['a wrong key', 'bak_not-a-key-of-this-deployment'],
  ])('answers 401 unauthorized with %s', async (_name, key) => {
    const response = await asKey(key).get('stats', { site_id: 'e2e-keys' });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('lets the admin key read any site', async () => {
    const admin = asKey(inject('adminKey'));
    for (const site of [`e2e-admin-${run}-a`, `e2e-admin-${run}-b`]) expect((await admin.get('stats', { site_id: site })).status).toBe(200);
  });
});
