import type { TrackedEvent } from './event.ts';

/**
 * The raw-event lake: every counted event once, in gzipped NDJSON objects partitioned Hive-style
 * by site and day (the day the event counts on, in the site's time zone):
 *
 *   events/site_id=<site>/date=<YYYY-MM-DD>/<unit>.e<events>.ndjson.gz
 *
 * One object per commit unit and day. `<unit>` names the unit whose commit counted the object's
 * events, so a unit that never commits can have its objects found and removed; `<events>` is the
 * number of lines, so a listing gives every file's count without reading it.
 */
export const LAKE_PREFIX = 'events/';

/** One line of a lake object: the event as accepted, with its id, its receipt and its audience. */
export interface LakeRecord {
  event_id: string;
  site_id: string;
  event_type: string;
  path: string;
  user_id: string;
  timestamp: string;
  received_at: string;
  device: string;
  browser: string;
  os: string;
  country: string;
  visit?: TrackedEvent['visit'];
  /** Custom properties, when the event has any (props.ts): the column `props`, map<string,string>. */
  props?: TrackedEvent['props'];
}

/** One object to write: its key and its lines. */
export interface LakeFile {
  key: string;
  day: string;
  body: string;
  events: number;
}

/** One object as listed: where it is, its day and how many events it holds. */
export interface LakeObject {
  key: string;
  date: string;
  bytes: number;
  events: number;
}

/** The folder of a site's day: `events/site_id=S/date=D/`. */
export const dayFolder = (siteId: string, day: string): string => `${LAKE_PREFIX}site_id=${siteId}/date=${day}/`;

/** The folder of all of a site's days. */
export const siteFolder = (siteId: string): string => `${LAKE_PREFIX}site_id=${siteId}/`;

/** A unit id as a file name (unit ids hold `:`, which would be escaped in every URL). */
const unitStem = (unitId: string): string => unitId.replace(/[^A-Za-z0-9._-]/g, '_');

/** Where a unit's objects of a site's day begin: every key of them starts with this. */
export const unitPrefix = (siteId: string, day: string, unitId: string): string => `${dayFolder(siteId, day)}${unitStem(unitId)}.e`;

const OBJECT_KEY = /^events\/site_id=([^/]+)\/date=(\d{4}-\d{2}-\d{2})\/[^/]+\.e(\d+)\.ndjson\.gz$/;

/** The day and event count of a lake key; undefined for a key that is not a lake object. */
export function parseLakeKey(key: string): { siteId: string; date: string; events: number } | undefined {
  const match = OBJECT_KEY.exec(key);
  return match ? { siteId: match[1]!, date: match[2]!, events: Number(match[3]) } : undefined;
}

export function lakeRecord(event: TrackedEvent): LakeRecord {
  const record: LakeRecord = {
    event_id: event.event_id,
    site_id: event.site_id,
    event_type: event.event_type,
    path: event.path,
    user_id: event.user_id,
    timestamp: event.timestamp,
    received_at: event.received_at,
    device: event.device,
    browser: event.browser,
    os: event.os,
    country: event.country,
  };
  if (event.visit) record.visit = event.visit;
  if (event.props) record.props = event.props;
  return record;
}

/** The objects of one unit: its events of one site grouped by the day they count on, in order. */
export function unitFiles(siteId: string, unitId: string, events: readonly TrackedEvent[]): LakeFile[] {
  const byDay = Map.groupBy(events, (event) => event.day);
  return [...byDay].map(([day, dayEvents]) => ({
    key: `${unitPrefix(siteId, day, unitId)}${dayEvents.length}.ndjson.gz`,
    day,
    body: dayEvents.map((event) => `${JSON.stringify(lakeRecord(event))}\n`).join(''),
    events: dayEvents.length,
  }));
}
