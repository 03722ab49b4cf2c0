// npm run bench:dashboard: time to first figures of the dashboard in Chromium, on the local
// runtime. Loads one site with --events events over the last 30 days (POST /events, 100 a
// request) and --history events over the 700 days before them (so the last 12 months and the
// year before have data; events older than the API's 400-day window are queued as the API
// would have queued them when they were received), waits until every event is counted, compacts
// the site's closed days as the deployed stack's hourly compactor does, then opens /dashboard in a fresh browser context each run and times navigation start to every
// top-line figure (`data-metric` with `data-value`) in the DOM, by the page's own clock:
// - the default view (last 30 days), --runs times, after a first load;
// - the last 12 months with the year before, the first time it is opened: the stats function
//   is replaced before each of --cold-runs runs (a new sandbox, warmed by GET /sites, so
//   nothing of the site's days is in its memory), and once more without the warm-up (a cold
//   start as well).
// - the last 30 days with one filter (the site's top source, in the URL as the dashboard writes
//   it): answered from the lake (the local Athena endpoint, DuckDB over the lake's objects), a
//   first load (which mirrors the lake's new objects), then --runs times; the
//   figures shown are checked against the API's filtered answer.
// - the Goals panel of the last 30 days (the site has 3 goals: its signup event and two page
//   patterns), timed in each run of the default view, and a 4-step funnel of the last 30 days
//   (`?funnel=` as the funnel view writes it), --runs times after a first load; both checked
//   against GET /stats/goals and GET /stats/funnel.
// Fails when the 30-day p50 is over 1,000 ms or a 12-month first open over 1,500 ms, the
// filtered view's p50 over 1,500 ms to its figures or 3,000 ms to everything drawn, or the
// Goals panel's or the funnel's p50 over 2,000 ms.
//
// Options: --events N (default 100000), --history N (default 30000), --runs N (default 7),
// --cold-runs N (default 3), --data DIR (keep DynamoDB Local's data there: a later run with
// the same numbers skips the loading; DynamoDB Local on files is slower, so the figures are not
// those of `npm start`, which keeps its data in memory), --verbose (runtime output).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import type { FunnelResponse, GoalsResponse } from '../functions/api/responses.ts';
import { MAX_AGE_DAYS } from '../functions/domain/event.ts';
import { findChromium } from '../local/chromium.ts';
import { PROJECT_ROOT, startLocalRuntime, type LocalRuntime } from '../local/runtime.ts';
import { findByRole, type StackHandle } from '../local/stack-handle.ts';
import { dashboardWorkload } from './workload/dashboard.ts';
import { addGoals, checkFunnel, checkGoals, FUNNEL_STEPS } from './dashboard/goals-funnel.ts';
import { post, queueAsReceived } from './dashboard/loading.ts';
import { ms, openDashboard, type Timing } from './dashboard/page-timing.ts';
import { drainUntilCounted } from './lib/drain.ts';
import { percentile } from './lib/numbers.ts';
import { runtimeStack } from './lib/stack.ts';
import { compactLake } from '../functions/compactor/compact-lake.ts';

const LIMIT_30D_MS = 1000;
const LIMIT_12M_MS = 1500;
const LIMIT_FILTERED_FIGURES_MS = 1500;
const LIMIT_FILTERED_READY_MS = 3000;
/** The Goals panel of the last 30 days, and a 4-step funnel of them, each within 2 s (p50). */
const LIMIT_GOALS_MS = 2000;
const LIMIT_FUNNEL_MS = 2000;
/** The whole run is given up after this long. */
const RUN_LIMIT_MS = 25 * 60_000;
/** History older than this many days is queued directly (the API refuses events over 400 days old). */
const API_WINDOW_DAYS = MAX_AGE_DAYS - 5;
const SITE = 'dashboard-bench.example';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    history: { type: 'string', default: '30000' },
    runs: { type: 'string', default: '7' },
    'cold-runs': { type: 'string', default: '3' },
    data: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const recentEvents = Number(args.events);
const historyEvents = Number(args.history);
const runs = Number(args.runs);
const coldRuns = Number(args['cold-runs']);
for (const [name, value] of Object.entries({ events: recentEvents, history: historyEvents, runs, 'cold-runs': coldRuns })) {
  if (!Number.isInteger(value) || value < 0 || value > 1_000_000) throw new Error(`--${name} must be a whole number from 0 to 1000000`);
}

/** The site's events: the last 30 days, the history the API takes, and the history it no longer takes. */
function workload(nowMs: number) {
  const oldShare = (730 - API_WINDOW_DAYS) / 700;
  const apiHistory = Math.round(historyEvents * (1 - oldShare));
  return {
    recent: dashboardWorkload({ site: SITE, newestDaysAgo: 0, oldestDaysAgo: 30, events: recentEvents, users: 20_000, nowMs, seed: 1 }),
    history: dashboardWorkload({ site: SITE, newestDaysAgo: 30, oldestDaysAgo: API_WINDOW_DAYS, events: apiHistory, users: 8_000, nowMs, seed: 2 }),
    queued: dashboardWorkload({ site: SITE, newestDaysAgo: API_WINDOW_DAYS, oldestDaysAgo: 730, events: historyEvents - apiHistory, users: 8_000, nowMs, seed: 3 }),
  };
}

let runtime: LocalRuntime | undefined;
let stack: StackHandle | undefined;
let browser: Browser | undefined;
const guard = setTimeout(() => {
  console.error(`FAILED: not done after ${RUN_LIMIT_MS / 60_000} min`);
  void Promise.allSettled([browser?.close(), runtime?.stop()]).then(() => process.exit(1));
}, RUN_LIMIT_MS);
/** Store reads the stats function logged ("stats served") since the last reset, by route. */
let served: Array<{ route: string; ms: number; from?: string; to?: string; dimension?: string; capacity?: Record<string, number> }> = [];
try {
  const load = workload(Date.now());
  const sent = [load.recent, load.history, load.queued].reduce((sum, batches) => sum + batches.reduce((n, b) => n + b.events.length, 0), 0);
  console.log(`site ${SITE}: ${recentEvents} events over the last 30 days, ${historyEvents} over the 700 days before them`);

  console.log('starting the local runtime...');
  runtime = await startLocalRuntime({
    port: 0,
    cdkOut: path.join(PROJECT_ROOT, '.local', 'cdk.out.dashboard'),
    // Batches of 10 messages (1,000 events) within a second, so the load is counted batch by
    // batch rather than as one batch of every message.
    context: { batchWindowSeconds: '1', batchSize: '10' },
    ...(args.data ? { dynamodb: { dbPath: args.data } } : {}),
    log: (line) => {
      const logged = /\{.*"message":"stats served".*\}/.exec(line);
      if (logged) served.push(JSON.parse(logged[0]));
      else if (args.verbose) console.log(line);
    },
  });
  const rt = runtime;
  const api = rt.apiUrl;
  console.log(`runtime ready in ${(rt.startupMs / 1000).toFixed(1)} s: ${api}`);
  stack = runtimeStack(rt);
  // A site key, saved as `npm run keys -- create` saves one.
  const key = await stack.newSiteKey(SITE);
  // Its goals, as `npm run sites -- goal add` registers them: the Goals panel of every view reads them.
  await addGoals(stack, SITE);
  const get = async (route: string, query: Record<string, string>) => {
    const response = await fetch(`${api}/${route}?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${key}` } });
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status !== 200) throw new Error(`GET /${route}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };

  const counted = async () => Number((await get('stats', { site_id: SITE })).total_events);
  if ((await counted()) === sent) console.log(`every one of the ${sent} events is already counted (--data ${args.data}): not loading them again`);
  else {
    if ((await counted()) !== 0) throw new Error(`${SITE} has events of another run: use another --data folder`);
    const started = Date.now();
    await post(api, load.recent, key);
    await post(api, load.history, key);
    await queueAsReceived(stack, load.queued);
    console.log(`sent ${sent} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await drainUntilCounted(stack, counted, sent, { timeoutMs: 15 * 60_000, intervalMs: 500, progressMs: 15_000 });
    console.log(`every event counted ${((Date.now() - started) / 1000).toFixed(1)} s after the first was sent`);
  }

  // The deployed stack's compactor folds each closed day's objects into one, hourly; the bench's
  // 1 s batches leave tens of thousands of small ones. Compacted as the compactor would, the lake
  // the filtered view reads is the one a deployed site has: a day's object each, and today's batches.
  const compactStarted = Date.now();
  const compacted = await compactLake(
    { s3: stack.s3, bucket: stack.get('lakeBucket'), doc: stack.doc, eventsTable: stack.get('eventsTable') },
    { now: Date.now(), marginMs: 0, lookbackDays: 31, siteId: SITE, deadline: Date.now() + 10 * 60_000 },
  );
  const folded = compacted.reduce((sum, day) => sum + day.folded, 0);
  console.log(`compacted ${compacted.length} closed days as the hourly compactor does: ${folded} objects into ${compacted.filter((day) => day.folded > 0).length} in ${((Date.now() - compactStarted) / 1000).toFixed(1)} s`);

  const binary = await findChromium();
  browser = await chromium.launch({ executablePath: binary.executablePath, args: [...binary.args], headless: true });
  const link = (period: string) => `${api}/dashboard?period=${period}#site=${encodeURIComponent(SITE)}&key=${encodeURIComponent(key)}`;
  const stats = findByRole(rt.hosts, 'statsFunction')!;

  // The default view: a first load (the function's cold start, its first reads), then the runs.
  await openDashboard(browser, link('30d'));
  const month: Timing[] = [];
  for (let i = 0; i < runs; i++) month.push(await openDashboard(browser, link('30d')));

  // The last 12 months, the first time: a new sandbox before each run.
  const year: Array<Timing & { label: string; reads: typeof served }> = [];
  for (let i = 0; i <= coldRuns; i++) {
    const coldStart = i === coldRuns;
    stats.recycle();
    if (!coldStart) await get('sites', {});
    served = [];
    const timing = await openDashboard(browser, link('12m'));
    year.push({ ...timing, label: coldStart ? 'cold start, nothing in memory' : `first open ${i + 1}, nothing in memory`, reads: served });
  }
  const repeat = await openDashboard(browser, link('12m'));

  // The last 30 days filtered to the top source: the lake answers every request of the view.
  const today = new Date().toISOString().slice(0, 10);
  const days30 = { from: new Date(Date.parse(today) - 29 * 86_400_000).toISOString().slice(0, 10), to: today };
  const sources = (await get('stats/breakdown', { site_id: SITE, dimension: 'source', ...days30, limit: '1' })).results as Array<{ value: string }>;
  const filter = `source==${sources[0]!.value}`;
  const filteredLink = `${api}/dashboard?${new URLSearchParams({ period: '30d', filters: filter })}#site=${encodeURIComponent(SITE)}&key=${encodeURIComponent(key)}`;
  // The local Athena endpoint mirrors the lake in the background and before each query: the first
  // filtered GET /stats is timed here, asked again while it answers 503 lake_timeout.
  const warmStarted = performance.now();
  for (let attempt = 1; ; attempt++) {
    const warm = await fetch(`${api}/stats?${new URLSearchParams({ site_id: SITE, ...days30, filters: filter, limit: '0' })}`, { headers: { authorization: `Bearer ${key}` } });
    await warm.text();
    if (warm.status === 200) {
      console.log(`first filtered GET /stats (the lake's first query): ${ms(performance.now() - warmStarted)}, ${attempt} request(s)`);
      break;
    }
    if (attempt === 20) throw new Error(`a filtered GET /stats still answers ${warm.status} after ${attempt} tries`);
  }
  const filteredFirst = await openDashboard(browser, filteredLink);
  const filtered: Timing[] = [];
  for (let i = 0; i < runs; i++) filtered.push(await openDashboard(browser, filteredLink));
  const wantFiltered = await get('stats', { site_id: SITE, ...days30, filters: filter });
  if (wantFiltered.answered_by !== 'lake') throw new Error(`the filtered figures came from ${String(wantFiltered.answered_by)}, not the lake`);
  for (const [metric, value] of Object.entries(filtered.at(-1)!.figures)) {
    if (wantFiltered[metric] !== value) throw new Error(`the filtered 30-day ${metric} shown is ${value}, the API says ${wantFiltered[metric]}`);
  }

  // A 4-step funnel of the last 30 days, in the URL as the dashboard's funnel view writes it; the
  // Goals panel of the last 30 days was drawn in every run of the default view.
  const funnelLink = `${api}/dashboard?${new URLSearchParams({ period: '30d', funnel: FUNNEL_STEPS })}#site=${encodeURIComponent(SITE)}&key=${encodeURIComponent(key)}`;
  const funnelFirst = await openDashboard(browser, funnelLink);
  const funnels: Timing[] = [];
  for (let i = 0; i < runs; i++) funnels.push(await openDashboard(browser, funnelLink));
  checkGoals(month.at(-1)!.goals, (await get('stats/goals', { site_id: SITE, ...days30 })) as unknown as GoalsResponse);
  checkFunnel(funnels.at(-1)!.funnel, (await get('stats/funnel', { site_id: SITE, ...days30, steps: FUNNEL_STEPS })) as unknown as FunnelResponse);
  const timesOf = (timings: Timing[], part: 'goalsMs' | 'funnelMs') =>
    timings.map((t) => t[part] ?? Number.NaN).sort((a, b) => a - b);
  const goalsTimes = timesOf(month, 'goalsMs');
  const funnelTimes = timesOf(funnels, 'funnelMs');

  // The figures are the API's.
  const want = await get('stats', { site_id: SITE, ...days30 });
  for (const [metric, value] of Object.entries(month.at(-1)!.figures)) {
    if (want[metric] !== value) throw new Error(`the 30-day ${metric} shown is ${value}, the API says ${want[metric]}`);
  }

  const sorted = month.map((t) => t.figuresMs).sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  console.log(`\n30-day figures: ${JSON.stringify(month.at(-1)!.figures)}`);
  console.log(`\n${'navigation start to'.padEnd(52)} ${'figures'.padStart(9)} ${'all drawn'.padStart(9)}`);
  console.log(`${`last 30 days, ${runs} runs, p50`.padEnd(52)} ${ms(p50)} ${ms(percentile(month.map((t) => t.readyMs).sort((a, b) => a - b), 50))}`);
  console.log(`${`last 30 days, ${runs} runs, max`.padEnd(52)} ${ms(sorted.at(-1)!)} ${ms(Math.max(...month.map((t) => t.readyMs)))}`);
  for (const run of year) console.log(`${`last 12 months + year before, ${run.label}`.padEnd(52)} ${ms(run.figuresMs)} ${ms(run.readyMs)}`);
  console.log(`${'last 12 months + year before, opened again'.padEnd(52)} ${ms(repeat.figuresMs)} ${ms(repeat.readyMs)}`);
  const filteredP50 = { figures: percentile(filtered.map((t) => t.figuresMs).sort((a, b) => a - b), 50), ready: percentile(filtered.map((t) => t.readyMs).sort((a, b) => a - b), 50) };
  console.log(`${`last 30 days, ${filter}, first load`.padEnd(52)} ${ms(filteredFirst.figuresMs)} ${ms(filteredFirst.readyMs)}`);
  console.log(`${`last 30 days, ${filter}, ${runs} runs, p50`.padEnd(52)} ${ms(filteredP50.figures)} ${ms(filteredP50.ready)}`);
  console.log(`${`last 30 days, ${filter}, ${runs} runs, max`.padEnd(52)} ${ms(Math.max(...filtered.map((t) => t.figuresMs)))} ${ms(Math.max(...filtered.map((t) => t.readyMs)))}`);
  console.log(`filtered 30-day figures (from the lake): ${JSON.stringify(filtered.at(-1)!.figures)}`);
  console.log(`\n${'navigation start to the part drawn'.padEnd(52)} ${'p50'.padStart(9)} ${'max'.padStart(9)}`);
  console.log(`${`last 30 days, Goals panel (${month.at(-1)!.goals.length} goals), ${runs} runs`.padEnd(52)} ${ms(percentile(goalsTimes, 50))} ${ms(goalsTimes.at(-1)!)}`);
  console.log(`${`last 30 days, funnel of 4 steps, ${runs} runs`.padEnd(52)} ${ms(percentile(funnelTimes, 50))} ${ms(funnelTimes.at(-1)!)}`);
  console.log(`${'last 30 days, funnel of 4 steps, first load'.padEnd(52)} ${ms(funnelFirst.funnelMs ?? Number.NaN)}`);
  console.log(`goals (visitors, completions, rate): ${JSON.stringify(month.at(-1)!.goals)}`);
  console.log(`funnel ${FUNNEL_STEPS}: ${JSON.stringify(funnels.at(-1)!.funnel)}`);
  const last = year.at(-2) ?? year.at(-1)!;
  console.log('\nstore reads of the stats function in the last first open (read units: one a key read by BatchGetItem):');
  for (const r of last.reads) {
    const units = Object.entries(r.capacity ?? {}).map(([operation, n]) => `${operation} ${Math.round(n)}`).join(', ');
    console.log(`  ${`${r.route}${r.dimension ? ` ${r.dimension}` : ''}${r.from ? ` ${r.from}..${r.to}` : ''}`.padEnd(46)} ${ms(r.ms)}  ${units}`);
  }

  const firstOpens = year.slice(0, coldRuns);
  const failures = [
    ...(p50 > LIMIT_30D_MS ? [`the 30-day p50 is over ${LIMIT_30D_MS} ms`] : []),
    ...(firstOpens.some((run) => run.figuresMs > LIMIT_12M_MS) ? [`a 12-month first open is over ${LIMIT_12M_MS} ms`] : []),
    ...(filteredP50.figures > LIMIT_FILTERED_FIGURES_MS ? [`the filtered 30-day p50 to the figures is over ${LIMIT_FILTERED_FIGURES_MS} ms`] : []),
    ...(filteredP50.ready > LIMIT_FILTERED_READY_MS ? [`the filtered 30-day p50 to everything drawn is over ${LIMIT_FILTERED_READY_MS} ms`] : []),
    ...(!(percentile(goalsTimes, 50) <= LIMIT_GOALS_MS) ? [`the 30-day Goals panel's p50 is over ${LIMIT_GOALS_MS} ms`] : []),
    ...(!(percentile(funnelTimes, 50) <= LIMIT_FUNNEL_MS) ? [`the 30-day 4-step funnel's p50 is over ${LIMIT_FUNNEL_MS} ms`] : []),
  ];
  console.log(
    failures.length
      ? `\nFAILED: ${failures.join('; ')}`
      : `\nOK: 30-day p50 within ${LIMIT_30D_MS} ms, every 12-month first open within ${LIMIT_12M_MS} ms, ` +
          `filtered 30-day p50 within ${LIMIT_FILTERED_FIGURES_MS} ms to the figures and ${LIMIT_FILTERED_READY_MS} ms to everything, ` +
          `30-day Goals panel and 4-step funnel p50 within ${LIMIT_GOALS_MS} and ${LIMIT_FUNNEL_MS} ms`,
  );
  process.exitCode = failures.length ? 1 : 0;
} catch (error) {
  console.error(`FAILED: ${(error as Error).stack ?? error}`);
  process.exitCode = 1;
} finally {
  clearTimeout(guard);
  await browser?.close();
  stack?.destroy();
  await runtime?.stop();
}
