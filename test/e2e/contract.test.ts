import { afterAll, describe, expect, inject, it } from 'vitest';
import { ROUTE_LIST, ROUTES } from '../../functions/api/routes.ts';
import { apiClient, type ApiResponse } from '../support/http-client.ts';
import { beacon } from '../support/factories.ts';
import { keysCli } from '../support/keys-cli.ts';
import { contractChecker, documentedOperations, loadOpenApi } from '../support/openapi.ts';

// Real responses of every route, successes and errors, checked against docs/openapi.yaml.
const baseUrl = inject('baseUrl');
const api = apiClient(baseUrl, undefined, inject('adminKey'));
const doc = loadOpenApi();
const contract = contractChecker(doc);
const site = `e2e-contract-${Date.now().toString(36)}`;
const today = new Date().toISOString().slice(0, 10);
const monthAgo = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);

/** The routes of the route table, by the function that serves them. */
const pathsOf = (fn: (typeof ROUTE_LIST)[number]['fn']) => ROUTE_LIST.filter((route) => route.fn === fn).map((route) => route.path);
const STATS_ROUTES = pathsOf('stats');
/** The stats routes that read one site (GET /sites lists those a key reads). */
const SITE_ROUTES = STATS_ROUTES.filter((path) => path !== ROUTES.sites.path);

const conforms = (method: string, route: string, response: ApiResponse) => {
  expect(contract.check(method, route, response), `${method} ${route} -> ${response.status} ${JSON.stringify(response.body)}`).toEqual([]);
};

afterAll(() => {
  // Every documented operation, and so every route of the route table, was exercised by a test below.
  expect([...contract.exercised].sort()).toEqual(documentedOperations(doc).sort());
  for (const { method, path } of ROUTE_LIST) expect(contract.exercised, `${method} ${path}`).toContain(`${method} ${path}`);
});

describe('responses conform to docs/openapi.yaml', () => {
  it.each(ROUTE_LIST)('$method $path, asked with the admin key and no parameters, is served as documented', async ({ method, path }) => {
    const response = method === 'GET' ? await api.get(path.slice(1)) : await api.post(path.slice(1), '{}');
    expect(response.status).not.toBe(404);
    conforms(method, path, response);
  });

  it.each([
    ['accepted', () => api.postEvent(beacon({ site_id: site })), 202],
    ['accepted with the client event_id', () => api.postEvent(beacon({ site_id: site, event_id: 'contract-1' }), 'text/plain'), 202],
    ['invalid_json', () => api.post('event', '{'), 400],
    ['invalid_event', () => api.postEvent(beacon({ path: 'x', timestamp: 'soon' })), 400],
    ['accepted with custom properties', () => api.postEvent(beacon({ site_id: site, props: { plan: 'pro' } })), 202],
    ['invalid_event: a property not a string', () => api.postEvent(beacon({ props: { plan: 1 } })), 400],
    ['payload_too_large', () => api.postEvent(beacon({ pad: 'x'.repeat(17 * 1024) })), 413],
    ['unsupported_media_type', () => api.post('event', 'a=b', 'application/x-www-form-urlencoded'), 415],
  ] as const)('POST /event: %s', async (_name, send, status) => {
    const response = await send();
    expect(response.status).toBe(status);
    conforms('POST', '/event', response);
  });

  it.each([
    ['accepted', () => api.post('events', JSON.stringify([beacon({ site_id: site }), beacon({ site_id: site, event_id: 'contract-2' })])), 202],
    ['invalid_event by index', () => api.post('events', JSON.stringify([beacon(), beacon({ user_id: '' })])), 400],
    ['not an array', () => api.post('events', JSON.stringify(beacon())), 400],
    ['payload_too_large', () => api.post('events', JSON.stringify([beacon({ pad: 'x'.repeat(257 * 1024) })])), 413],
    ['unsupported_media_type', () => api.post('events', '[]', 'text/csv'), 415],
  ] as const)('POST /events: %s', async (_name, send, status) => {
    const response = await send();
    expect(response.status).toBe(status);
    conforms('POST', '/events', response);
  });

  it.each(['/event', '/events'])('OPTIONS %s (CORS preflight)', async (route) => {
    const raw = await fetch(new URL(route.slice(1), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`), {
      method: 'OPTIONS',
      headers: { origin: 'https://www.customer.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    conforms('OPTIONS', route, { status: raw.status, headers: raw.headers, body: await raw.text() });
  });

  it.each([
    ['all time', {}],
    ['one day', { date: today }],
    ['a range', { from: monthAgo, to: today, limit: '3' }],
    ['a range, the figures alone', { from: monthAgo, to: today, limit: '0' }],
    ['a site without data', { site_id: `${site}-none`, date: '2025-01-01' }],
  ])('GET /stats: %s', async (_name, query) => {
    const response = await api.get('stats', { site_id: site, ...query });
    expect(response.status).toBe(200);
    conforms('GET', '/stats', response);
  });

  it.each([
    ['no site_id', {}],
    ['an impossible date', { site_id: site, date: '2025-02-30' }],
    ['date with from', { site_id: site, date: today, from: today, to: today }],
    ['a bad limit', { site_id: site, limit: '101' }],
    ['a bad filter', { site_id: site, from: today, to: today, filters: 'planet==mars' }],
    ['filters over all time', { site_id: site, filters: 'source==google.com' }],
    ['a bad offset', { site_id: site, from: today, to: today, offset: '100001' }],
    ['an offset over all time', { site_id: site, offset: '10' }],
  ])('GET /stats: 400 for %s', async (_name, query) => {
    const response = await api.get('stats', query);
    expect(response.status).toBe(400);
    conforms('GET', '/stats', response);
  });

  it.each([
    ['/stats', {}],
    ['/stats', { offset: '100' }],
    ['/stats/timeseries', {}],
    ['/stats/breakdown', { dimension: 'source' }],
    ['/stats/breakdown', { dimension: 'prop:plan' }],
  ])('%s with filters: the lake answers', async (route, extra) => {
    const response = await api.get(route.slice(1), { site_id: site, from: monthAgo, to: today, filters: 'source!=(direct);page~/', ...extra });
    expect(response.status).toBe(200);
    expect(response.body.answered_by).toBe('lake');
    conforms('GET', route, response);
  });

  it.each([
    ['a range by the day, filtered', { from: monthAgo, to: today, filters: 'source!=(direct)', limit: '5' }, 200],
    ['a day by the hour', { date: today, interval: 'hour' }, 200],
    ['a year by the month, the figures and chart alone', { from: yearAgo, to: today, interval: 'month', limit: '0' }, 200],
    ['a bad limit', { from: monthAgo, to: today, limit: '101' }, 400],
    ['by the hour with from and to', { interval: 'hour', from: today, to: today }, 400],
  ] as const)('GET /stats/view: %s', async (_name, query, status) => {
    const response = await api.get('stats/view', { site_id: site, ...query });
    expect(response.status).toBe(status);
    if (status === 200) expect(response.body.answered_by).toBe('lake');
    conforms('GET', '/stats/view', response);
  });

  it.each([
    ['a funnel of three steps, filtered', { from: monthAgo, to: today, steps: 'page:/,page:/pricing*,event:signup', filters: 'device!=tablet' }, 200],
    ['one step', { from: monthAgo, to: today, steps: 'page:/' }, 400],
    ['no steps', { from: monthAgo, to: today }, 400],
  ] as const)('GET /stats/funnel: %s', async (_name, query, status) => {
    const response = await api.get('stats/funnel', { site_id: site, ...query });
    expect(response.status).toBe(status);
    conforms('GET', '/stats/funnel', response);
  });

  it.each([
    ['the site now', { limit: '5' }, 200],
    ['a bad limit', { limit: 'many' }, 400],
  ] as const)('GET /stats/realtime: %s', async (_name, query, status) => {
    const response = await api.get('stats/realtime', { site_id: site, ...query });
    expect(response.status).toBe(status);
    conforms('GET', '/stats/realtime', response);
  });

  it.each([
    ['a day', { date: today }, 200],
    ['a range, filtered by a goal', { from: monthAgo, to: today, filters: 'goal!=page:/thank-you*;source!=(direct)' }, 200],
    ['no period', {}, 400],
    ['a goal filter that names no goal', { date: today, filters: 'goal==signup' }, 400],
    ['a goal filter with ~', { date: today, filters: 'goal~event:signup' }, 400],
  ] as const)('GET /stats/goals: %s', async (_name, query, status) => {
    const response = await api.get('stats/goals', { site_id: site, ...query });
    expect(response.status).toBe(status);
    if (status === 200) expect(response.body).toMatchObject({ answered_by: 'lake', goals: [] });
    conforms('GET', '/stats/goals', response);
  });

  it.each([
    ['no key', undefined, 401],
    ['a wrong key', 'bak_wrong', 401],
  ] as const)('every stats route: %s', async (_name, key, status) => {
    const anonymous = apiClient(baseUrl, undefined, key);
    for (const route of STATS_ROUTES) {
      const response = await anonymous.get(route.slice(1), { site_id: site, from: today, to: today, dimension: 'source', steps: 'page:/,page:/a' });
      expect(response.status).toBe(status);
      conforms('GET', route, response);
    }
  });

  it.runIf(inject('keysTarget'))('every stats route of one site: 403 for a key of another site', async () => {
    const { key } = keysCli(inject('keysTarget')!, 'create', '--site', `${site}-other`);
    const other = apiClient(baseUrl, undefined, key);
    for (const route of SITE_ROUTES) {
      const response = await other.get(route.slice(1), { site_id: site, from: today, to: today, dimension: 'source', steps: 'page:/,page:/a' });
      expect(response.status).toBe(403);
      conforms('GET', route, response);
    }
  });

  it.each([
    ['a range', { site_id: site, from: '2025-11-10', to: '2025-11-12' }, 200],
    ['a range by the day', { site_id: site, from: monthAgo, to: today, interval: 'day' }, 200],
    ['a range by the month', { site_id: site, from: yearAgo, to: today, interval: 'month' }, 200],
    ['a day by the hour', { site_id: site, date: today, interval: 'hour' }, 200],
    ['a missing to', { site_id: site, from: '2025-11-10' }, 400],
    ['a reversed range', { site_id: site, from: '2025-11-12', to: '2025-11-10' }, 400],
    ['by the hour without date', { site_id: site, interval: 'hour' }, 400],
    ['by the hour with from and to', { site_id: site, interval: 'hour', from: today, to: today }, 400],
    ['an unknown interval', { site_id: site, interval: 'week', from: today, to: today }, 400],
  ] as const)('GET /stats/timeseries: %s', async (_name, query, status) => {
    const response = await api.get('stats/timeseries', query);
    expect(response.status).toBe(status);
    conforms('GET', '/stats/timeseries', response);
  });

  it.each([
    ['all time', { dimension: 'source' }, 200],
    ['one day', { dimension: 'country', date: today }, 200],
    ['a range', { dimension: 'entry_page', from: monthAgo, to: today, limit: '3' }, 200],
    ['a site without data', { site_id: `${site}-none`, dimension: 'device', date: '2025-01-01' }, 200],
    ['no dimension', { date: today }, 400],
    ['an unknown dimension', { dimension: 'path' }, 400],
    ['a bad limit', { dimension: 'os', limit: '101' }, 400],
    ['a bad offset', { dimension: 'os', date: today, offset: '-1' }, 400],
  ] as const)('GET /stats/breakdown: %s', async (_name, query, status) => {
    const response = await api.get('stats/breakdown', { site_id: site, ...query });
    expect(response.status).toBe(status);
    conforms('GET', '/stats/breakdown', response);
  });

  it.each([
    ['a range', { from: monthAgo, to: today }, 200],
    ['a range without events', { from: '2025-01-01', to: '2025-01-31' }, 200],
    ['a range over 366 days', { from: '2024-01-01', to: '2025-01-02' }, 400],
    ['a date instead of a range', { date: today }, 400],
  ] as const)('GET /stats/export: %s', async (_name, query, status) => {
    const response = await api.get('stats/export', { site_id: site, ...query });
    expect(response.status).toBe(status);
    conforms('GET', '/stats/export', response);
  });

  it.each([
    ['the admin key', inject('adminKey'), 200],
    ['no key', undefined, 401],
    ['a wrong key', 'bak_wrong', 401],
  ] as const)('GET /sites: %s', async (_name, key, status) => {
    const response = await apiClient(baseUrl, undefined, key).get('sites');
    expect(response.status).toBe(status);
    conforms('GET', '/sites', response);
  });

  it.each([
    ['a page of one', { limit: '1' }, 200],
    ['a bad cursor', { cursor: 'not a cursor' }, 400],
    ['a limit over 1000', { limit: '1001' }, 400],
  ] as const)('GET /sites: %s', async (_name, query, status) => {
    const response = await api.get('sites', query);
    expect(response.status).toBe(status);
    conforms('GET', '/sites', response);
  });

  it.runIf(inject('keysTarget'))('GET /sites: a site key', async () => {
    const { key } = keysCli(inject('keysTarget')!, 'create', '--site', site);
    const response = await apiClient(baseUrl, undefined, key).get('sites');
    expect(response.status).toBe(200);
    conforms('GET', '/sites', response);
  });

  it.each(pathsOf('assets'))('GET %s', async (path) => {
    const response = await api.get(path.slice(1));
    expect(response.status).toBe(200);
    conforms('GET', path, response);
  });
});
