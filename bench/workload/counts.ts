// `npm run bench` and `npm run soak`: check GET /stats and GET /stats/breakdown answers against the workload's ground truth.
//
// Counters may hold only part of a long tail: values past an item's budget are counted under a
// row named `(other)`, and a row may say `"exact": false` when its count is an estimate. The
// rule (docs/benchmarks.md, "How each figure is measured"): the totals equal the tally; a named
// row equals the tally for its name, or, marked `exact: false`, is within 0.2% of the scope's
// views of it; `(other)` and the named rows add up to the totals exactly. An answer cut by
// `limit` can only show its rows exact and their sum within the totals.
import { performance } from 'node:perf_hooks';
import { mapLimit } from '../../functions/commons/map-limit.ts';
import { DIMENSIONS, type Dimension } from '../../functions/domain/audience.ts';
import type { BreakdownRow, PathRow, StatsFigures } from '../../functions/api/responses.ts';
import { visitFigures } from '../../functions/domain/visit-figures.ts';
import type { DimensionCounts } from './audience.ts';
import { emptyScope, type ScopeTruth, type Workload } from './workload.ts';

/** What the checks read of a GET /stats answer: its figures. */
export type StatsBody = StatsFigures;

export const EMPTY_SCOPE: ScopeTruth = emptyScope();

/** The name of the row that holds the counts of values past the counters' budget. */
export const OTHER = '(other)';

/** An estimated row may be this far from the tally, as a share of the scope's views. */
export const ESTIMATE_TOLERANCE = 0.002;

/** Rows asked for in `top_paths` and breakdowns (the API's largest limit). */
export const ROW_LIMIT = 100;

/** A row as the rule sees it: its name, its figures (named by `fields`) and whether they are exact. */
interface RuleRow {
  name: string;
  figures: readonly number[];
  exact: boolean;
}

/**
 * Checks an answer's rows against the tally by the rule in the header. `order` compares two
 * rows as the API orders them (the `(other)` row, whose place the rule leaves open, is not
 * checked for order).
 */
export function checkRows(
  label: string,
  rows: readonly RuleRow[],
  spec: {
    fields: readonly string[];
    tally: (name: string) => readonly number[];
    totals: readonly number[];
    /** The scope's views: estimates may be ESTIMATE_TOLERANCE of it away. */
    views: number;
    limit: number;
    order: (a: RuleRow, b: RuleRow) => number;
  },
): string[] {
  const problems: string[] = [];
  const { fields } = spec;
  const show = (figures: readonly number[]) => fields.map((f, i) => `${f} ${figures[i]}`).join(', ');
  const sums = fields.map(() => 0);
  const seen = new Set<string>();
  const tolerance = ESTIMATE_TOLERANCE * spec.views;
  let previous: RuleRow | undefined;
  for (const row of rows) {
    row.figures.forEach((n, i) => (sums[i]! += n));
    if (seen.has(row.name)) problems.push(`${label}: ${JSON.stringify(row.name)} appears twice`);
    seen.add(row.name);
    if (row.name === OTHER) continue;
    const want = spec.tally(row.name);
    if (row.exact && row.figures.some((n, i) => n !== want[i])) {
      problems.push(`${label}: ${JSON.stringify(row.name)} expected ${show(want)}, got ${show(row.figures)}`);
    } else if (!row.exact && row.figures.some((n, i) => Math.abs(n - want[i]!) > tolerance)) {
      problems.push(`${label}: ${JSON.stringify(row.name)} (estimate) expected ${show(want)} within ${tolerance.toFixed(1)}, got ${show(row.figures)}`);
    }
    if (previous && spec.order(previous, row) > 0) problems.push(`${label}: ${JSON.stringify(row.name)} is out of order after ${JSON.stringify(previous.name)}`);
    previous = row;
  }
  const cut = rows.length >= spec.limit;
  fields.forEach((field, i) => {
    const sum = sums[i]!;
    const total = spec.totals[i]!;
    if (cut ? sum > total : sum !== total) {
      problems.push(`${label}: ${field} of the ${rows.length} rows add up to ${sum}, ${cut ? 'over the total' : 'expected the total'} ${total}`);
    }
  });
  return problems;
}

const byName = (a: RuleRow, b: RuleRow): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** `top_paths` against the tally: by views (descending), then path. */
export function comparePaths(label: string, expected: ScopeTruth, rows: readonly PathRow[]): string[] {
  return checkRows(
    `${label}: top_paths`,
    rows.map((row) => ({ name: row.path, figures: [row.views], exact: row.exact !== false })),
    {
      fields: ['views'],
      tally: (path) => [expected.paths.get(path) ?? 0],
      totals: [expected.views],
      views: expected.views,
      limit: ROW_LIMIT,
      order: (a, b) => b.figures[0]! - a.figures[0]! || byName(a, b),
    },
  );
}

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
  problems.push(...comparePaths(label, expected, actual.top_paths ?? []));
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
        url.searchParams.set('limit', String(ROW_LIMIT));
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

/**
 * An answered breakdown against the tally of its dimension in one scope (`scopeViews`: the
 * scope's page views), by the rule in the header: a list of problems, empty when it passes.
 */
export function compareBreakdown(
  label: string,
  counts: ReadonlyMap<string, DimensionCounts> | undefined,
  scopeViews: number,
  actual: readonly BreakdownRow[] | undefined,
): string[] {
  const truth = counts ?? new Map<string, DimensionCounts>();
  let visits = 0;
  let views = 0;
  for (const c of truth.values()) {
    visits += c.visits;
    views += c.views;
  }
  return checkRows(
    label,
    (actual ?? []).map((row) => ({ name: row.value, figures: [row.visits, row.views], exact: row.exact !== false })),
    {
      fields: ['visits', 'views'],
      tally: (value) => {
        const c = truth.get(value);
        return [c?.visits ?? 0, c?.views ?? 0];
      },
      totals: [visits, views],
      views: scopeViews,
      limit: ROW_LIMIT,
      order: (a, b) => b.figures[0]! - a.figures[0]! || b.figures[1]! - a.figures[1]! || byName(a, b),
    },
  );
}

/**
 * Calls GET /stats/breakdown for every site, dimension, day of the workload and all time (4 at
 * a time, with the admin key, `limit=100`), and compares each answer with the ground truth
 * (compareBreakdown).
 */
export async function checkBreakdowns(opts: { apiUrl: string; adminKey: string; workload: Workload }): Promise<{
  calls: number;
  mismatches: string[];
  latencies: number[];
  /** The 200 answers' rows, by site, date (null: all time) and dimension. */
  answers: BreakdownAnswer[];
}> {
  const { workload } = opts;
  const checks = workload.sites.flatMap((site) => [...workload.days, null].flatMap((date) => DIMENSIONS.map((dimension) => ({ site, date, dimension }))));
  const mismatches: string[] = [];
  const latencies: number[] = [];
  const answers: BreakdownAnswer[] = [];
  await mapLimit(checks, 4, async ({ site, date, dimension }) => {
    const url = new URL(`${opts.apiUrl}/stats/breakdown`);
    url.searchParams.set('site_id', site);
    url.searchParams.set('dimension', dimension);
    if (date) url.searchParams.set('date', date);
    url.searchParams.set('limit', String(ROW_LIMIT));
    const t0 = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${opts.adminKey}` } });
    const body = (await response.json()) as { results?: BreakdownRow[] };
    latencies.push(performance.now() - t0);
    const label = `${site} ${date ?? 'all time'} breakdown by ${dimension}`;
    if (response.status !== 200) {
      mismatches.push(`${label}: GET /stats/breakdown answered ${response.status} ${JSON.stringify(body)}`);
      return;
    }
    answers.push({ site, date, dimension, rows: body.results ?? [] });
    const truth = workload.truth.get(site);
    const scope = (date ? truth?.days.get(date) : truth?.all) ?? EMPTY_SCOPE;
    mismatches.push(...compareBreakdown(label, scope.visit.breakdowns.get(dimension), scope.views, body.results));
  });
  return { calls: checks.length, mismatches, latencies, answers };
}

/** One answered breakdown. */
export interface BreakdownAnswer {
  site: string;
  date: string | null;
  dimension: Dimension;
  rows: BreakdownRow[];
}

/** What the answers counted under `(other)` and as estimates. */
export interface Overflow {
  /** Days (of any site) whose `top_paths` has an `(other)` row. */
  days: number;
  /** Their `(other)` rows' views, summed. */
  views_in_other: number;
  /** Day breakdowns (site, day, dimension) with an `(other)` row, and those rows' views. */
  breakdowns: number;
  breakdown_views_in_other: number;
  /** Rows marked `exact: false`, in all answers (days and all time). */
  estimated_rows: number;
}

/** Counts the `(other)` rows of the days' answers and the estimated rows of all answers. */
export function overflowOf(
  stats: ReadonlyArray<{ date: string | null; body: StatsBody }>,
  breakdowns: ReadonlyArray<{ date: string | null; rows: readonly BreakdownRow[] }>,
): Overflow {
  const overflow: Overflow = { days: 0, views_in_other: 0, breakdowns: 0, breakdown_views_in_other: 0, estimated_rows: 0 };
  for (const { date, body } of stats) {
    const rows = body.top_paths ?? [];
    overflow.estimated_rows += rows.filter((row) => row.exact === false).length;
    const other = rows.find((row) => row.path === OTHER);
    if (other && date) {
      overflow.days++;
      overflow.views_in_other += other.views;
    }
  }
  for (const { date, rows } of breakdowns) {
    overflow.estimated_rows += rows.filter((row) => row.exact === false).length;
    const other = rows.find((row) => row.value === OTHER);
    if (other && date) {
      overflow.breakdowns++;
      overflow.breakdown_views_in_other += other.views;
    }
  }
  return overflow;
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
