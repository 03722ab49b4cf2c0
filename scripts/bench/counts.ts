// `npm run bench`: checks GET /stats answers against the workload's ground truth.
import { performance } from 'node:perf_hooks';
import { emptyScope, expectedTopPaths, type ScopeTruth, type Workload } from './workload.ts';

export interface StatsBody {
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
    const got = actual.events_by_type?.[type] ?? 0;
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
