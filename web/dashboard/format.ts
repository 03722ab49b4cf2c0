// Numbers and dates for the reader's locale, and CSV text of what the page shows. No DOM here.
import { csvLine } from '../../functions/domain/csv.ts';

/**
 * The reader's languages that Intl takes. A browser started with a POSIX locale reports tags such
 * as `en-US@posix`, which Intl refuses (even as its own default): those are skipped, `en` is the last resort.
 */
function readerLocales(): string[] {
  const usable = (navigator.languages ?? [navigator.language]).filter((tag) => {
    try {
      return Intl.NumberFormat.supportedLocalesOf(tag).length > 0;
    } catch {
      return false;
    }
  });
  return usable.length ? usable : ['en'];
}

/** The locales every number and date of the page is written for. */
export const LOCALES = readerLocales();

const integer = new Intl.NumberFormat(LOCALES, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(LOCALES, { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat(LOCALES, { style: 'percent', maximumFractionDigits: 1 });
const signedPercent = new Intl.NumberFormat(LOCALES, { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' });

export const formatInteger = (n: number): string => integer.format(n);
export const formatDecimal = (n: number): string => decimal.format(n);
export const formatPercent = (n: number): string => percent.format(n);

/** Seconds as `1 h 2 min`, `3 min 4 s` or `5 s`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${integer.format(h)} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

/** The change from `previous` to `current` as a share of `previous`; undefined when there was nothing before. */
export function change(current: number, previous: number): number | undefined {
  return previous === 0 ? undefined : (current - previous) / previous;
}

export const formatChange = (share: number): string => signedPercent.format(share);

/** A day YYYY-MM-DD as the reader writes dates (short month, no year unless asked). */
export function formatDay(day: string, withYear = false): string {
  return new Intl.DateTimeFormat(LOCALES, { day: 'numeric', month: 'short', ...(withYear ? { year: 'numeric' } : {}), timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

/** A month YYYY-MM as the reader writes it (short month and year). */
export function formatMonth(month: string): string {
  return new Intl.DateTimeFormat(LOCALES, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));
}

/** An hour's start (ISO with offset) as the hour of the site's day it is. */
export function formatHour(hour: string): string {
  return hour.slice(11, 16);
}

/**
 * A CSV document (RFC 4180, CRLF line ends) of a header row and data rows; text that a
 * spreadsheet would run as a formula is made inert (csvField).
 */
export function toCsv(header: string[], rows: (string | number)[][]): string {
  return [header, ...rows].map(csvLine).join('');
}
