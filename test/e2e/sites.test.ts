import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient, waitFor, type ApiResponse } from '../support/http-client.ts';
import { keysCli } from '../support/keys-cli.ts';

// GET /sites over HTTP: a new site's events posted, then the site listed for the admin key with
// its days and views, and for its own key alone; the key comes from `npm run keys`, with its
// dashboard link.
const baseUrl = inject('baseUrl');
const keysTarget = inject('keysTarget');
const admin = apiClient(baseUrl, undefined, inject('adminKey'));
const browser = apiClient(baseUrl);
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const site = `e2e-sites-${run}`;
const PIPELINE_TIMEOUT_MS = Number(process.env.E2E_PIPELINE_TIMEOUT_MS ?? 60_000);

const DAY_MS = 86_400_000;
const dayAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString().slice(0, 10);
const first = dayAgo(3);
const last = dayAgo(1);
const events = [
  { path: '/', timestamp: `${first}T09:00:00.000Z` },
  { path: '/a', timestamp: `${first}T09:05:00.000Z` },
  { path: '/b', timestamp: `${last}T18:00:00.000Z` },
];

interface Listed {
  site_id: string;
  first_day: string;
  last_day: string;
  views: number;
}
const listedSite = (response: ApiResponse): Listed | undefined => (response.body?.sites as Listed[] | undefined)?.find((s) => s.site_id === site);

beforeAll(async () => {
  const responses = await Promise.all(
    events.map((event, i) => browser.postEvent({ site_id: site, event_type: 'page_view', user_id: 'u1', event_id: `${run}-${i}`, ...event })),
  );
  expect(responses.map((response) => response.status)).toEqual(events.map(() => 202));
  const listed = await waitFor(() => admin.get('sites'), (r) => listedSite(r)?.views === events.length, PIPELINE_TIMEOUT_MS);
  expect(listedSite(listed)?.views).toBe(events.length);
});

describe('GET /sites over HTTP', () => {
  it('lists the new site for the admin key with its first and last day and its views', async () => {
    const response = await admin.get('sites');
    expect(response.status).toBe(200);
    expect(listedSite(response)).toEqual({ site_id: site, first_day: first, last_day: last, views: 3 });
  });

  it('answers 401 in the error shape without a key', async () => {
    const response = await apiClient(baseUrl).get('sites');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it.runIf(keysTarget)('lists for a key from npm run keys its own site alone, and create prints its dashboard link', async () => {
    // Prepare
    const created = keysCli(keysTarget!, 'create', '--site', site);

    // Act
    const response = await apiClient(baseUrl, undefined, created.key).get('sites');

    // Assess
    expect(response.body).toEqual({ sites: [{ site_id: site, first_day: first, last_day: last, views: 3 }] });
    // The local runtime's state file names its API; a deployed table given by name needs --api-url.
    if (keysTarget![0] === '--state-file') expect(created.dashboard_url).toEqual(expect.any(String));
    if (created.dashboard_url !== undefined) {
      const link = new URL(created.dashboard_url);
      expect(`${link.origin}${link.pathname}`).toBe(`${baseUrl.replace(/\/+$/, '')}/dashboard`);
      expect(Object.fromEntries(new URLSearchParams(link.hash.slice(1)))).toEqual({ site, key: created.key });
    }
  });
});
