import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient, waitFor } from '../support/http-client.ts';
import { keysCli } from '../support/keys-cli.ts';

// GET /sites over HTTP: a new site's events posted, then the site listed for the admin key with
// its days and views (a page at a time), and for its own key alone; the key comes from `npm run keys`, with its
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
interface SitesPage {
  sites: Listed[];
  next_cursor?: string;
}

/** Every page the admin key is given, `limit` sites each, following next_cursor. */
async function allPages(limit: number): Promise<SitesPage[]> {
  const pages: SitesPage[] = [];
  let cursor: string | undefined;
  do {
    const response = await admin.get('sites', { limit: String(limit), ...(cursor === undefined ? {} : { cursor }) });
    expect(response.status).toBe(200);
    pages.push(response.body as SitesPage);
    cursor = (response.body as SitesPage).next_cursor;
  } while (cursor !== undefined);
  return pages;
}

const listedSite = (pages: SitesPage[]): Listed | undefined => pages.flatMap((page) => page.sites).find((s) => s.site_id === site);

beforeAll(async () => {
  const responses = await Promise.all(
    events.map((event, i) => browser.postEvent({ site_id: site, event_type: 'page_view', user_id: 'u1', event_id: `${run}-${i}`, ...event })),
  );
  // Two more sites, so that the sites span pages of two.
  const others = [`${site}-b`, `${site}-c`];
  const more = await Promise.all(others.map((other) => browser.postEvent({ site_id: other, event_type: 'page_view', user_id: 'u1', path: '/', timestamp: `${last}T10:00:00.000Z` })));
  expect([...responses, ...more].map((response) => response.status)).toEqual([...events, ...others].map(() => 202));
  const listed = await waitFor(
    () => allPages(1000),
    (pages) => listedSite(pages)?.views === events.length && others.every((other) => pages.some((page) => page.sites.some((s) => s.site_id === other))),
    PIPELINE_TIMEOUT_MS,
  );
  expect(listedSite(listed)?.views).toBe(events.length);
});

describe('GET /sites over HTTP', () => {
  it('lists the new site for the admin key with its first and last day and its views', async () => {
    expect(listedSite(await allPages(1000))).toEqual({ site_id: site, first_day: first, last_day: last, views: 3 });
  });

  it('gives the sites a page at a time, by id, each once, the same as on one large page', async () => {
    // Act
    const small = await allPages(2);
    const large = await allPages(1000);

    // Assess
    expect(small.length).toBeGreaterThanOrEqual(2);
    expect(small.every((page) => page.sites.length <= 2)).toBe(true);
    const ids = small.flatMap((page) => page.sites.map((s) => s.site_id));
    expect(ids).toEqual([...new Set(ids)].sort());
    expect(ids).toEqual(large.flatMap((page) => page.sites.map((s) => s.site_id)));
    expect(listedSite(small)).toEqual(listedSite(large));
  });

  it('answers 400 invalid_query for a cursor it did not give', async () => {
    const response = await admin.get('sites', { cursor: 'bm90IGEgc2l0ZSE' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { code: 'invalid_query', message: expect.any(String), details: [{ field: 'cursor', message: expect.any(String) }] } });
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

  it.runIf(keysTarget)('create given --api-url (the ApiUrl output, a custom domain\'s when set) links the dashboard on that URL', async () => {
    // Prepare
    const created = keysCli([...keysTarget!, '--api-url', 'https://analytics.example.com/'], 'create', '--site', site);

    // Act
    const response = await apiClient(baseUrl, undefined, created.key).get('sites');

    // Assess: the link is on the domain given, and the key it carries reads the site as any other.
    const link = new URL(created.dashboard_url);
    expect(`${link.origin}${link.pathname}`).toBe('https://analytics.example.com/dashboard');
    expect(Object.fromEntries(new URLSearchParams(link.hash.slice(1)))).toEqual({ site, key: created.key });
    expect(response.body).toEqual({ sites: [{ site_id: site, first_day: first, last_day: last, views: 3 }] });
  });
});
