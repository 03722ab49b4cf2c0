// `npm run bench`: one check of the lake engine against the counters. For every site, GET /stats
// over the workload's days twice: unfiltered (the counters answer) and with a filter that keeps
// every event (`event_type!=__none__`), which the stats function answers from the lake through
// its Athena client and the local Athena endpoint (DuckDB over the lake's objects). Every figure
// and the top paths must be equal; unique users are exact in the lake and estimated by the
// counters' sketches, so both are kept with the relative error instead.
import type { StatsFigures } from '../../functions/api/responses.ts';
import { ROW_LIMIT } from '../workload/counts.ts';
import type { Workload } from '../workload/workload.ts';

/** A filter that keeps every event: no event has this type. */
export const KEEP_ALL_FILTER = 'event_type!=__none__';

type Answer = StatsFigures & { answered_by?: string };

/** One site's pair of answers. */
export interface LakeAgreement {
  site: string;
  /** Figures that differ, `name: counters x, lake y`. */
  differences: string[];
  usersCounters: number;
  usersLake: number;
  lakeMs: number;
}

/** The figures compared for equality: everything but unique users (and the answer's own fields). */
const EQUAL_FIGURES = ['total_views', 'total_events', 'visits', 'bounce_rate', 'visit_duration_s', 'views_per_visit'] as const;

function differencesOf(counters: Answer, lake: Answer): string[] {
  const out: string[] = [];
  for (const name of EQUAL_FIGURES) if (counters[name] !== lake[name]) out.push(`${name}: counters ${counters[name]}, lake ${lake[name]}`);
  const types = (a: Answer) => JSON.stringify(Object.entries(a.events_by_type).sort(([x], [y]) => (x < y ? -1 : 1)));
  if (types(counters) !== types(lake)) out.push(`events_by_type: counters ${types(counters)}, lake ${types(lake)}`);
  const paths = (a: Answer) => a.top_paths.map((row) => `${row.path}=${row.views}`).join(' ');
  if (paths(counters) !== paths(lake)) out.push(`top_paths: counters ${paths(counters).slice(0, 200)}, lake ${paths(lake).slice(0, 200)}`);
  if (lake.answered_by !== 'lake') out.push(`the filtered answer came from ${lake.answered_by}, not the lake`);
  if (counters.answered_by !== 'counters') out.push(`the unfiltered answer came from ${counters.answered_by}, not the counters`);
  return out;
}

/** GET /stats of every site over the workload's days, from the counters and from the lake, two sites at a time. */
export async function checkLakeAgainstCounters(opts: { apiUrl: string; adminKey: string; workload: Workload }): Promise<LakeAgreement[]> {
  const { workload } = opts;
  const get = async (site: string, filters?: string): Promise<{ body: Answer; ms: number }> => {
    const url = new URL(`${opts.apiUrl}/stats`);
    url.searchParams.set('site_id', site);
    url.searchParams.set('from', workload.days[0]!);
    url.searchParams.set('to', workload.days.at(-1)!);
    url.searchParams.set('limit', String(ROW_LIMIT));
    if (filters) url.searchParams.set('filters', filters);
    const started = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${opts.adminKey}` } });
    const body = (await response.json()) as Answer;
    if (response.status !== 200) throw new Error(`GET /stats ${site}${filters ? ` filters=${filters}` : ''}: ${response.status} ${JSON.stringify(body)}`);
    return { body, ms: performance.now() - started };
  };
  const results: LakeAgreement[] = [];
  let cursor = 0;
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      for (;;) {
        const site = workload.sites[cursor++];
        if (site === undefined) return;
        const counters = (await get(site)).body;
        const lake = await get(site, KEEP_ALL_FILTER);
        results.push({ site, differences: differencesOf(counters, lake.body), usersCounters: counters.unique_users, usersLake: lake.body.unique_users, lakeMs: lake.ms });
      }
    }),
  );
  return results.sort((a, b) => (a.site < b.site ? -1 : 1));
}

/** The relative error of the counters' unique users against the lake's exact count. */
export const usersError = (a: Pick<LakeAgreement, 'usersCounters' | 'usersLake'>): number => (a.usersLake ? (a.usersCounters - a.usersLake) / a.usersLake : 0);
