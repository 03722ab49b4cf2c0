// The dashboard's state, and its place in the URL: the site, the period, the filters and a funnel's steps are in
// the page's query string, so a view can be bookmarked; a `#site=S&key=K` fragment signs in. The key stays in
// sessionStorage (this tab only).
import type { StatsClient } from './api.ts';
import { formatFilters, readFilters, type Filter } from './filter-list.ts';
import { DEFAULT_PERIOD, isPeriodId, type PeriodId, type Range } from './periods.ts';

export const KEY_STORAGE = 'dashboard.key';
export const SITE_STORAGE = 'dashboard.site';
export const REFRESH_MS = 60_000;
/** Sites asked for per page of GET /sites. */
export const SITES_PAGE = 100;
/** Rows a panel shows, and the rows of a page of it (the API's largest `limit`). */
export const ROWS = 10;
export const MAX_ROWS = 100;

/** A panel's row: what it counts, the counts, and whether they are exact (not an estimate). */
export interface PanelRow {
  label: string;
  numbers: number[];
  exact: boolean;
}

/** A panel's table: its columns (the first names the row) and its rows. */
export interface PanelData {
  id: string;
  title: string;
  columns: string[];
  rows: PanelRow[];
  /** A breakdown with rows past those loaded: its last page was full, or the counters summed the rest as `(other)`. */
  more?: boolean;
  /** Whether its next page is being read. */
  paging?: boolean;
  /** How each count column reads (default: integers); the CSV has the numbers as they are. */
  formats?: ((n: number) => string)[];
  /** What its table says without rows (default: no data for the period). */
  empty?: string;
}

export const state = {
  client: undefined as StatsClient | undefined,
  site: '',
  timezone: 'UTC',
  /** The sites the key may read that GET /sites listed so far (undefined until it answers, or where it is missing). */
  sites: undefined as string[] | undefined,
  /** The `next_cursor` of the last page of sites read: more sites to list on request. */
  sitesCursor: undefined as string | undefined,
  period: DEFAULT_PERIOD as PeriodId,
  custom: {} as Partial<Range>,
  /** The view's filters: every figure, the chart and every panel are of the events they keep. */
  filters: [] as Filter[],
  /** Sites whose GET /stats/goals answered no goals: not asked again until the page is opened again. */
  goalless: new Set<string>(),
  /** The funnel view's steps, as GET /stats/funnel takes them ('' for none). */
  funnel: '',
  expanded: new Set<string>(),
  panels: new Map<string, PanelData>(),
  chartCsv: '',
  range: undefined as Range | undefined,
  loadCount: 0,
  loadedAt: 0,
  destroyChart: undefined as (() => void) | undefined,
};

export function readUrl(): void {
  const query = new URLSearchParams(location.search);
  const period = query.get('period');
  state.period = isPeriodId(period) ? period : DEFAULT_PERIOD;
  state.custom = { from: query.get('from') ?? undefined, to: query.get('to') ?? undefined };
  state.filters = readFilters(query.get('filters'));
  state.funnel = query.get('funnel') ?? '';
  const site = query.get('site');
  if (site) state.site = site;
}

export function writeUrl(push: boolean): void {
  const query = new URLSearchParams();
  if (state.site) query.set('site', state.site);
  query.set('period', state.period);
  if (state.period === 'custom' && state.custom.from && state.custom.to) {
    query.set('from', state.custom.from);
    query.set('to', state.custom.to);
  }
  if (state.filters.length) query.set('filters', formatFilters(state.filters));
  if (state.funnel) query.set('funnel', state.funnel);
  const url = `${location.pathname}?${query}`;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

/**
 * `#site=S&key=K` signs in; the fragment never reaches a server, and is dropped at once. The key
 * is returned, not stored: it is kept only once the API has accepted it (signIn).
 */
export function readFragment(): string | undefined {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const key = fragment.get('key');
  const site = fragment.get('site');
  if (site) state.site = site;
  if (key || site) writeUrl(false);
  return key ?? undefined;
}

/** The name of a CSV download of the current site and range. */
export const fileName = (what: string): string => `${state.site}-${what}-${state.range?.from}-${state.range?.to}.csv`;
