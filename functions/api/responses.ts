// The bodies the stats routes answer with (200), declared once: functions/domain shapes them,
// the dashboard (web/dashboard/api.ts) and the benchmarks (bench/workload/counts.ts) read them, and
// docs/openapi.yaml documents them. Types only, importing nothing, so that browser code
// type-checked without Node's types can import them.

/** How an answer names its period: `date` (a day, or null for all time), or `from` and `to` (a range of days). */
export type PeriodFields = { date: string | null } | { from: string; to: string };

/**
 * Which store answered: `counters` (the counters in DynamoDB: requests without `filters`) or
 * `lake` (the raw events, queried with Athena; requests with `filters`, or top paths and a
 * breakdown's rows from an `offset`).
 */
export type AnsweredBy = 'counters' | 'lake';

/** A stats route's body with the store that answered it. */
export type Answered<T> = T & { answered_by: AnsweredBy };

/** The visit figures of a period. */
export interface VisitFigures {
  visits: number;
  /** Share of visits with a single page view, 0 to 1, to 4 decimals. */
  bounce_rate: number;
  /** Mean visit duration, whole seconds. */
  visit_duration_s: number;
  /** Page views of visits per visit, to 2 decimals. */
  views_per_visit: number;
}

/** A row of top paths; `exact: false` when its count is an estimate (a heavy hitter past the day's budget, see functions/domain/overflow-rows.ts). */
export interface PathRow {
  path: string;
  views: number;
  exact?: false;
}

export interface StatsFigures extends VisitFigures {
  total_views: number;
  unique_users: number;
  total_events: number;
  events_by_type: Record<string, number>;
  top_paths: PathRow[];
}

/**
 * GET /stats: the site and the time zone its days are dates in, `date` (a day, or null for all
 * time) or `from` and `to` (a range), then the figures (the visit figures among them).
 */
export type StatsResponse = { site_id: string; timezone: string } & PeriodFields & StatsFigures;

/** A point of GET /stats/timeseries by the day. */
export interface TimeseriesPoint {
  date: string;
  views: number;
  unique_users: number;
  events: number;
  visits: number;
}

/** A point of GET /stats/timeseries by the month. */
export interface MonthPoint {
  /** The calendar month, YYYY-MM. */
  month: string;
  /** Its first and last days in the range (the range may start or end inside it). */
  from: string;
  to: string;
  views: number;
  unique_users: number;
  events: number;
  visits: number;
}

/** A point of GET /stats/timeseries by the hour: views, visits started and events of one hour. */
export interface HourPoint {
  /** The hour's start, local ISO 8601 time with the offset in force: `2026-03-29T03:00:00+02:00`. */
  hour: string;
  views: number;
  visits: number;
  events: number;
}

/** GET /stats/timeseries of a range by the day (`P` = TimeseriesPoint) or by the month (`P` = MonthPoint). */
export interface RangeTimeseriesResponse<P extends TimeseriesPoint | MonthPoint> {
  site_id: string;
  timezone: string;
  from: string;
  to: string;
  points: P[];
}

export type TimeseriesResponse = RangeTimeseriesResponse<TimeseriesPoint>;
export type MonthlyTimeseriesResponse = RangeTimeseriesResponse<MonthPoint>;

/** GET /stats/timeseries of a day by the hour. */
export interface HourlyTimeseriesResponse {
  site_id: string;
  timezone: string;
  date: string;
  points: HourPoint[];
}

/** Any answer of GET /stats/timeseries. */
export type AnyTimeseriesResponse = TimeseriesResponse | MonthlyTimeseriesResponse | HourlyTimeseriesResponse;

/** A row of GET /stats/breakdown: visits started and page views under one value; `exact: false` when its counts are estimates (see PathRow). */
export interface BreakdownRow {
  value: string;
  visits: number;
  views: number;
  exact?: false;
}

/** GET /stats/breakdown: the site, its time zone, the dimension (`D`), the period as GET /stats names it, and the values. */
export type BreakdownResponse<D extends string = string> = { site_id: string; timezone: string; dimension: D } & PeriodFields & {
  results: BreakdownRow[];
};

/** A row of GET /stats/breakdown by a custom property (`prop:<key>`): the events under one value and their distinct visitors. */
export interface PropBreakdownRow {
  value: string;
  events: number;
  visitors: number;
}

/** GET /stats/breakdown?dimension=prop:<key>, always from the lake: as BreakdownResponse, with PropBreakdownRow results. */
export type PropBreakdownResponse = { site_id: string; timezone: string; dimension: string } & PeriodFields & {
  results: PropBreakdownRow[];
};

/**
 * GET /stats/view: one period of the dashboard from one lake query: the figures and top paths (as
 * GET /stats), the chart (as GET /stats/timeseries) and the top values of each dimension `D` (as
 * GET /stats/breakdown's `results`), each over the events the filters keep.
 */
export type ViewResponse<D extends string = string> = { site_id: string; timezone: string } & PeriodFields & {
  stats: Answered<StatsResponse>;
  timeseries: Answered<AnyTimeseriesResponse>;
  breakdowns: Record<D, BreakdownRow[]>;
};

/** A page or source of GET /stats/realtime, with its page views of the last 30 minutes. */
export interface RealtimeRow {
  value: string;
  views: number;
}

/**
 * GET /stats/realtime: at `at`, the distinct users of the last 5 minutes (`current_visitors`) and
 * the last 30 minutes' page views by page and by source, from the lake, which lags by up to `lag_s`.
 */
export interface RealtimeResponse {
  site_id: string;
  timezone: string;
  at: string;
  current_visitors: number;
  pages: RealtimeRow[];
  sources: RealtimeRow[];
  lag_s: number;
}

/** A row of GET /stats/goals: a goal (`event:NAME` or `page:PATTERN`), its visitors and completions, and visitors over the period's unique visitors (4 places). */
export interface GoalRow {
  goal: string;
  visitors: number;
  completions: number;
  conversion_rate: number;
}

/** GET /stats/goals: the site's goals over a day or a range (and the events the filters keep), always from the lake. */
export type GoalsResponse = { site_id: string; timezone: string } & PeriodFields & {
  unique_users: number;
  goals: GoalRow[];
};

/** A step of GET /stats/funnel: its text, the visits that entered it after every earlier step, its conversion from the first step (to 4 places) and the visits lost since the previous one. */
export interface FunnelStep {
  step: string;
  visits: number;
  conversion_rate: number;
  dropoff: number;
}

/** GET /stats/funnel: the steps of a range's visits, in order. */
export interface FunnelResponse {
  site_id: string;
  timezone: string;
  from: string;
  to: string;
  steps: FunnelStep[];
}

/** What GET /sites says of one site with data. */
export interface SiteSummary {
  site_id: string;
  /** The first and last local dates with counted events. */
  first_day: string;
  last_day: string;
  /** Page views of all time. */
  views: number;
}

/** GET /sites: the sites with data in site id order, and `next_cursor` when more follow. */
export interface SitesResponse {
  sites: SiteSummary[];
  next_cursor?: string;
}

/** One file of GET /stats/export: a day's events (gzipped NDJSON, one event a line). */
export interface ExportFile {
  date: string;
  url: string;
  bytes: number;
  events: number;
}

/** GET /stats/export: a site's lake files of a range of days. */
export interface ExportResponse {
  site_id: string;
  from: string;
  to: string;
  /** The files of the range, by day; every line of a file is one event (gzipped NDJSON). */
  files: ExportFile[];
  /** Present when more files follow: pass it as `cursor` for the next page. */
  next_cursor?: string;
  /** Seconds the URLs work after the response. */
  expires_in: number;
}
