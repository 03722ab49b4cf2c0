import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient, waitFor } from '../support/http-client.ts';

// GET /stats/realtime over HTTP: events of the last minutes, of 10 minutes ago and of 40 minutes
// ago, posted through the API; once the lake holds them, the current visitors are those of the
// last 5 minutes and the pages and sources those of the last 30.
const baseUrl = inject('baseUrl');
const api = apiClient(baseUrl, undefined, inject('adminKey'));
const site = `e2e-realtime-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const PIPELINE_TIMEOUT_MS = Number(process.env.E2E_PIPELINE_TIMEOUT_MS ?? 60_000);
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** Who did what when; every event of a visit carries its entry and referrer, as the tracker sends them. */
const SENT = [
  { user: 'a', path: '/pricing', minutes: 1, referrer: 'https://www.google.com/' },
  { user: 'a', path: '/signup', minutes: 0.5, page: 2, entry: '/pricing', referrer: 'https://www.google.com/' },
  { user: 'b', path: '/pricing', minutes: 2, referrer: 'https://news.example/post' },
  { user: 'c', path: '/docs', minutes: 10, referrer: 'https://www.google.com/' },
  { user: 'd', path: '/old', minutes: 40 },
];

beforeAll(async () => {
  const responses = await Promise.all(
    SENT.map(({ user, path, minutes, referrer, page, entry }, i) =>
      api.postEvent({
        site_id: site,
        event_type: 'page_view',
        user_id: user,
        event_id: `${site}-${i}`,
        path,
        timestamp: ago(minutes),
        visit: { page: page ?? 1, gap_ms: page ? 30_000 : 0, entry: `https://shop.example${entry ?? path}`, referrer },
      }),
    ),
  );
  expect(responses.map((response) => response.status)).toEqual(SENT.map(() => 202));
});

describe('GET /stats/realtime', () => {
  it('counts the users of the last 5 minutes and the page views of the last 30 by page and source', async () => {
    const response = await waitFor(
      () => api.get('stats/realtime', { site_id: site }),
      (r) => r.status === 200 && r.body.pages.reduce((sum: number, row: { views: number }) => sum + row.views, 0) >= 4,
      PIPELINE_TIMEOUT_MS,
    );
    expect(response.body).toMatchObject({
      site_id: site,
      current_visitors: 2,
      pages: [
        { value: '/pricing', views: 2 },
        { value: '/docs', views: 1 },
        { value: '/signup', views: 1 },
      ],
      sources: [
        { value: 'google.com', views: 3 },
        { value: 'news.example', views: 1 },
      ],
      answered_by: 'lake',
    });
    expect(response.body.lag_s).toBeGreaterThanOrEqual(0);
    expect(Math.abs(Date.parse(response.body.at) - Date.now())).toBeLessThan(PIPELINE_TIMEOUT_MS);
  });

  it('answers 400 naming a bad limit, and 401 without a key', async () => {
    const bad = await api.get('stats/realtime', { site_id: site, limit: '101' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'limit' })]);
    expect((await apiClient(baseUrl).get('stats/realtime', { site_id: site })).status).toBe(401);
  });
});
