// npm run bench:range: latency of GET /stats over a 30-day range (or --days N) and of GET /stats/timeseries
// on the local runtime. Loads the days of events for one site through POST /event, waits until
// the queue is drained and every event is counted, then times sequential calls of each route
// (client side, over HTTP) and prints p50, p95 and max:
// - repeated calls of the same range, where every day's partitions come from the function's
//   memory (only the totals are read);
// - calls after new events were counted on the latest day (a dashboard while traffic comes in);
// - calls after a new event was counted on every day of the range, so every day's path and
//   sketch partitions are read again (as a function with nothing in memory reads them).
// Fails when a p95 is 100 ms or more.
//
// Options: --days N (the range, 1-366, default 30), --users-per-day N (default 400), --pool N (users to draw from, default 3000),
// --calls N (repeated calls per route, default 50), --fresh N (calls per route after
// changes, default 10), --verbose (runtime output).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { mapLimit } from '../functions/commons/map-limit.ts';
import { PROJECT_ROOT, startLocalRuntime, type LocalRuntime } from '../local/runtime.ts';
import type { StackHandle } from '../local/stack-handle.ts';
import { drainUntilCounted } from './lib/drain.ts';
import { percentile } from './lib/numbers.ts';
import { runtimeStack } from './lib/stack.ts';
import { prng } from './lib/random.ts';

const LIMIT_MS = 100;
const DAY_MS = 86_400_000;
/** A visitor's browser: the API drops events whose User-Agent names a bot or an HTTP tool. */
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const PATHS = Array.from({ length: 50 }, (_, i) => (i === 0 ? '/' : `/page-${i}`));

const { values: args } = parseArgs({
  options: {
    days: { type: 'string', default: '30' },
    'users-per-day': { type: 'string', default: '400' },
    pool: { type: 'string', default: '3000' },
    calls: { type: 'string', default: '50' },
    fresh: { type: 'string', default: '10' },
    verbose: { type: 'boolean', default: false },
  },
});
const DAYS = Number(args.days);
if (!Number.isInteger(DAYS) || DAYS < 1 || DAYS > 366) throw new Error('--days must be a whole number from 1 to 366');
const usersPerDay = Number(args['users-per-day']);
const pool = Number(args.pool);
const calls = Number(args.calls);
const fresh = Number(args.fresh);


const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** DAYS past UTC days of visits: users drawn with a skew towards the low ids, so many come back on other days. */
function workload(site: string) {
  const random = prng(42);
  const today = Date.parse(`${dayOf(Date.now())}T00:00:00Z`);
  const days = Array.from({ length: DAYS }, (_, i) => dayOf(today - (DAYS - i) * DAY_MS));
  const bodies: string[] = [];
  const users = new Set<string>();
  let dailyUniques = 0;
  for (const day of days) {
    const seen = new Set<string>();
    while (seen.size < usersPerDay) seen.add(`user-${Math.floor(pool * random() ** 2)}`);
    for (const user of seen) {
      users.add(user);
      const start = Date.parse(`${day}T00:00:00Z`) + Math.floor(random() * (DAY_MS - 600_000));
      const events = 1 + Math.floor(random() * 4);
      for (let e = 0; e < events; e++) {
        bodies.push(
          JSON.stringify({
            site_id: site,
            event_type: random() < 0.05 ? 'signup' : 'page_view',
            path: PATHS[Math.floor(PATHS.length * random() ** 2)],
            user_id: user,
            timestamp: new Date(start + e * 30_000).toISOString(),
          }),
        );
      }
    }
    dailyUniques += seen.size;
  }
  return { days, bodies, distinctUsers: users.size, dailyUniques };
}

function summary(samples: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1)! };
}

const fmt = (ms: number): string => `${ms.toFixed(1).padStart(6)} ms`;

let runtime: LocalRuntime | undefined;
let stack: StackHandle | undefined;
/** Store-read times the stats function logs ("stats served"), by route. */
const serverMs: Record<string, number[]> = { stats: [], timeseries: [] };
try {
  const site = `range-bench-${Date.now().toString(36)}`;
  const load = workload(site);
  console.log(`workload: ${load.bodies.length} events, ${load.distinctUsers} distinct users over ${DAYS} days (${load.days[0]} to ${load.days.at(-1)}), ${load.dailyUniques} summed daily uniques`);

  console.log('starting the local runtime...');
  runtime = await startLocalRuntime({
    port: 0,
    cdkOut: path.join(PROJECT_ROOT, '.local', 'cdk.out.range'),
    // Batches start within a second, so the rounds of new events below are counted quickly.
    context: { batchWindowSeconds: '1' },
    log: (line) => {
      const served = /\{.*"message":"stats served".*\}/.exec(line);
      if (served) {
        const { route, ms } = JSON.parse(served[0]) as { route: string; ms: number };
        serverMs[route]?.push(ms);
      } else if (args.verbose) console.log(line);
    },
  });
  const rt = runtime;
  const api = rt.apiUrl;
  console.log(`runtime ready in ${(rt.startupMs / 1000).toFixed(1)} s: ${api}`);

  // Read as a dashboard does: with the site's own key (each request looks it up by hash). Events
  // over 7 days old are imports, sent with the same key.
  stack = runtimeStack(rt);
  const key = await stack.newSiteKey(site);
  const postHeaders = { 'content-type': 'application/json', 'user-agent': BROWSER, authorization: `Bearer ${key}` };

  // Load through the API, as browsers would (the older days as an import would).
  const sendStarted = Date.now();
  const statuses = await mapLimit(load.bodies, 32, async (body) => {
    const response = await fetch(`${api}/event`, { method: 'POST', headers: postHeaders, body });
    await response.arrayBuffer();
    return response.status;
  });
  const rejected = statuses.filter((status) => status !== 202).length;
  if (rejected > 0) throw new Error(`${rejected} events were not accepted`);
  console.log(`sent ${load.bodies.length} events in ${((Date.now() - sendStarted) / 1000).toFixed(1)} s`);

  const range = { site_id: site, from: load.days[0]!, to: load.days.at(-1)! };
  const get = async (route: string, query: Record<string, string>) => {
    const response = await fetch(`${api}/${route}?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${key}` } });
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status !== 200) throw new Error(`GET /${route}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };

  // Counted: nothing left in the queue, and the all-time total (a single-scope read, which
  // leaves the range's partitions alone) has every event.
  let expected = load.bodies.length;
  const counted = async () => Number((await get('stats', { site_id: site })).total_events);
  const waitUntilCounted = (): Promise<void> => drainUntilCounted(stack!, counted, expected, { timeoutMs: 600_000, intervalMs: 250 });
  const drainStarted = Date.now();
  await waitUntilCounted();
  console.log(`queue drained, every event counted, ${((Date.now() - drainStarted) / 1000).toFixed(1)} s after the last send`);

  /** Times one call; the function's own log line gives the store-read time. */
  const timeCall = async (route: string) => {
    const logged = serverMs[route.replace('stats/', '')]!;
    const before = logged.length;
    const started = performance.now();
    const body = await get(route, range);
    const ms = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 20)); // the log line travels from the worker
    return { body, ms, serverMs: logged.length > before ? logged.at(-1)! : undefined };
  };
  const results: Array<{ label: string; client: number[]; server: number[] }> = [];
  const record = (label: string) => {
    const result = { label, client: [] as number[], server: [] as number[] };
    results.push(result);
    return (call: { ms: number; serverMs: number | undefined }) => {
      result.client.push(call.ms);
      if (call.serverMs !== undefined) result.server.push(call.serverMs);
    };
  };

  // Repeated calls: each day's partitions come from memory while its totals are unchanged.
  for (const route of ['stats', 'stats/timeseries']) {
    for (let i = 0; i < 3; i++) await get(route, range); // cold start, connections
    const add = record(`GET /${route}, repeated`);
    for (let i = 0; i < calls; i++) add(await timeCall(route));
  }

  // Calls after new events were counted: on the latest day only (a dashboard while traffic
  // comes in), then on every day of the range, so every day's partitions are read again (as a
  // function with nothing in memory reads them).
  let round = 0;
  const afterChanges = async (scenario: string, days: string[]) => {
    for (const route of ['stats', 'stats/timeseries']) {
      const add = record(`GET /${route}, ${scenario}`);
      for (let i = 0; i < fresh; i++, round++) {
        const bodies = days.map((day) =>
          JSON.stringify({ site_id: site, event_type: 'page_view', path: '/fresh', user_id: `fresh-user-${round}`, timestamp: `${day}T12:00:00.000Z` }),
        );
        await mapLimit(bodies, 8, async (body) => {
          const response = await fetch(`${api}/event`, { method: 'POST', headers: postHeaders, body });
          if (response.status !== 202) throw new Error(`POST /event: ${response.status}`);
          await response.arrayBuffer();
        });
        expected += bodies.length;
        await waitUntilCounted();
        add(await timeCall(route));
      }
    }
  };
  await afterChanges('latest day changed', [load.days.at(-1)!]);
  const freshDayEvents = round;
  await afterChanges('every day changed', load.days);

  const final = await get('stats', range);
  const points = (await get('stats/timeseries', range)).points as unknown[];
  console.log(
    `\nGET /stats ${DAYS}-day range: total_events ${final.total_events} (sent ${expected}), unique_users ${final.unique_users} ` +
      `(distinct users sent: ${load.distinctUsers + round}; summed daily uniques: ${load.dailyUniques + freshDayEvents + (round - freshDayEvents) * DAYS}); timeseries: ${points.length} points\n`,
  );
  console.log(`${'client side, over HTTP'.padEnd(44)} ${'calls'.padStart(5)} ${'p50'.padStart(9)} ${'p95'.padStart(9)} ${'max'.padStart(9)}`);
  let failed = false;
  for (const { label, client, server } of results) {
    const c = summary(client);
    console.log(`${label.padEnd(44)} ${String(client.length).padStart(5)} ${fmt(c.p50)} ${fmt(c.p95)} ${fmt(c.max)}`);
    if (server.length > 0) {
      const r = summary(server);
      console.log(`${'  of which store reads in the function'.padEnd(44)} ${String(server.length).padStart(5)} ${fmt(r.p50)} ${fmt(r.p95)} ${fmt(r.max)}`);
    }
    if (c.p95 >= LIMIT_MS) failed = true;
  }
  console.log(failed ? `\nFAILED: a p95 is ${LIMIT_MS} ms or more` : `\nOK: every p95 is under ${LIMIT_MS} ms`);
  process.exitCode = failed ? 1 : 0;
} catch (error) {
  console.error(`FAILED: ${(error as Error).stack ?? error}`);
  process.exitCode = 1;
} finally {
  stack?.destroy();
  await runtime?.stop();
}
