import { beforeAll, describe, expect, inject, it } from 'vitest';
import { visitFigures } from '../../functions/domain/visit-figures.ts';
import { USER_AGENT_SAMPLES } from '../../bench/lib/user-agent-samples.ts';
import { apiClient, waitFor, type ApiResponse } from '../support/http-client.ts';

// Filters over HTTP: visits from three kinds of visitors and three sources posted as browsers
// (User-Agent) through a server (X-Forwarded-For), then GET /stats, /stats/breakdown and
// /stats/timeseries with filters, each answer equal to a tally of the events this file sent.
const baseUrl = inject('baseUrl');
const reader = apiClient(baseUrl, undefined, inject('adminKey'));
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const site = `e2e-filters-${run}`;
const PIPELINE_TIMEOUT_MS = Number(process.env.E2E_PIPELINE_TIMEOUT_MS ?? 60_000);

const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const userAgent = (name: string) => USER_AGENT_SAMPLES.find((sample) => sample.name === name)!.userAgent;
/** Who visits: a browser and an address (8.8.8.8 is US, 193.0.6.139 NL in the shipped database). */
const PROFILES = [
  { client: apiClient(baseUrl, userAgent('Chrome on Windows')), address: '8.8.8.8', device: 'desktop', country: 'US' },
  { client: apiClient(baseUrl, userAgent('Safari on iPhone')), address: '193.0.6.139', device: 'mobile', country: 'NL' },
  { client: apiClient(baseUrl, userAgent('Firefox on Linux')), address: '193.0.6.139', device: 'desktop', country: 'NL' },
];
/** Where visits come from: the entry URL and referrer a tracker sends, and the source and entry page the stats name. */
const ORIGINS = [
  { entry: 'https://shop.example/a?utm_source=news&utm_medium=email', referrer: undefined, source: 'news', entryPage: '/a' },
  { entry: 'https://shop.example/b', referrer: 'https://www.google.com/search?q=shop', source: 'google.com', entryPage: '/b' },
  { entry: '/a', referrer: undefined, source: '(direct)', entryPage: '/a' },
];
const PATHS = ['/a', '/b', '/docs/start', '/docs/api'];

/** An event as sent, with what the stats know of it. */
interface Sent {
  profile: (typeof PROFILES)[number];
  body: Record<string, unknown>;
  user: string;
  type: string;
  path: string;
  hour: number;
  visit?: { page: number; gapMs: number; source: string; entryPage: string };
}

/** 12 visits of 1 to 3 page views (some with a signup), and page views of a client that sends no visits. */
function plan(): Sent[] {
  const sent: Sent[] = [];
  for (let v = 0; v < 12; v++) {
    const profile = PROFILES[v % 3]!;
    const origin = ORIGINS[(v * 2 + Math.floor(v / 3)) % 3]!;
    const user = `u${v % 5}`;
    const hour = 6 + v;
    let at = Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);
    const views = 1 + (v % 3);
    for (let page = 1; page <= views; page++) {
      const gapMs = page === 1 ? 0 : 30_000 * page;
      at += gapMs;
      const path = page === 1 ? origin.entryPage : PATHS[(v + page) % PATHS.length]!;
      const visit = { page, gapMs, source: origin.source, entryPage: origin.entryPage };
      sent.push({ profile, user, type: 'page_view', path, hour, visit, body: { path, timestamp: new Date(at).toISOString(), visit: { page, gap_ms: gapMs, entry: origin.entry, referrer: origin.referrer } } });
      if (v % 4 === 0 && page === 1) {
        at += 5_000;
        sent.push({ profile, user, type: 'signup', path, hour, visit: { ...visit, gapMs: 5_000 }, body: { path, timestamp: new Date(at).toISOString(), visit: { page, gap_ms: 5_000, entry: origin.entry, referrer: origin.referrer } } });
      }
    }
  }
  for (let i = 0; i < 3; i++) {
    const path = PATHS[i + 1]!;
    sent.push({ profile: PROFILES[0]!, user: 'server', type: 'page_view', path, hour: 20, body: { path, timestamp: `${day}T20:0${i}:00.000Z` } });
  }
  return sent;
}
const SENT = plan();

/** What a filter condition reads of an event (undefined: the event has no value, e.g. no visit). */
const FIELDS: Record<string, (event: Sent) => string | undefined> = {
  page: (event) => event.path,
  event_type: (event) => event.type,
  country: (event) => event.profile.country,
  device: (event) => event.profile.device,
  source: (event) => event.visit?.source,
  entry_page: (event) => event.visit?.entryPage,
};

/** The events a filters text keeps (the API's semantics: `==` and `~` need a value, `!=` is their negation). */
function kept(filters: string): Sent[] {
  const conditions = filters.split(';').map((text) => {
    const [, dimension, operator, values] = /^([a-z_]+)(==|!=|~)(.*)$/.exec(text)!;
    return { read: FIELDS[dimension!]!, operator: operator!, values: values!.split('|') };
  });
  return SENT.filter((event) =>
    conditions.every(({ read, operator, values }) => {
      const value = read(event);
      const matches = value !== undefined && values.some((wanted) => (operator === '~' ? value.includes(wanted) : value === wanted));
      return operator === '!=' ? !matches : matches;
    }),
  );
}

const isView = (event: Sent) => event.type === 'page_view';
const startsVisit = (event: Sent) => isView(event) && event.visit?.page === 1;

function figures(events: Sent[]) {
  const views = events.filter(isView);
  const visit = visitFigures({
    visits: views.filter(startsVisit).length,
    multiViewVisits: views.filter((event) => event.visit?.page === 2).length,
    visitMs: events.reduce((sum, event) => sum + (event.visit?.gapMs ?? 0), 0),
    visitViews: views.filter((event) => event.visit !== undefined).length,
  });
  return { total_views: views.length, total_events: events.length, unique_users: new Set(events.map((event) => event.user)).size, ...visit };
}

function topPaths(events: Sent[]) {
  const counts = new Map<string, number>();
  for (const event of events.filter(isView)) counts.set(event.path, (counts.get(event.path) ?? 0) + 1);
  return [...counts].map(([path, views]) => ({ path, views })).sort((a, b) => b.views - a.views || (a.path < b.path ? -1 : 1));
}

function breakdownRows(events: Sent[], dimension: string) {
  const rows = new Map<string, { value: string; visits: number; views: number }>();
  for (const event of events.filter(isView)) {
    const value = FIELDS[dimension]!(event);
    if (value === undefined) continue;
    const row = rows.get(value) ?? { value, visits: 0, views: 0 };
    row.views++;
    if (startsVisit(event)) row.visits++;
    rows.set(value, row);
  }
  return [...rows.values()].sort((a, b) => b.visits - a.visits || b.views - a.views || (a.value < b.value ? -1 : 1));
}

const get = (route: string, query: Record<string, string>): Promise<ApiResponse> => reader.get(route, { site_id: site, date: day, ...query });

beforeAll(async () => {
  const responses = await Promise.all(
    SENT.map(({ profile, user, type, body }, i) =>
      profile.client.postEvent({ site_id: site, event_type: type, user_id: user, event_id: `${run}-${i}`, ...body }, 'application/json', {
        'x-forwarded-for': profile.address,
      }),
    ),
  );
  expect(responses.map((response) => response.status)).toEqual(SENT.map(() => 202));
  const counted = await waitFor(() => get('stats', {}), (r) => r.body?.total_events >= SENT.length, PIPELINE_TIMEOUT_MS);
  expect(counted.body.total_events).toBe(SENT.length);
});

const FILTERS = [
  'source==news',
  'country==NL;device==mobile',
  'source!=news',
  'page~/docs',
  'source==google.com|(direct);event_type==page_view',
  'entry_page==/a;country!=US',
];

describe('filters over HTTP, answered from the lake', () => {
  it('keeps some events and leaves out others with every filter of this file', () => {
    for (const filters of FILTERS) expect(kept(filters).length, filters).toBeGreaterThan(0);
    for (const filters of FILTERS) expect(kept(filters).length, filters).toBeLessThan(SENT.length);
  });

  it.each(FILTERS)('GET /stats with %s gives the figures and top paths of the kept events', async (filters) => {
    const response = await get('stats', { filters });
    expect(response.status).toBe(200);
    expect(response.body.answered_by).toBe('lake');
    const events = kept(filters);
    expect(response.body).toMatchObject(figures(events));
    expect(response.body.top_paths).toEqual(topPaths(events));
  });

  it.each(FILTERS)('GET /stats/breakdown with %s gives the kept page views by source, entry page, country and device', async (filters) => {
    for (const dimension of ['source', 'entry_page', 'country', 'device']) {
      const response = await get('stats/breakdown', { filters, dimension });
      expect(response.status, dimension).toBe(200);
      expect(response.body.answered_by).toBe('lake');
      expect(response.body.results, dimension).toEqual(breakdownRows(kept(filters), dimension));
    }
  });

  it.each(FILTERS)('GET /stats/timeseries of the day with %s gives the kept events by the hour', async (filters) => {
    const response = await get('stats/timeseries', { filters, interval: 'hour' });
    expect(response.status).toBe(200);
    expect(response.body.answered_by).toBe('lake');
    const events = kept(filters);
    const byHour = response.body.points.map((point: { hour: string; views: number; visits: number; events: number }) => ({
      hour: Number(point.hour.slice(11, 13)),
      views: point.views,
      visits: point.visits,
      events: point.events,
    }));
    const expected = Array.from({ length: 24 }, (_, hour) => {
      const inHour = events.filter((event) => event.hour === hour);
      return { hour, views: inHour.filter(isView).length, visits: inHour.filter(startsVisit).length, events: inHour.length };
    });
    expect(byHour).toEqual(expected);
  });

  it.each(FILTERS)('GET /stats/view of the day with %s gives in one answer what the filtered routes give', async (filters) => {
    const dimensions = ['source', 'utm_medium', 'utm_campaign', 'entry_page', 'country', 'device', 'browser', 'os'];
    const [view, stats, series, ...breakdowns] = await Promise.all([
      get('stats/view', { filters, interval: 'hour', limit: '100' }),
      get('stats', { filters, limit: '100' }),
      get('stats/timeseries', { filters, interval: 'hour' }),
      ...dimensions.map((dimension) => get('stats/breakdown', { filters, dimension, limit: '100' })),
    ]);
    expect(view.status).toBe(200);
    expect(view.body.answered_by).toBe('lake');
    expect(view.body.stats).toEqual(stats.body);
    expect(view.body.timeseries).toEqual(series.body);
    expect(view.body.breakdowns).toEqual(Object.fromEntries(dimensions.map((dimension, i) => [dimension, breakdowns[i]!.body.results])));
    expect(view.body.breakdowns.source).toEqual(breakdownRows(kept(filters), 'source'));
  });

  it('answers the unfiltered day from the counters, and the same figures from the lake with a filter that keeps everything', async () => {
    const [counters, lake] = await Promise.all([get('stats', {}), get('stats', { filters: 'event_type!=none' })]);
    expect(counters.body.answered_by).toBe('counters');
    expect(lake.body.answered_by).toBe('lake');
    const { answered_by: _counters, ...fromCounters } = counters.body;
    const { answered_by: _lake, ...fromLake } = lake.body;
    expect(fromLake).toEqual(fromCounters);
  });
});
