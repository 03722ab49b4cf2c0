import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { PIPELINE_TIMEOUT_MS, runId, yesterday } from '../support/e2e-run.ts';
import { apiClient, waitFor, type ApiResponse } from '../support/http-client.ts';

// Custom properties over HTTP: events with `props` posted one by one and in a batch, bad ones
// refused with the field named, then GET /stats/breakdown by `prop:<key>` and filters on
// properties, each answer equal to a tally of the events this file sent; the refused events are
// never counted.
const run = runId();
const site = `e2e-props-${run}`;
const day = yesterday();
const client = apiClient(inject('baseUrl'));
const reader = apiClient(inject('baseUrl'), undefined, inject('adminKey'));

/** An event as sent: its user, type and properties (none: undefined). */
interface Sent {
  user: string;
  type: string;
  props?: Record<string, string>;
}

const PLANS = ['pro', 'free', 'team;a|b'];
/** 30 events of 6 users: page views (a few with a property), signups and clicks with one or two. */
function plan(): Sent[] {
  const sent: Sent[] = [];
  for (let i = 0; i < 30; i++) {
    const user = `u${i % 6}`;
    if (i % 3 === 0) sent.push({ user, type: 'page_view', ...(i % 9 === 0 ? { props: { author: 'ann' } } : {}) });
    else if (i % 3 === 1) sent.push({ user, type: 'signup', props: { plan: PLANS[i % PLANS.length]!, ...(i % 2 ? { source_button: 'hero' } : {}) } });
    else sent.push({ user, type: 'click', ...(i % 4 === 2 ? { props: { plan: 'pro' } } : {}) });
  }
  return sent;
}
const SENT = plan();
const body = (event: Sent, i: number) => ({
  site_id: site,
  event_type: event.type,
  path: '/pricing',
  user_id: event.user,
  timestamp: `${day}T12:${String(i).padStart(2, '0')}:00.000Z`,
  event_id: `${run}-${i}`,
  visit: { page: 1, gap_ms: 0, entry: '/pricing', id: `visit-${event.user}` },
  ...(event.props ? { props: event.props } : {}),
});

/** The rows a property breakdown gives: events and distinct users by value, `(none)` without the key. */
function tally(events: readonly Sent[], key: string) {
  const rows = new Map<string, { value: string; events: number; users: Set<string> }>();
  for (const event of events) {
    const value = event.props?.[key] ?? '(none)';
    const row = rows.get(value) ?? { value, events: 0, users: new Set<string>() };
    row.events++;
    row.users.add(event.user);
    rows.set(value, row);
  }
  return [...rows.values()]
    .map(({ value, events: count, users }) => ({ value, events: count, visitors: users.size }))
    .sort((a, b) => b.visitors - a.visitors || b.events - a.events || (a.value < b.value ? -1 : 1));
}

const get = (route: string, query: Record<string, string>): Promise<ApiResponse> => reader.get(route, { site_id: site, date: day, ...query });

beforeAll(async () => {
  const [first, ...rest] = SENT.map(body);
  const one = await client.postEvent(first!);
  const batch = await client.post('events', JSON.stringify(rest));
  expect([one.status, batch.status]).toEqual([202, 202]);
  const counted = await waitFor(() => get('stats', {}), (r) => r.body?.total_events >= SENT.length, PIPELINE_TIMEOUT_MS);
  expect(counted.body.total_events).toBe(SENT.length);
});

describe('custom properties over HTTP', () => {
  it.each([
    ['too many', Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, 'v'])), 'props'],
    ['a key too long', { ['k'.repeat(301)]: 'v' }, 'props'],
    ['a value too long', { plan: 'p'.repeat(2001) }, 'props.plan'],
    ['a value not a string', { seats: 3 }, 'props.seats'],
    ['not an object', ['pro'], 'props'],
  ])('refuses props with %s: 400 invalid_event naming %s, on POST /event and POST /events', async (_, props, field) => {
    const event = { ...body({ user: 'bad', type: 'signup' }, 59), event_id: `${run}-bad`, props };
    const one = await client.postEvent(event);
    expect(one.status).toBe(400);
    expect(one.body.error.code).toBe('invalid_event');
    expect(one.body.error.details).toEqual([expect.objectContaining({ field })]);
    const batch = await client.post('events', JSON.stringify([body(SENT[0]!, 0), event]));
    expect(batch.status).toBe(400);
    expect(batch.body.error.details).toEqual([expect.objectContaining({ field: `[1].${field}` })]);
  });

  it('refuses a property value with an unpaired surrogate, naming it', async () => {
    // JSON.stringify writes a lone surrogate as an escape, which JSON.parse reads back as it was.
    const response = await client.postEvent({ ...body({ user: 'bad', type: 'signup' }, 59), event_id: `${run}-bad`, props: { plan: 'pro\uD800' } });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([expect.objectContaining({ field: 'props.plan' })]);
  });

  it('refuses a visit id outside its alphabet, naming visit.id', async () => {
    const event = body({ user: 'bad', type: 'signup' }, 59);
    const response = await client.postEvent({ ...event, event_id: `${run}-bad`, visit: { ...event.visit, id: 'not an id' } });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([expect.objectContaining({ field: 'visit.id' })]);
  });

  it.each(['plan', 'source_button', 'author', 'nobody'])('breaks down the events by prop:%s as a tally does', async (key) => {
    const response = await get('stats/breakdown', { dimension: `prop:${key}`, limit: '100' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ site_id: site, dimension: `prop:${key}`, date: day, answered_by: 'lake' });
    expect(response.body.results).toEqual(tally(SENT, key));
  });

  it.each([
    ['prop:plan==pro', (e: Sent) => e.props?.plan === 'pro'],
    ['prop:plan!=pro', (e: Sent) => e.props?.plan !== 'pro'],
    ['prop:plan==team\\;a\\|b|free;event_type==signup', (e: Sent) => (e.props?.plan === 'team;a|b' || e.props?.plan === 'free') && e.type === 'signup'],
    ['prop:source_button~her', (e: Sent) => e.props?.source_button?.includes('her') === true],
  ])('filters by %s: the figures and a property breakdown of the kept events', async (filters, keeps) => {
    const events = SENT.filter(keeps);
    expect(events.length).toBeGreaterThan(0);
    const [stats, byPlan] = await Promise.all([get('stats', { filters }), get('stats/breakdown', { filters, dimension: 'prop:plan', limit: '100' })]);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ total_events: events.length, unique_users: new Set(events.map((e) => e.user)).size, answered_by: 'lake' });
    expect(byPlan.body.results).toEqual(tally(events, 'plan'));
  });

  it('writes each event to the lake with its visit id and its properties, as sent', async () => {
    const listing = await reader.get('stats/export', { site_id: site, from: day, to: day });
    expect(listing.status).toBe(200);
    const lines: Array<{ event_id: string; visit?: { id?: string }; props?: Record<string, string> }> = [];
    for (const file of listing.body.files as Array<{ url: string }>) {
      const download = await fetch(file.url);
      lines.push(...gunzipSync(Buffer.from(await download.arrayBuffer())).toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)));
    }
    const byId = new Map(lines.map((line) => [line.event_id, line]));
    expect(byId.size).toBe(SENT.length);
    SENT.forEach((event, i) => {
      const line = byId.get(`${run}-${i}`);
      expect(line?.visit?.id).toBe(`visit-${event.user}`);
      expect(line?.props).toEqual(event.props);
    });
  });

  it('pages a property breakdown and refuses one without a period', async () => {
    const all = tally(SENT, 'plan');
    const page = await get('stats/breakdown', { dimension: 'prop:plan', limit: '2', offset: '1' });
    expect(page.body.results).toEqual(all.slice(1, 3));
    const allTime = await reader.get('stats/breakdown', { site_id: site, dimension: 'prop:plan' });
    expect(allTime.status).toBe(400);
    expect(allTime.body.error.details).toEqual([expect.objectContaining({ field: 'dimension' })]);
  });
});
