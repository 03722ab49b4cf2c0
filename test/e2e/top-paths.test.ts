import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient, waitFor, type ApiResponse } from '../support/http-client.ts';

// Every row of the top paths over HTTP: page views of 230 distinct paths (1 to 5 views each, so
// ties are broken by the path) posted in batches, then GET /stats with `offset` a page at a time,
// each page equal to a tally of the events this file sent, the figures those of the whole day.
const baseUrl = inject('baseUrl');
const sender = apiClient(baseUrl);
const reader = apiClient(baseUrl, undefined, inject('adminKey'));
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const site = `e2e-paths-${run}`;
const PIPELINE_TIMEOUT_MS = Number(process.env.E2E_PIPELINE_TIMEOUT_MS ?? 60_000);

const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const PATH_COUNT = 230;
const pathOf = (i: number) => `/p/${String(i).padStart(3, '0')}`;
const viewsOf = (i: number) => 1 + ((i * 7) % 5);

/** The page views sent (and one signup), each with its own event_id. */
const EVENTS = Array.from({ length: PATH_COUNT }, (_, i) => Array.from({ length: viewsOf(i) }, () => pathOf(i)))
  .flat()
  .map((path, n) => ({ event_type: 'page_view', path, user_id: `u${n % 7}`, timestamp: `${day}T${String(8 + (n % 12)).padStart(2, '0')}:00:00.000Z` }));
const SENT = [...EVENTS, { event_type: 'signup', path: '/p/000', user_id: 'u0', timestamp: `${day}T12:00:00.000Z` }].map((event, i) => ({
  site_id: site,
  event_id: `${run}-${i}`,
  ...event,
}));

/** Paths by page views, then path, as GET /stats orders them. */
function topPaths(keep: (path: string) => boolean = () => true) {
  const counts = new Map<string, number>();
  for (const { path, event_type } of SENT) if (event_type === 'page_view' && keep(path)) counts.set(path, (counts.get(path) ?? 0) + 1);
  return [...counts].map(([path, views]) => ({ path, views })).sort((a, b) => b.views - a.views || (a.path < b.path ? -1 : 1));
}

const get = (query: Record<string, string>): Promise<ApiResponse> => reader.get('stats', { site_id: site, from: day, to: day, ...query });
/** A body without its top paths and who answered: the figures. */
const figuresOf = ({ top_paths: _paths, answered_by: _by, ...figures }: Record<string, unknown>) => figures;

beforeAll(async () => {
  for (let start = 0; start < SENT.length; start += 100) {
    const response = await sender.post('events', JSON.stringify(SENT.slice(start, start + 100)));
    expect(response.status).toBe(202);
  }
  const counted = await waitFor(() => get({ limit: '0' }), (r) => r.body?.total_events >= SENT.length, PIPELINE_TIMEOUT_MS);
  expect(counted.body.total_events).toBe(SENT.length);
  const inLake = await waitFor(() => get({ limit: '0', offset: '1' }), (r) => r.body?.total_events >= SENT.length, PIPELINE_TIMEOUT_MS);
  expect(inLake.body.total_events).toBe(SENT.length);
});

describe('GET /stats with offset: the top paths a page at a time, from the lake', () => {
  it('gives every path once, in the counters\' order, pages of 100 past the counters\' first', async () => {
    const counters = await get({ limit: '100' });
    const pages = await Promise.all(['100', '200', '300'].map((offset) => get({ limit: '100', offset })));
    expect(counters.body.answered_by).toBe('counters');
    for (const page of pages) expect([page.status, page.body.answered_by]).toEqual([200, 'lake']);
    const all = topPaths();
    expect(all).toHaveLength(PATH_COUNT);
    expect(counters.body.top_paths).toEqual(all.slice(0, 100));
    expect(pages.map((page) => page.body.top_paths)).toEqual([all.slice(100, 200), all.slice(200), []]);
    for (const page of pages) expect(figuresOf(page.body)).toEqual(figuresOf(counters.body));
  });

  it('pages the paths the filters keep, in small pages', async () => {
    const filters = 'page~/p/1|/p/02';
    const kept = topPaths((path) => path.includes('/p/1') || path.includes('/p/02'));
    const pages = await Promise.all([0, 7, 14, 105].map((offset) => get({ filters, limit: '7', offset: String(offset) })));
    expect(pages.map((page) => page.body.top_paths)).toEqual([kept.slice(0, 7), kept.slice(7, 14), kept.slice(14, 21), kept.slice(105, 112)]);
    expect(kept.length).toBeGreaterThan(105);
    expect(new Set(pages.map((page) => page.body.total_views))).toEqual(new Set([kept.reduce((sum, row) => sum + row.views, 0)]));
  });

  it('refuses an offset past 100,000, or without a period, naming it', async () => {
    const queries: Record<string, string>[] = [{ site_id: site, from: day, to: day, offset: '100001' }, { site_id: site, offset: '5' }];
    for (const query of queries) {
      const response = await reader.get('stats', query);
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([{ field: 'offset', message: expect.any(String) }]);
    }
  });
});
