import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient, waitFor } from '../support/http-client.ts';

// GET /stats/funnel over HTTP: visits posted with the tracker's visit ids (and some without),
// doing the steps in order, out of order, skipping one or repeating one; 2-, 3- and 4-step
// funnels equal a tally of what this file sent.
const baseUrl = inject('baseUrl');
const api = apiClient(baseUrl, undefined, inject('adminKey'));
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const site = `e2e-funnel-${run}`;
const PIPELINE_TIMEOUT_MS = Number(process.env.E2E_PIPELINE_TIMEOUT_MS ?? 60_000);
const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** What a visit does, in order: a path (a page view) or `!type` (a custom event on the last path). */
const VISITS: Array<{ id?: string; user: string; does: string[] }> = [
  { id: 'v-in-order', user: 'a', does: ['/', '/pricing', '!signup', '/docs/start'] },
  { id: 'v-reversed', user: 'b', does: ['/', '!signup', '/pricing'] },
  { id: 'v-skips', user: 'c', does: ['/', '!signup'] },
  { id: 'v-repeats', user: 'd', does: ['/', '/', '/pricing', '/', '/pricing', '!signup', '!signup'] },
  { id: 'v-no-start', user: 'a', does: ['/pricing', '!signup'] },
  { id: 'v-docs-first', user: 'e', does: ['/docs/api', '/', '/pricing', '/docs/start'] },
  { user: 'f', does: ['/', '/pricing'] },
  { id: 'v-bounce', user: 'g', does: ['/'] },
];

/** The steps a tally walks: page paths with `*`, or event types. */
const matches = (step: string, type: string, path: string): boolean =>
  step.startsWith('event:') ? type === step.slice(6) : type === 'page_view' && new RegExp(`^${step.slice(5).replaceAll('*', '.*')}$`).test(path);

function tally(steps: string[]): number[] {
  const entered = steps.map(() => 0);
  for (const visit of VISITS) {
    let path = '/';
    const events = visit.does.map((what) => (what.startsWith('!') ? { type: what.slice(1), path } : { type: 'page_view', path: (path = what) }));
    let index = -1;
    for (const [i, step] of steps.entries()) {
      const next = events.findIndex((event, at) => at > index && matches(step, event.type, event.path));
      if (next < 0) break;
      index = next;
      entered[i]!++;
    }
  }
  return entered;
}

beforeAll(async () => {
  let sent = 0;
  for (const [v, visit] of VISITS.entries()) {
    let path = '/';
    let page = 0;
    for (const [i, what] of visit.does.entries()) {
      const custom = what.startsWith('!');
      if (!custom) {
        path = what;
        page++;
      }
      const timestamp = `${day}T${String(8 + v).padStart(2, '0')}:${String(i).padStart(2, '0')}:00.000Z`;
      const response = await api.postEvent({
        site_id: site,
        event_type: custom ? what.slice(1) : 'page_view',
        user_id: visit.user,
        event_id: `${run}-${v}-${i}`,
        path,
        timestamp,
        ...(visit.id ? { visit: { page: Math.max(page, 1), gap_ms: i === 0 ? 0 : 60_000, entry: `https://shop.example${visit.does[0]}`, id: `${visit.id}-${run}` } } : {}),
      });
      expect(response.status).toBe(202);
      sent++;
    }
  }
  await waitFor(() => api.get('stats', { site_id: site, date: day }), (r) => r.body?.total_events === sent, PIPELINE_TIMEOUT_MS);
});

describe('GET /stats/funnel', () => {
  it.each([
    ['page:/', 'page:/pricing'],
    ['page:/', 'page:/pricing', 'event:signup'],
    ['page:/', 'page:/pricing', 'event:signup', 'page:/docs/*'],
    ['page:/docs/*', 'page:/', 'page:/pricing'],
  ])('counts the visits through %s, %s ... as a tally of the visits sent', async (...steps: string[]) => {
    const response = await api.get('stats/funnel', { site_id: site, from: day, to: day, steps: steps.join(',') });
    expect(response.status).toBe(200);
    const expected = tally(steps);
    expect(expected[0]).toBeGreaterThan(expected.at(-1)!);
    expect(response.body).toEqual({
      site_id: site,
      timezone: 'UTC',
      from: day,
      to: day,
      steps: steps.map((step, i) => ({
        step,
        visits: expected[i],
        conversion_rate: Math.round((expected[i]! / expected[0]!) * 10_000) / 10_000,
        dropoff: i === 0 ? 0 : expected[i - 1]! - expected[i]!,
      })),
      answered_by: 'lake',
    });
  });

  it('takes filters, and refuses a bad step naming it', async () => {
    // Without the signups, no visit reaches the third step; the page steps are as before.
    const steps = ['page:/', 'page:/pricing', 'event:signup'];
    const filtered = await api.get('stats/funnel', { site_id: site, from: day, to: day, steps: steps.join(','), filters: 'event_type!=signup' });
    const [first, second, third] = tally(steps);
    expect(third).toBeGreaterThan(0);
    expect(filtered.body.steps.map((step: { visits: number }) => step.visits)).toEqual([first, second, 0]);
    const bad = await api.get('stats/funnel', { site_id: site, from: day, to: day, steps: 'page:/,checkout' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ field: 'steps', message: expect.stringContaining('step 2 "checkout"') }]);
  });
});
