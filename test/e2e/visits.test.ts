import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient, waitFor, type ApiResponse } from '../support/http-client.ts';
import { USER_AGENT_SAMPLES } from '../../bench/lib/user-agent-samples.ts';

// Visits over HTTP: browsers' events with visit marks, posted with their User-Agents and (as a
// server posting for its visitors would) their addresses in X-Forwarded-For, then the visit
// figures, breakdowns and hours read back through the stats API.
const baseUrl = inject('baseUrl');
const reader = apiClient(baseUrl, undefined, inject('adminKey'));
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const site = `e2e-visits-${run}`;
const PIPELINE_TIMEOUT_MS = Number(process.env.E2E_PIPELINE_TIMEOUT_MS ?? 60_000);

// Yesterday (UTC, the zone of an unregistered site) is wholly in the past, so every hour is free to use.
const DAY_MS = 86_400_000;
const day = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);
const today = new Date().toISOString().slice(0, 10);
const at = (time: string, plusMs = 0) => new Date(Date.parse(`${day}T${time}Z`) + plusMs).toISOString();

const userAgent = (name: string) => USER_AGENT_SAMPLES.find((sample) => sample.name === name)!.userAgent;
/** A visitor: their browser, and their address as a server forwards it (8.8.8.8 is US, 193.0.6.139 NL in the shipped database). */
const visitors = {
  u1: { client: apiClient(baseUrl, userAgent('Chrome on Windows')), address: '8.8.8.8' },
  u2: { client: apiClient(baseUrl, userAgent('Safari on iPhone')), address: '193.0.6.139' },
  u3: { client: apiClient(baseUrl, userAgent('Firefox on Linux')), address: '8.8.8.8' },
  u4: { client: apiClient(baseUrl, userAgent('Chrome on Windows')), address: '8.8.8.8' },
};
type User = keyof typeof visitors;

interface Sent {
  user: User;
  event_type?: string;
  path: string;
  timestamp: string;
  visit?: { page: number; gap_ms: number; entry: string; referrer?: string };
}

const campaign = 'https://shop.example/a?utm_source=news&utm_medium=email&utm_campaign=spring';
const plan: Sent[] = [
  // u1: three pages from a newsletter link (utm_source wins over the referrer), 90 s.
  { user: 'u1', path: '/a', timestamp: at('10:00:00'), visit: { page: 1, gap_ms: 0, entry: campaign, referrer: 'https://www.google.com/' } },
  { user: 'u1', path: '/b', timestamp: at('10:00:30'), visit: { page: 2, gap_ms: 30_000, entry: campaign, referrer: 'https://www.google.com/' } },
  { user: 'u1', path: '/c', timestamp: at('10:01:30'), visit: { page: 3, gap_ms: 60_000, entry: campaign, referrer: 'https://www.google.com/' } },
  // u2: a bounce from a search.
  { user: 'u2', path: '/b', timestamp: at('10:20:00'), visit: { page: 1, gap_ms: 0, entry: 'https://shop.example/b', referrer: 'https://www.google.com/search?q=shop' } },
  // u3: typed the address; a signup between two page views, 60 s.
  { user: 'u3', path: '/a', timestamp: at('15:30:00'), visit: { page: 1, gap_ms: 0, entry: '/a' } },
  { user: 'u3', event_type: 'signup', path: '/a', timestamp: at('15:30:20'), visit: { page: 1, gap_ms: 20_000, entry: '/a' } },
  { user: 'u3', path: '/c', timestamp: at('15:31:00'), visit: { page: 2, gap_ms: 40_000, entry: '/a' } },
  // u4: a client that sends no visits.
  { user: 'u4', path: '/a', timestamp: at('16:00:00') },
];

const stats = (route: string, query: Record<string, string>): Promise<ApiResponse> => reader.get(route, { site_id: site, ...query });
const breakdown = async (dimension: string, query: Record<string, string> = { date: day }) => (await stats('stats/breakdown', { dimension, ...query })).body;

beforeAll(async () => {
  const responses = await Promise.all(
    plan.map(({ user, event_type = 'page_view', ...event }, i) =>
      visitors[user].client.postEvent({ site_id: site, event_type, user_id: user, event_id: `${run}-${i}`, ...event }, 'application/json', {
        'x-forwarded-for': visitors[user].address,
      }),
    ),
  );
  expect(responses.map((response) => response.status)).toEqual(plan.map(() => 202));
  const counted = await waitFor(() => stats('stats', { date: day }), (r) => r.body?.total_events >= plan.length, PIPELINE_TIMEOUT_MS);
  expect(counted.body.total_events).toBe(plan.length);
});

describe('visits over HTTP', () => {
  it('GET /stats gives visits, bounce rate, mean duration and page views per visit', async () => {
    // 3 visits, one a bounce; 90 + 0 + 60 s; 6 page views of visits (u4's is not one).
    const response = await stats('stats', { date: day });
    expect(response.body).toMatchObject({ total_views: 7, total_events: 8, visits: 3, bounce_rate: 0.3333, visit_duration_s: 50, views_per_visit: 2 });
  });

  it('breaks visits down by source, entry page, UTM medium and campaign', async () => {
    expect((await breakdown('source')).results).toEqual([
      { value: 'news', visits: 1, views: 3 },
      { value: '(direct)', visits: 1, views: 2 },
      { value: 'google.com', visits: 1, views: 1 },
    ]);
    expect((await breakdown('entry_page')).results).toEqual([
      { value: '/a', visits: 2, views: 5 },
      { value: '/b', visits: 1, views: 1 },
    ]);
    expect((await breakdown('utm_medium')).results).toEqual([
      { value: '(none)', visits: 2, views: 3 },
      { value: 'email', visits: 1, views: 3 },
    ]);
    expect((await breakdown('utm_campaign')).results).toEqual([
      { value: '(none)', visits: 2, views: 3 },
      { value: 'spring', visits: 1, views: 3 },
    ]);
  });

  it('breaks visits and page views down by country, device, browser and OS, page views without visits included', async () => {
    const [country, device, browser, os] = await Promise.all(['country', 'device', 'browser', 'os'].map((dimension) => breakdown(dimension)));
    expect(country).toEqual({
      site_id: site,
      timezone: 'UTC',
      answered_by: 'counters',
      dimension: 'country',
      date: day,
      results: [
        { value: 'US', visits: 2, views: 6 },
        { value: 'NL', visits: 1, views: 1 },
      ],
    });
    expect(device.results).toEqual([
      { value: 'desktop', visits: 2, views: 6 },
      { value: 'mobile', visits: 1, views: 1 },
    ]);
    expect(browser.results).toEqual([
      { value: 'Chrome', visits: 1, views: 4 },
      { value: 'Firefox', visits: 1, views: 2 },
      { value: 'Safari', visits: 1, views: 1 },
    ]);
    expect(os.results).toEqual([
      { value: 'Windows', visits: 1, views: 4 },
      { value: 'Linux', visits: 1, views: 2 },
      { value: 'iOS', visits: 1, views: 1 },
    ]);
  });

  it('gives the same breakdown over a range and all time, and limits it', async () => {
    const [range, all, limited] = await Promise.all([
      breakdown('entry_page', { from: day, to: today }),
      breakdown('entry_page', {}),
      breakdown('entry_page', { date: day, limit: '1' }),
    ]);
    expect(range).toMatchObject({ from: day, to: today, results: [{ value: '/a', visits: 2, views: 5 }, { value: '/b', visits: 1, views: 1 }] });
    expect(all).toMatchObject({ date: null, results: range.results });
    expect(limited.results).toEqual([{ value: '/a', visits: 2, views: 5 }]);
  });

  it('GET /stats/timeseries gives visits per day, and the day by the hour', async () => {
    // Act
    const [daily, hourly] = await Promise.all([
      stats('stats/timeseries', { from: day, to: today }),
      stats('stats/timeseries', { interval: 'hour', date: day }),
    ]);

    // Assess
    expect(daily.body.points).toEqual([
      { date: day, views: 7, unique_users: 4, events: 8, visits: 3 },
      { date: today, views: 0, unique_users: 0, events: 0, visits: 0 },
    ]);
    expect(hourly.status).toBe(200);
    expect(hourly.body).toMatchObject({ site_id: site, timezone: 'UTC', date: day });
    expect(hourly.body.points).toHaveLength(24);
    expect(hourly.body.points[0].hour).toBe(`${day}T00:00:00+00:00`);
    expect(hourly.body.points.filter((point: { events: number }) => point.events > 0)).toEqual([
      { hour: `${day}T10:00:00+00:00`, views: 4, visits: 2, events: 4 },
      { hour: `${day}T15:00:00+00:00`, views: 2, visits: 1, events: 3 },
      { hour: `${day}T16:00:00+00:00`, views: 1, visits: 0, events: 1 },
    ]);
  });

  it.each([
    ['stats/breakdown', { date: day }, 'dimension'],
    ['stats/breakdown', { dimension: 'referrer' }, 'dimension'],
    ['stats/timeseries', { interval: 'hour' }, 'date'],
    ['stats/timeseries', { interval: 'hour', from: day, to: today }, 'from'],
    ['stats/timeseries', { interval: 'minute', from: day, to: today }, 'interval'],
  ])('GET /%s answers 400 invalid_query for %j, naming %s', async (route, query, field) => {
    const response = await stats(route, query);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_query');
    expect(response.body.error.details.map((detail: { field: string }) => detail.field)).toContain(field);
  });
});
