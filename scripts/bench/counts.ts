// `npm run bench` and `npm run soak`: check GET /stats and GET /stats/breakdown answers against the workload's ground truth.
import { performance } from 'node:perf_hooks';
import { mapLimit } from '../../functions/commons/map-limit.ts';
import { DIMENSIONS } from '../../functions/domain/audience.ts';
import { visitFigures, type VisitFigures } from '../../functions/domain/visit-figures.ts';
import { expectedBreakdown } from './audience-workload.ts';
import { emptyScope, expectedTopPaths, type ScopeTruth, type Workload } from './workload.ts';

export interface StatsBody extends VisitFigures {
  total_views: number;
  unique_users: number;
  total_events: number;
  events_by_type: Record<string, number>;
  top_paths: Array<{ path: string; views: number }>;
}

export const EMPTY_SCOPE: ScopeTruth = emptyScope();

export function compareScope(label: string, expected: ScopeTruth, actual: StatsBody): string[] {
  const problems: string[] = [];
  if (actual.total_views !== expected.views) problems.push(`${label}: total_views expected ${expected.views}, got ${actual.total_views}`);
  if (actual.total_events !== expected.events) problems.push(`${label}: total_events expected ${expected.events}, got ${actual.total_events}`);
  const types = new Set([...expected.byType.keys(), ...Object.keys(actual.events_by_type ?? {})]);
  for (const type of [...types].sort()) {
    const want = expected.byType.get(type) ?? 0;
    // An own property only: an event type may be named `constructor` or `toString`.
    const got = actual.events_by_type && Object.hasOwn(actual.events_by_type, type) ? actual.events_by_type[type] : 0;
    if (want !== got) problems.push(`${label}: events_by_type.${type} expected ${want}, got ${got}`);
  }
  const top = expectedTopPaths(expected.paths, 100);
  const gotTop = actual.top_paths ?? [];
  if (top.length !== gotTop.length) problems.push(`${label}: top_paths has ${gotTop.length} entries, expected ${top.length}`);
  for (let i = 0; i < Math.max(top.length, gotTop.length); i++) {
    const want = top[i];
    const got = gotTop[i];
    if (want?.path !== got?.path || want?.views !== got?.views) {
      problems.push(`${label}: top_paths[${i}] expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
      break;
    }
  }
  // The visit figures, derived from the true counters as GET /stats derives them from its own.
  const figures = visitFigures({
    visits: expected.visit.visits,
    multiViewVisits: expected.visit.visitsMulti,
    visitMs: expected.visit.visitMs,
    visitViews: expected.visit.visitViews,
  });
  for (const name of ['visits', 'bounce_rate', 'visit_duration_s', 'views_per_visit'] as const) {
    if (actual[name] !== figures[name]) problems.push(`${label}: ${name} expected ${figures[name]}, got ${actual[name]}`);
  }
  const users = expected.users.size;
  if (users < 1000) {
    if (actual.unique_users !== users) problems.push(`${label}: unique_users expected exactly ${users}, got ${actual.unique_users}`);
  } else if (Math.abs(actual.unique_users - users) / users > 0.02) {
    problems.push(`${label}: unique_users expected ${users} within 2%, got ${actual.unique_users} (${((100 * (actual.unique_users - users)) / users).toFixed(2)}%)`);
  }
  return problems;
}

/**
 * Calls GET /stats for every site, for each day of the workload and for all time (4 at a time,
 * with the admin key), and compares each answer with the ground truth.
 */
export async function checkStats(opts: { apiUrl: string; adminKey: string; workload: Workload }): Promise<{
  calls: number;
  mismatches: string[];
  latencies: number[];
  /** The 200 answers, by site and date (null: all time). */
  answers: Array<{ site: string; date: string | null; body: StatsBody }>;
}> {
  const { workload } = opts;
  const checks: Array<{ site: string; date: string | null }> = [];
  for (const site of workload.sites) for (const date of [...workload.days, null]) checks.push({ site, date });
  const mismatches: string[] = [];
  const latencies: number[] = [];
  const answers: Array<{ site: string; date: string | null; body: StatsBody }> = [];
  let cursor = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (;;) {
        const check = checks[cursor++];
        if (!check) return;
        const url = new URL(`${opts.apiUrl}/stats`);
        url.searchParams.set('site_id', check.site);
        if (check.date) url.searchParams.set('date', check.date);
        url.searchParams.set('limit', '100');
        const t0 = performance.now();
        const response = await fetch(url, { headers: { authorization: `Bearer ${opts.adminKey}` } });
        const body = (await response.json()) as StatsBody;
        latencies.push(performance.now() - t0);
        const label = `${check.site} ${check.date ?? 'all time'}`;
        if (response.status !== 200) {
          mismatches.push(`${label}: GET /stats answered ${response.status} ${JSON.stringify(body)}`);
          continue;
        }
        answers.push({ ...check, body });
        const truth = workload.truth.get(check.site);
        const expected = (check.date ? truth?.days.get(check.date) : truth?.all) ?? EMPTY_SCOPE;
        mismatches.push(...compareScope(label, expected, body));
      }
    }),
  );
  return { calls: checks.length, mismatches, latencies, answers };
}

/** One row of GET /stats/breakdown. */
export interface BreakdownRow {
  value: string;
  visits: number;
  views: number;
}

/** The first difference between an expected and an answered breakdown, or undefined when they are equal. */
export function compareBreakdown(label: string, expected: readonly BreakdownRow[], actual: readonly BreakdownRow[] | undefined): string | undefined {
  const got = actual ?? [];
  if (got.length !== expected.length) return `${label}: ${got.length} values, expected ${expected.length} (first expected ${JSON.stringify(expected[0])}, got ${JSON.stringify(got[0])})`;
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i]!;
    const row = got[i];
    if (row?.value !== want.value || row.visits !== want.visits || row.views !== want.views) {
      return `${label}: results[${i}] expected ${JSON.stringify(want)}, got ${JSON.stringify(row)}`;
    }
  }
  return undefined;
}

/**
 * Calls GET /stats/breakdown for every site, dimension, day of the workload and all time (4 at
 * a time, with the admin key, `limit=100`), and compares each answer with the ground truth:
 * every value's visits and views, and the order (visits, views, value).
 */
export async function checkBreakdowns(opts: { apiUrl: string; adminKey: string; workload: Workload }): Promise<{
  calls: number;
  mismatches: string[];
  latencies: number[];
}> {
  const { workload } = opts;
  const checks = workload.sites.flatMap((site) => [...workload.days, null].flatMap((date) => DIMENSIONS.map((dimension) => ({ site, date, dimension }))));
  const mismatches: string[] = [];
  const latencies: number[] = [];
  await mapLimit(checks, 4, async ({ site, date, dimension }) => {
    const url = new URL(`${opts.apiUrl}/stats/breakdown`);
    url.searchParams.set('site_id', site);
    url.searchParams.set('dimension', dimension);
    if (date) url.searchParams.set('date', date);
    url.searchParams.set('limit', String(BREAKDOWN_LIMIT));
    const t0 = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${opts.adminKey}` } });
    const body = (await response.json()) as { results?: BreakdownRow[] };
    latencies.push(performance.now() - t0);
    const label = `${site} ${date ?? 'all time'} breakdown by ${dimension}`;
    if (response.status !== 200) {
      mismatches.push(`${label}: GET /stats/breakdown answered ${response.status} ${JSON.stringify(body)}`);
      return;
    }
    const truth = workload.truth.get(site);
    const scope = (date ? truth?.days.get(date) : truth?.all) ?? EMPTY_SCOPE;
    const problem = compareBreakdown(label, expectedBreakdown(scope.visit.breakdowns.get(dimension), BREAKDOWN_LIMIT), body.results);
    if (problem) mismatches.push(problem);
  });
  return { calls: checks.length, mismatches, latencies };
}

/** Values asked for per breakdown (the API's largest limit). */
const BREAKDOWN_LIMIT = 100;

/** One site's events, views and unique users: what was sent against what GET /stats counts (all time). */
export interface SiteLedger {
  site: string;
  events: { sent: number; counted: number };
  views: { sent: number; counted: number };
  users: { sent: number; counted: number };
}

/**
 * Per site, the events sent against the events counted (all-time answers of checkStats): events
 * lost where fewer were counted, double counted where more. A site without an answer counts as
 * nothing counted.
 */
export function eventLedger(
  truth: ReadonlyMap<string, { all: ScopeTruth }>,
  answers: ReadonlyArray<{ site: string; date: string | null; body: StatsBody }>,
): { sites: SiteLedger[]; lost: number; doubleCounted: number } {
  const allTime = new Map(answers.filter((a) => a.date === null).map((a) => [a.site, a.body]));
  const sites = [...truth].map(([site, { all }]) => {
    const body = allTime.get(site);
    return {
      site,
      events: { sent: all.events, counted: body?.total_events ?? 0 },
      views: { sent: all.views, counted: body?.total_views ?? 0 },
      users: { sent: all.users.size, counted: body?.unique_users ?? 0 },
    };
  });
  let lost = 0;
  let doubleCounted = 0;
  for (const { events } of sites) {
    if (events.counted < events.sent) lost += events.sent - events.counted;
    else doubleCounted += events.counted - events.sent;
  }
  return { sites, lost, doubleCounted };
}
