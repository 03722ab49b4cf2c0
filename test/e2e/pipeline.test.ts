import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient, waitFor } from '../support/http-client.ts';
import { beacon } from '../support/factories.ts';

const api = apiClient(inject('baseUrl'), undefined, inject('adminKey'));
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const site = `e2e-${run}`;
const DAY_MS = 86_400_000;
const today = new Date();
const yesterday = new Date(today.getTime() - DAY_MS);
const dayOf = (date: Date) => date.toISOString().slice(0, 10);
/** Noon UTC of a day, unless that is still to come; then the start of the day. */
const timeOn = (date: Date) => {
  const noon = `${dayOf(date)}T12:00:00.000Z`;
  return Date.parse(noon) > Date.now() ? `${dayOf(date)}T00:00:00.000Z` : noon;
};
const PIPELINE_TIMEOUT_MS = Number(process.env.E2E_PIPELINE_TIMEOUT_MS ?? 60_000);

interface Sent {
  day: string;
  event_type: string;
  path: string;
  user_id: string;
}

/** The visit figures of events sent without visit marks (all of this file's). */
const NO_VISIT_FIGURES = { visits: 0, bounce_rate: 0, visit_duration_s: 0, views_per_visit: 0 };

// Ground truth, built from what is sent.
const sent: Sent[] = [];
function truth(day?: string) {
  const events = sent.filter((e) => !day || e.day === day);
  const views = events.filter((e) => e.event_type === 'page_view');
  const byPath = new Map<string, number>();
  for (const e of views) byPath.set(e.path, (byPath.get(e.path) ?? 0) + 1);
  const byType: Record<string, number> = {};
  for (const e of events) byType[e.event_type] = (byType[e.event_type] ?? 0) + 1;
  return {
    total_views: views.length,
    total_events: events.length,
    unique_users: new Set(events.map((e) => e.user_id)).size,
    ...NO_VISIT_FIGURES,
    events_by_type: byType,
    top_paths: [...byPath]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .map(([path, n]) => ({ path, views: n })),
  };
}

const stats = Object.assign((query: Record<string, string>) => api.get('stats', query), {
  timeseries: (query: Record<string, string>) => api.get('stats/timeseries', query),
});

describe('events in, stats out', () => {
  beforeAll(async () => {
    // Prepare: 3 paths with distinct popularity, custom events, repeat users, two UTC days,
    // query strings and fragments that must not split paths, and one retried event.
    const plan: Array<Sent & { raw_path: string; at: Date }> = [];
    const paths = [['/pricing', 7], ['/blog/post-1', 5], ['/', 3]] as const;
    for (const [date, factor] of [[today, 1], [yesterday, 2]] as const) {
      for (const [path, n] of paths) {
        for (let i = 0; i < n * factor; i++) {
          const raw = i % 3 === 0 ? `${path}?ref=news${i}` : i % 3 === 1 ? `${path}#section` : path;
          plan.push({ day: dayOf(date), at: date, event_type: 'page_view', path, raw_path: raw, user_id: `u${i % 6}` });
        }
      }
      plan.push({ day: dayOf(date), at: date, event_type: 'signup', path: '/pricing', raw_path: '/pricing', user_id: 'u-signup' });
    }
    const results = await Promise.all(
      plan.map((e, i) =>
        api.postEvent(beacon({ site_id: site, event_type: e.event_type, path: e.raw_path, user_id: e.user_id, timestamp: timeOn(e.at), event_id: `${run}-${i}` })),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(plan.map(() => 202));
    sent.push(...plan);
    // A client retry of event 0 with the same event_id must not be counted twice.
    const first = plan[0]!;
    const retry = await api.postEvent(beacon({ site_id: site, path: first.raw_path, user_id: first.user_id, timestamp: timeOn(first.at), event_id: `${run}-0` }));
    expect(retry.status).toBe(202);
  });

  it('counts a day exactly once the queue has drained', async () => {
    const expected = truth(dayOf(today));
    const response = await waitFor(
      () => stats({ site_id: site, date: dayOf(today) }),
      (r) => r.body?.total_events >= expected.total_events,
      PIPELINE_TIMEOUT_MS,
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ site_id: site, timezone: 'UTC', answered_by: 'counters', date: dayOf(today), ...expected });
  });

  it('counts all time exactly, with the previous day included', async () => {
    const expected = truth();
    const response = await waitFor(
      () => stats({ site_id: site }),
      (r) => r.body?.total_events >= expected.total_events,
      PIPELINE_TIMEOUT_MS,
    );
    expect(response.body).toEqual({ site_id: site, timezone: 'UTC', answered_by: 'counters', date: null, ...expected });
  });

  it('keeps counts exact after the retried event has been processed', async () => {
    // The retry was sent last; once yesterday's count is complete too, the queue holds nothing
    // older than the retry's neighbours. Re-read everything: nothing may have been added twice.
    const expected = truth(dayOf(yesterday));
    const day = await waitFor(
      () => stats({ site_id: site, date: dayOf(yesterday) }),
      (r) => r.body?.total_events >= expected.total_events,
      PIPELINE_TIMEOUT_MS,
    );
    expect(day.body).toEqual({ site_id: site, timezone: 'UTC', answered_by: 'counters', date: dayOf(yesterday), ...expected });
    expect((await stats({ site_id: site })).body.total_events).toBe(truth().total_events);
  });

  it('counts a range of days, each user once across the range', async () => {
    // Prepare: wait until both days are complete.
    const range = { from: dayOf(yesterday), to: dayOf(today) };
    const expected = truth();
    const response = await waitFor(
      () => stats({ site_id: site, ...range, limit: '100' }),
      (r) => r.body?.total_events >= expected.total_events,
      PIPELINE_TIMEOUT_MS,
    );
    const daily = [truth(range.from).unique_users, truth(range.to).unique_users];

    // Assess: the same users came on both days, so the range counts fewer than the days summed.
    expect(response.body).toEqual({ site_id: site, timezone: 'UTC', answered_by: 'counters', ...range, ...expected });
    expect(response.body.unique_users).toBeLessThan(daily[0]! + daily[1]!);
  });

  it('gives one point per day of a range, zeros for days without data', async () => {
    const dayBefore = dayOf(new Date(yesterday.getTime() - DAY_MS));
    const response = await stats.timeseries({ site_id: site, from: dayBefore, to: dayOf(today) });
    const point = (day: string) => {
      const t = truth(day);
      return { date: day, views: t.total_views, unique_users: t.unique_users, events: t.total_events, visits: 0 };
    };
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      site_id: site,
      timezone: 'UTC',
      answered_by: 'counters',
      from: dayBefore,
      to: dayOf(today),
      points: [{ date: dayBefore, views: 0, unique_users: 0, events: 0, visits: 0 }, point(dayOf(yesterday)), point(dayOf(today))],
    });
  });

  it('limits top_paths', async () => {
    const response = await stats({ site_id: site, limit: '1' });
    expect(response.body.top_paths).toEqual(truth().top_paths.slice(0, 1));
    expect(response.body.top_paths[0].path).toBe('/pricing');
  });
});

describe('GET /stats', () => {
  it('gives zeros and an empty list for a site with no data', async () => {
    const response = await stats({ site_id: `nobody-${run}`, date: '2025-11-12' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      site_id: `nobody-${run}`, timezone: 'UTC', answered_by: 'counters', date: '2025-11-12', total_views: 0, unique_users: 0, total_events: 0, ...NO_VISIT_FIGURES,
      events_by_type: {}, top_paths: [],
    });
  });

  it.each([
    ['a missing site_id', {}],
    ['an impossible date', { site_id: 's', date: '2025-02-30' }],
    ['a malformed date', { site_id: 's', date: '2025/11/12' }],
    ['a limit over 100', { site_id: 's', limit: '101' }],
    ['a limit that is not a number', { site_id: 's', limit: 'all' }],
  ])('answers 400 invalid_query for %s', async (_, query) => {
    const response = await stats(query);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_query');
    expect(response.body.error.details.length).toBeGreaterThan(0);
  });
});
