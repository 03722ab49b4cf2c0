import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient, waitFor, type ApiResponse } from '../support/http-client.ts';
import { sitesCli } from '../support/sites-cli.ts';

// Goals over HTTP: an event goal and page-pattern goals registered with `npm run sites -- goal
// add`, visits posted (some sign up, some reach a thank-you page, some both, some twice), then
// GET /stats/goals with and without filters, each figure equal to a tally of the events sent.
const baseUrl = inject('baseUrl');
const target = inject('keysTarget');
const reader = apiClient(baseUrl, undefined, inject('adminKey'));
const browser = apiClient(baseUrl);
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const site = `e2e-goals-${run}`;
const PIPELINE_TIMEOUT_MS = Number(process.env.E2E_PIPELINE_TIMEOUT_MS ?? 60_000);
const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** The goals, as GET /stats/goals lists them: event goals first, each kind by text. */
const GOALS = ['event:never', 'event:signup', 'page:/docs/*/api', 'page:/thank-you*'];
const ORIGINS = [
  { entry: 'https://shop.example/', referrer: 'https://www.google.com/search?q=shop', source: 'google.com' },
  { entry: 'https://shop.example/', referrer: undefined, source: '(direct)' },
];
/** The pages of each visit, in order; `!signup` is a signup event on the page before. */
const VISITS = [
  ['/', '/pricing', '!signup', '/thank-you'],
  ['/', '/thank-you/pro'],
  ['/', '/docs/v1/api', '/docs/v1/api/more'],
  ['/', '!signup', '!signup'],
  ['/thank-you_x'],
  ['/', '/blog'],
  ['/', '/docs/a/b/api', '/thank-you'],
  ['/pricing'],
];

interface Sent {
  user: string;
  type: string;
  path: string;
  source: string;
  body: Record<string, unknown>;
}

function plan(): Sent[] {
  const sent: Sent[] = [];
  VISITS.forEach((steps, v) => {
    const user = `u${v % 6}`;
    const origin = ORIGINS[v % 2]!;
    let at = Date.parse(`${day}T${String(8 + v).padStart(2, '0')}:00:00Z`);
    let page = 0;
    let path = '/';
    for (const step of steps) {
      at += 10_000;
      const type = step.startsWith('!') ? step.slice(1) : 'page_view';
      if (type === 'page_view') {
        page++;
        path = step;
      }
      const visit = { page, gap_ms: page === 1 && type === 'page_view' ? 0 : 10_000, entry: origin.entry, referrer: origin.referrer };
      sent.push({ user, type, path, source: origin.source, body: { path, timestamp: new Date(at).toISOString(), visit } });
    }
  });
  return sent;
}
const SENT = plan();

/** Whether an event completes a goal (the tally's own reading of the patterns: `*` any characters). */
function completes(event: Sent, goal: string): boolean {
  if (goal.startsWith('event:')) return event.type === goal.slice(6);
  const pattern = new RegExp(`^${goal.slice(5).split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return event.type === 'page_view' && pattern.test(event.path);
}

const usersOf = (events: Sent[]) => new Set(events.map((event) => event.user));

/** What GET /stats/goals answers for the kept events. */
function tally(events: Sent[]) {
  const unique = usersOf(events).size;
  return {
    unique_users: unique,
    goals: GOALS.map((goal) => {
      const done = events.filter((event) => completes(event, goal));
      const visitors = usersOf(done).size;
      return { goal, visitors, completions: done.length, conversion_rate: unique ? Math.round((visitors / unique) * 10_000) / 10_000 : 0 };
    }),
  };
}

const get = (query: Record<string, string>): Promise<ApiResponse> => reader.get('stats/goals', { site_id: site, date: day, ...query });

describe.runIf(target)('goals over HTTP, answered from the lake', () => {
  beforeAll(async () => {
    for (const goal of GOALS) {
      const [kind, value] = [goal.slice(0, goal.indexOf(':')), goal.slice(goal.indexOf(':') + 1)];
      expect(sitesCli(target!, 'goal', 'add', '--site', site, `--${kind}`, value).status).toBe(0);
    }
    const responses = await Promise.all(
      SENT.map(({ user, type, body }, i) => browser.postEvent({ site_id: site, event_type: type, user_id: user, event_id: `${run}-${i}`, ...body })),
    );
    expect(responses.map((response) => response.status)).toEqual(SENT.map(() => 202));
    const counted = await waitFor(() => reader.get('stats', { site_id: site, date: day }), (r) => r.body?.total_events >= SENT.length, PIPELINE_TIMEOUT_MS);
    expect(counted.body.total_events).toBe(SENT.length);
  });

  it('counts each goal\'s visitors, completions and conversion rate, event goals first', async () => {
    const response = await get({});
    expect(response.status).toBe(200);
    const expected = tally(SENT);
    expect(expected.goals.filter((goal) => goal.visitors > 0 && goal.conversion_rate < 1)).toHaveLength(3);
    expect(response.body).toEqual({ site_id: site, timezone: 'UTC', date: day, ...expected, answered_by: 'lake' });
  });

  it('counts over the events a filter keeps', async () => {
    const response = await get({ filters: 'source==google.com' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject(tally(SENT.filter((event) => event.source === 'google.com')));
  });

  it.each(['goal==event:signup', 'goal!=page:/thank-you*', 'goal==event:signup|page:/docs/*/api;source==(direct)'])('keeps the events of the visitors who completed a goal: %s', async (filters) => {
    const conditions = filters.split(';');
    const keeps = conditions.map((condition) => {
      const [, dimension, operator, values] = /^([a-z_]+)(==|!=)(.*)$/.exec(condition)!;
      if (dimension === 'source') return (event: Sent) => event.source === values;
      const converted = usersOf(SENT.filter((event) => values!.split('|').some((goal) => completes(event, goal))));
      return (event: Sent) => converted.has(event.user) === (operator === '==');
    });
    const events = SENT.filter((event) => keeps.every((keep) => keep(event)));
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThan(SENT.length);
    const [goals, stats] = await Promise.all([get({ filters }), reader.get('stats', { site_id: site, date: day, filters })]);
    expect(goals.body).toMatchObject(tally(events));
    expect(stats.body).toMatchObject({ total_events: events.length, unique_users: usersOf(events).size });
  });

  it('refuses a goal filter that names no goal', async () => {
    const response = await get({ filters: 'goal==signup' });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].message).toContain('has a goal that must be event:NAME or page:PATTERN');
  });
});
