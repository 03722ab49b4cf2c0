// The stats API as the dashboard reads it: same origin, the key as a Bearer token.

import type {
  Answered,
  AnyTimeseriesResponse,
  BreakdownResponse,
  GoalsResponse,
  HourPoint,
  MonthPoint,
  SitesResponse,
  StatsResponse,
  TimeseriesPoint,
  FunnelResponse,
  RealtimeResponse,
  ViewResponse,
} from '../../functions/api/responses.ts';

export type { BreakdownRow, PathRow, SiteSummary } from '../../functions/api/responses.ts';
/** Each stats route's answer says which store answered: the counters, or the lake (filters, later pages of top paths and breakdowns). */
export type Stats = Answered<StatsResponse>;
export type Timeseries = Answered<AnyTimeseriesResponse>;
export type ChartPoint = TimeseriesPoint | MonthPoint | HourPoint;
export type SitesPage = SitesResponse;

/**
 * The row of a panel (a path of `top_paths`, a value of a breakdown) that holds what no longer
 * fitted a day's counters: every value past their budget, summed.
 */
export const OTHER = '(other)';

/** An answer other than 200, with the API's error code when it sent one. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The API's base: the page is `<base>dashboard`, on the API's own origin and stage. */
export function apiBase(location: Location): string {
  return location.pathname.replace(/dashboard\/?$/, '');
}

/** A client of the stats API holding one key. */
export function statsClient(base: string, key: string) {
  async function get<T>(path: string, query: Record<string, string>): Promise<T> {
    const url = `${base}${path}?${new URLSearchParams(query)}`;
    let response: Response;
    try {
      response = await fetch(url, { headers: { authorization: `Bearer ${key}` }, cache: 'no-store', credentials: 'omit' });
    } catch {
      throw new ApiError(0, 'network', 'The API could not be reached. Check the connection and try again.');
    }
    const body = await response.json().catch(() => undefined);
    if (!response.ok) {
      throw new ApiError(response.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `The API answered ${response.status}.`);
    }
    return body as T;
  }
  return {
    stats: (site: string, query: Record<string, string>) => get<Stats>('stats', { site_id: site, ...query }),
    timeseries: (site: string, query: Record<string, string>) => get<Timeseries>('stats/timeseries', { site_id: site, ...query }),
    breakdown: (site: string, dimension: string, query: Record<string, string>) =>
      get<Answered<BreakdownResponse>>('stats/breakdown', { site_id: site, dimension, ...query }),
    /** A period's figures, chart and panels from one lake query (GET /stats/view): the filtered view. */
    view: (site: string, query: Record<string, string>) => get<Answered<ViewResponse>>('stats/view', { site_id: site, ...query }),
    /** Visits through ordered steps (GET /stats/funnel). */
    funnel: (site: string, query: Record<string, string>) => get<Answered<FunnelResponse>>('stats/funnel', { site_id: site, ...query }),
    /** Who is on the site now (GET /stats/realtime). */
    realtime: (site: string) => get<Answered<RealtimeResponse>>('stats/realtime', { site_id: site, limit: '0' }),
    /** The site's goals with their visitors, completions and conversion rates over a period (GET /stats/goals, from the lake). */
    goals: (site: string, query: Record<string, string>) => get<Answered<GoalsResponse>>('stats/goals', { site_id: site, ...query }),
    /** One page of the sites the key reads (GET /sites), from the start or from a `next_cursor`. */
    sites: (query: { limit: string; cursor?: string }) => get<SitesPage>('sites', query),
  };
}

export type StatsClient = ReturnType<typeof statsClient>;
