// Periods of the dashboard as the stats API takes them: days (YYYY-MM-DD) of the site's time zone.
// Pure functions of "today", so they are tested without a browser.

/** The periods the picker offers, by their id in the page's URL. */
export const PERIOD_IDS = ['today', 'yesterday', '7d', '30d', 'month', 'last-month', '12m', 'custom'] as const;
export type PeriodId = (typeof PERIOD_IDS)[number];
export const DEFAULT_PERIOD: PeriodId = '30d';

/** The longest range the API gives in one answer. */
export const MAX_RANGE_DAYS = 366;

/** A range of days, both included; `from === to` for one day. */
export interface Range {
  readonly from: string;
  readonly to: string;
}

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const toMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);
const fromMs = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Whether `text` is a real calendar day YYYY-MM-DD. */
export const isDay = (text: string): boolean => DAY.test(text) && fromMs(toMs(text)) === text;

/** `day` moved by `days` (negative: back). */
export const addDays = (day: string, days: number): string => fromMs(toMs(day) + days * DAY_MS);

/** Days from `from` to `to`, both included. */
export const lengthInDays = ({ from, to }: Range): number => Math.round((toMs(to) - toMs(from)) / DAY_MS) + 1;

/** Every day of a range, oldest first. */
export const daysOf = (range: Range): string[] => Array.from({ length: lengthInDays(range) }, (_, i) => addDays(range.from, i));

/** The first day of `day`'s month, moved by `months`. */
function monthStart(day: string, months = 0): string {
  const [year, month] = day.split('-').map(Number) as [number, number];
  return fromMs(Date.UTC(year, month - 1 + months, 1));
}

/** The same day of the month a year earlier (28 February for 29 February). */
function oneYearBefore(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const candidate = fromMs(Date.UTC(year - 1, month - 1, date));
  return candidate.slice(5, 7) === day.slice(5, 7) ? candidate : addDays(candidate, -1);
}

/** Today's date in an IANA time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * The days of a period ending today (`today` in the site's time zone); `custom` takes `custom`.
 * Undefined for a custom range that is not one (bad days, `from` after `to`, over 366 days).
 */
export function rangeOf(period: PeriodId, today: string, custom?: Partial<Range>): Range | undefined {
  switch (period) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday':
      return { from: addDays(today, -1), to: addDays(today, -1) };
    case '7d':
      return { from: addDays(today, -6), to: today };
    case '30d':
      return { from: addDays(today, -29), to: today };
    case 'month':
      return { from: monthStart(today), to: today };
    case 'last-month':
      return { from: monthStart(today, -1), to: addDays(monthStart(today), -1) };
    case '12m':
      // Calendar months: the 11 before this one, and this one to today (the chart is by month).
      return { from: monthStart(today, -11), to: today };
    case 'custom': {
      const { from, to } = custom ?? {};
      if (!from || !to || !isDay(from) || !isDay(to) || from > to) return undefined;
      const range = { from, to };
      return lengthInDays(range) <= MAX_RANGE_DAYS ? range : undefined;
    }
  }
}

/**
 * What a period's figures are compared with: the days of the same length just before `range`;
 * for the last 12 months, the same days a year earlier (whole months too).
 */
export function previousRange(range: Range, period?: PeriodId): Range {
  if (period === '12m') return { from: oneYearBefore(range.from), to: oneYearBefore(range.to) };
  const length = lengthInDays(range);
  return { from: addDays(range.from, -length), to: addDays(range.from, -1) };
}

/** Ranges longer than this are charted by month, shorter ones by day (one day: by hour). */
export const DAILY_CHART_MAX_DAYS = 92;

/** The GET /stats/timeseries query of a range's chart: by the hour for one day, by the month over a long range, else by the day. */
export function chartQuery(range: Range): Record<string, string> {
  if (range.from === range.to) return { interval: 'hour', date: range.from };
  return { interval: lengthInDays(range) > DAILY_CHART_MAX_DAYS ? 'month' : 'day', from: range.from, to: range.to };
}

/** The query parameters of GET /stats and GET /stats/breakdown for a range: `date` for one day. */
export function rangeQuery(range: Range): Record<string, string> {
  return range.from === range.to ? { date: range.from } : { from: range.from, to: range.to };
}

/** Whether `text` names a period. */
export const isPeriodId = (text: string | null): text is PeriodId => (PERIOD_IDS as readonly string[]).includes(text ?? '');
