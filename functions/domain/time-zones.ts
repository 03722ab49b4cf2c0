/**
 * Calendar days in a site's own time zone (an IANA name such as `Europe/Berlin`). Everything
 * goes through `Intl.DateTimeFormat`, so the zone rules are those of the runtime's ICU data.
 */

/** The zone of sites that name none (and of unregistered sites). */
export const DEFAULT_TIME_ZONE = 'UTC';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** No zone is further than this from UTC (Pacific/Kiritimati is +14:00, Etc/GMT+12 is -12:00). */
const MAX_OFFSET_MS = 15 * HOUR_MS;

/** Wall-clock fields of an instant in a zone. */
interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// Building a formatter costs far more than using one; a process sees few zones.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallClock(instant: number, timeZone: string): WallClock {
  const fields: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return fields as unknown as WallClock;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const dateOf = (clock: WallClock): string => `${pad(clock.year, 4)}-${pad(clock.month)}-${pad(clock.day)}`;
const toInstant = (timestamp: Date | string | number): number =>
  typeof timestamp === 'number' ? timestamp : typeof timestamp === 'string' ? Date.parse(timestamp) : timestamp.getTime();

/**
 * An IANA zone name as it is stored, or undefined if the runtime does not know it: the runtime's
 * spelling when the two differ only in case (`europe/berlin` -> `Europe/Berlin`), else the name
 * as given, since ICU reports some zones by their old names (`Asia/Kathmandu` as
 * `Asia/Katmandu`). UTC offsets such as `+01:00` are refused: they have no daylight-saving rules,
 * and a site in such a place is better named by its zone.
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name)) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
}

/** Whether `name` is an IANA time zone name the runtime knows. */
export const isTimeZone = (name: string): boolean => canonicalTimeZone(name) !== undefined;

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(timestamp: Date | string | number, timeZone: string): string {
  const instant = toInstant(timestamp);
  if (timeZone === DEFAULT_TIME_ZONE) return new Date(instant).toISOString().slice(0, 10);
  return dateOf(wallClock(instant, timeZone));
}

/** The offset from UTC, in minutes, of the zone whose wall clock reads `clock` at `instant`. */
function offsetOf(instant: number, clock: WallClock): number {
  const asUtc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / MINUTE_MS);
}

/** The zone's offset from UTC at an instant, in minutes (Berlin in winter: 60). */
export function offsetMinutes(timestamp: Date | string | number, timeZone: string): number {
  const instant = toInstant(timestamp);
  return offsetOf(instant, wallClock(instant, timeZone));
}

/** `+05:45`, `-04:00`, `+00:00`. */
function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An instant as local ISO 8601 time with the zone's offset: `2026-03-29T03:00:00+02:00`. */
export function localIsoTime(timestamp: Date | string | number, timeZone: string): string {
  const instant = toInstant(timestamp);
  const clock = wallClock(instant, timeZone);
  return `${dateOf(clock)}T${pad(clock.hour)}:${pad(clock.minute)}:${pad(clock.second)}${formatOffset(offsetOf(instant, clock))}`;
}

/**
 * The first instant (to the minute; zone changes fall on whole minutes) whose local date is
 * `date` or later. Offsets are within 15 hours, so the answer lies within 15 hours of
 * `date`T00:00Z; a binary search over those minutes finds it.
 */
export function startOfLocalDay(date: string, timeZone: string): number {
  if (timeZone === DEFAULT_TIME_ZONE) return Date.parse(`${date}T00:00:00Z`);
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  let low = (midnightUtc - MAX_OFFSET_MS) / MINUTE_MS;
  let high = (midnightUtc + MAX_OFFSET_MS) / MINUTE_MS;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (localDate(mid * MINUTE_MS, timeZone) >= date) high = mid;
    else low = mid + 1;
  }
  return low * MINUTE_MS;
}

/** One hour of a local day: its start as an instant and as local time with the offset. */
export interface LocalHour {
  /** Epoch milliseconds. */
  start: number;
  /** Local ISO 8601 time with the offset in force: `2026-10-25T02:00:00+01:00`. */
  hour: string;
}

/**
 * The hours of a local calendar day (YYYY-MM-DD), oldest first: 24, or 23 on the day clocks go
 * forward and 25 on the day they go back. The last hour may be shorter where a zone changes by
 * less than an hour (Australia/Lord_Howe) or the day does not start on the hour.
 */
export function hoursOfLocalDay(date: string, timeZone: string): LocalHour[] {
  const start = startOfLocalDay(date, timeZone);
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const end = startOfLocalDay(next, timeZone);
  const hours: LocalHour[] = [];
  for (let at = start; at < end; at += HOUR_MS) hours.push({ start: at, hour: localIsoTime(at, timeZone) });
  return hours;
}

/** The local dates a UTC day's instants can fall on in any zone (UTC-12 to UTC+14): the day before, the day, the day after. */
export function daysAround(utcDay: string): string[] {
  const noon = Date.parse(`${utcDay}T12:00:00Z`);
  return [-1, 0, 1].map((shift) => new Date(noon + shift * 86_400_000).toISOString().slice(0, 10));
}
