import { beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { hashApiKey, newApiKey } from '../../functions/domain/api-keys.ts';
import { deleteApiKey, findApiKey, listApiKeys, saveApiKey } from '../../functions/store/sites/api-keys.ts';
import { ADMIN_KEY, stackResources, type StackResources } from '../support/aws.ts';
import { httpApiEvent, lambdaContext, restEvent } from '../support/events.ts';
import { loadHandler, loadStats, type HttpHandler } from '../support/handlers.ts';
import { silenceOutput } from '../support/output.ts';

let aws: StackResources;
let stats: HttpHandler;
const run = Date.now().toString(36);

beforeAll(async () => {
  silenceOutput();
  aws = await stackResources();
  stats = await loadStats(aws);
});

const get = async (path: string, query: Record<string, string>, authorization?: string, format: 'rest' | 'http' = 'rest') => {
  const headers: Record<string, string> = authorization === undefined ? {} : { Authorization: authorization };
  const event = format === 'rest' ? restEvent({ method: 'GET', path, query, headers }) : httpApiEvent({ method: 'GET', path, query, headers });
  const response = await stats(event, lambdaContext('stats'));
  return { status: response.statusCode, headers: response.headers ?? {}, json: JSON.parse(response.body) };
};

/** A new key of `site`, stored by its hash as `npm run keys -- create` does. */
async function keyFor(site: string): Promise<string> {
  const key = newApiKey();
  await saveApiKey(aws.doc, aws.tables.sites, site, hashApiKey(key));
  return key;
}

describe('stats access control', () => {
  it('lets a site key read its own site, on every route and both payload formats', async () => {
    const site = `acc-own-${run}`;
    const key = await keyFor(site);
    for (const format of ['rest', 'http'] as const) {
      expect((await get('/stats', { site_id: site }, `Bearer ${key}`, format)).status).toBe(200);
      expect((await get('/stats/timeseries', { site_id: site, from: '2025-11-01', to: '2025-11-02' }, `bearer ${key}`, format)).status).toBe(200);
      expect((await get('/stats/breakdown', { site_id: site, dimension: 'country' }, `Bearer ${key}`, format)).status).toBe(200);
    }
  });

  it('answers 403 forbidden to a key of another site on GET /stats/breakdown, once the query is valid', async () => {
    const key = await keyFor(`acc-bd-a-${run}`);
    const other = `acc-bd-b-${run}`;
    expect((await get('/stats/breakdown', { site_id: other }, `Bearer ${key}`)).status).toBe(400);
    const response = await get('/stats/breakdown', { site_id: other, dimension: 'os' }, `Bearer ${key}`);
    expect([response.status, response.json.error.code]).toEqual([403, 'forbidden']);
  });

  it('answers 403 forbidden to a key of another site', async () => {
    const key = await keyFor(`acc-a-${run}`);
    const response = await get('/stats', { site_id: `acc-b-${run}` }, `Bearer ${key}`);
    expect(response.status).toBe(403);
    expect(response.json.error).toEqual({ code: 'forbidden', message: `This API key does not read site acc-b-${run}` });
  });

  it.each([
    ['no Authorization header', undefined],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['an empty bearer token', 'Bearer '],
    ['an unknown key', `Bearer ${newApiKey()}`],
  ])('answers 401 unauthorized for %s, before looking at the query', async (_name, authorization) => {
    const response = await get('/stats', { date: 'not-a-date' }, authorization);
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe('unauthorized');
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it('lets the admin key read any site', async () => {
    for (const site of [`acc-x-${run}`, `acc-y-${run}`]) expect((await get('/stats', { site_id: site }, `Bearer ${ADMIN_KEY}`)).status).toBe(200);
  });

  it('validates the query once the key is known: 400 invalid_query', async () => {
    const response = await get('/stats', { site_id: `acc-q-${run}`, date: '2025-02-30' }, `Bearer ${ADMIN_KEY}`);
    expect([response.status, response.json.error.code]).toEqual([400, 'invalid_query']);
  });

  it('stops a revoked key at once, and keeps the site\'s other keys', async () => {
    // Prepare
    const site = `acc-rev-${run}`;
    const [kept, revoked] = [await keyFor(site), await keyFor(site)];
    const revokedId = (await findApiKey(aws.doc, aws.tables.sites, hashApiKey(revoked)))!.keyId;

    // Act
    const removed = await deleteApiKey(aws.doc, aws.tables.sites, site, revokedId);

    // Assess
    expect(removed).toBe(true);
    expect((await get('/stats', { site_id: site }, `Bearer ${revoked}`)).status).toBe(401);
    expect((await get('/stats', { site_id: site }, `Bearer ${kept}`)).status).toBe(200);
    expect((await listApiKeys(aws.doc, aws.tables.sites, site)).map((k) => k.keyId)).toEqual([(await findApiKey(aws.doc, aws.tables.sites, hashApiKey(kept)))!.keyId]);
    expect(await deleteApiKey(aws.doc, aws.tables.sites, site, revokedId)).toBe(false);
  });

  it('stores no key, only its hash', async () => {
    const site = `acc-hash-${run}`;
    const key = await keyFor(site);
    const { Items = [] } = await aws.doc.send(new ScanCommand({ TableName: aws.tables.sites }));
    expect(JSON.stringify(Items)).not.toContain(key);
    expect(JSON.stringify(Items)).toContain(hashApiKey(key));
  });
});

describe('stats access control while the admin key secret cannot be read', () => {
  let statsWithoutSecret: HttpHandler;
  beforeAll(async () => {
    // Prepare: the deployed configuration (a secret ARN, no ADMIN_API_KEY) with Secrets Manager
    // out of reach: every SDK call to it goes to a closed port on this machine.
    const { ADMIN_API_KEY: _local, ...env } = aws.functionEnv('StatsFunction');
    statsWithoutSecret = await loadHandler<HttpHandler>('functions/stats/handler.ts', { ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' });
  });
  const call = async (key: string) => {
    const response = await statsWithoutSecret(restEvent({ method: 'GET', path: '/stats', query: { site_id: `acc-nosecret-${run}` }, headers: { Authorization: `Bearer ${key}` } }), lambdaContext());
    return { status: response.statusCode, json: JSON.parse(response.body), headers: response.headers ?? {} };
  };

  it('still serves site keys, without waiting for the secret', async () => {
    const key = await keyFor(`acc-nosecret-${run}`);
    expect((await call(key)).status).toBe(200);
  });

  it('answers 503 auth_unavailable with Retry-After to a key it cannot place', async () => {
    const response = await call(newApiKey());
    expect([response.status, response.json.error.code, response.headers['retry-after']]).toEqual([503, 'auth_unavailable', '5']);
  });
});
