import * as z from 'zod/mini';
import { UNKNOWN_AUDIENCE, type Audience } from './audience.ts';
import type { FieldIssue, ParseResult } from './parse-result.ts';
import { readProps, type Props } from './props.ts';
import { isWellFormedText, TEXT_ISSUE } from './text.ts';
import { readVisit, visitWireSchema, type VisitMarks } from './visit.ts';

/** Letters, digits and `.`, `_`, `:`, `-`: the alphabet of site ids and event types. */
const NAME = /^[A-Za-z0-9._:-]{1,64}$/;
const EVENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Whether `value` is a well-formed site id. */
export const isSiteId = (value: string): boolean => NAME.test(value);

export const MAX_PATH_LENGTH = 2048;
export const MAX_FUTURE_MS = 10 * 60 * 1000;
/** The oldest an event may be when received: imports, sent with a key (MAX_UNKEYED_AGE_DAYS). */
export const MAX_AGE_DAYS = 400;
/**
 * The oldest an event may be without a key: a browser sends events seconds old, a server that
 * buffers them hours. Older ones are imports, accepted with a key of their site or the admin key.
 */
export const MAX_UNKEYED_AGE_DAYS = 7;
const DAY_MS = 86_400_000;

/** An event id: letters, digits, `_` and `-`. */
export const eventIdSchema = z.string().check(z.regex(EVENT_ID, 'must be 1-64 letters, digits, "_" or "-"'));

/** No unpaired surrogates, no control characters (text.ts). */
const wellFormed = z.refine<string>(isWellFormedText, TEXT_ISSUE);

/**
 * The beacon as a browser sends it. Unknown fields are dropped. Text that is counted as sent
 * (path, user id) must be well formed; names have an alphabet without control characters.
 */
export const beaconSchema = z.object({
  site_id: z.string().check(z.regex(NAME, 'must be 1-64 letters, digits, ".", "_", ":" or "-"')),
  event_type: z.string().check(z.regex(NAME, 'must be 1-64 letters, digits, ".", "_", ":" or "-"')),
  path: z
    .string()
    .check(z.maxLength(MAX_PATH_LENGTH, `must be at most ${MAX_PATH_LENGTH} characters`), z.startsWith('/', 'must start with "/"'), wellFormed),
  user_id: z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(128, 'must be at most 128 characters'), wellFormed),
  timestamp: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with "Z" or an offset' }),
  event_id: z.optional(eventIdSchema),
  /** The visit the event belongs to, as the tracker keeps it (see visit.ts); optional. */
  visit: z.optional(visitWireSchema),
  /** Custom properties (props.ts), checked by readProps; optional. */
  props: z.optional(z.unknown()),
});

export type Beacon = z.infer<typeof beaconSchema>;

/**
 * An accepted event, normalised: what travels on the queue and is stored. Its audience
 * (device, browser, os, country) comes from the request that carried it; no User-Agent or IP
 * address is kept.
 */
export interface TrackedEvent extends Audience {
  site_id: string;
  event_type: string;
  /** Path without query string or fragment. */
  path: string;
  user_id: string;
  /** The event time in UTC, ISO 8601. */
  timestamp: string;
  /**
   * The day the event counts on, YYYY-MM-DD: the UTC day of `timestamp` when accepted; the
   * processor replaces it with the date in the site's time zone. Never queued.
   */
  day: string;
  /**
   * The hour of `day` the event counts in, from local midnight (0-24): set by the processor
   * with `day`. Never queued.
   */
  hour?: number;
  event_id: string;
  /** When ingestion accepted it, ISO 8601 UTC. */
  received_at: string;
  /** The visit's marks and attributes, when the client sent a visit. */
  visit?: VisitMarks;
  /** Custom properties (props.ts), when the client sent any; kept in the lake only. */
  props?: Props;
}

/** Drops the query string and fragment: `/pricing?ref=x#top` counts as `/pricing`. */
export function normalizePath(path: string): string {
  const cut = path.search(/[?#]/);
  return cut === -1 ? path : path.slice(0, cut);
}

/** The UTC calendar day of an instant, YYYY-MM-DD. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** Zod issues as field-named details. */
export function toFieldIssues(error: z.core.$ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
}

/** Checks the event time against the window accepted at `receivedAt`. */
function timestampIssue(at: Date, receivedAt: Date): FieldIssue | undefined {
  if (at.getTime() > receivedAt.getTime() + MAX_FUTURE_MS) {
    return { field: 'timestamp', message: 'must not be more than 10 minutes in the future' };
  }
  if (at.getTime() < receivedAt.getTime() - MAX_AGE_DAYS * DAY_MS) {
    return { field: 'timestamp', message: `must not be more than ${MAX_AGE_DAYS} days old` };
  }
  return undefined;
}

/**
 * Validates a beacon body and normalises it into a TrackedEvent.
 * `newId` supplies the event id when the client sent none; `audience` is the request's.
 */
export function acceptBeacon(
  input: unknown,
  receivedAt: Date,
  newId: () => string,
  audience: Audience = UNKNOWN_AUDIENCE,
): ParseResult<TrackedEvent> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, issues: [{ field: '(body)', message: 'must be a JSON object' }] };
  }
  const parsed = z.safeParse(beaconSchema, input);
  const props = 'props' in input && input.props !== undefined ? readProps(input.props) : undefined;
  const propIssues = props && !props.ok ? props.issues : [];
  if (!parsed.success) return { ok: false, issues: [...toFieldIssues(parsed.error), ...propIssues] };
  if (propIssues.length > 0) return { ok: false, issues: propIssues };
  const beacon = parsed.data;
  const at = new Date(beacon.timestamp);
  const issue = timestampIssue(at, receivedAt);
  if (issue) return { ok: false, issues: [issue] };
  const visit = beacon.visit && readVisit(beacon.visit);
  if (visit && !visit.ok) return { ok: false, issues: [{ field: 'visit.entry', message: visit.issue }] };
  const event: TrackedEvent = {
    site_id: beacon.site_id,
    event_type: beacon.event_type,
    path: normalizePath(beacon.path),
    user_id: beacon.user_id,
    timestamp: at.toISOString(),
    day: utcDay(at),
    event_id: beacon.event_id ?? newId(),
    received_at: receivedAt.toISOString(),
    ...audience,
  };
  if (visit) event.visit = visit.marks;
  if (props?.ok && Object.keys(props.value).length > 0) event.props = props.value;
  return { ok: true, value: event };
}

/** Why an event older than MAX_UNKEYED_AGE_DAYS is refused from a request without a key. */
export const UNKEYED_AGE_ISSUE =
  `must not be more than ${MAX_UNKEYED_AGE_DAYS} days old without a key; send "Authorization: Bearer <key>" ` +
  `with a key of the event's site or the admin key to import events up to ${MAX_AGE_DAYS} days old`;

/** Whether an accepted event is older than MAX_UNKEYED_AGE_DAYS when it was received (an import). */
export const isBackdated = (event: TrackedEvent): boolean =>
  Date.parse(event.timestamp) < Date.parse(event.received_at) - MAX_UNKEYED_AGE_DAYS * DAY_MS;

/**
 * The `timestamp` issue of each accepted event older than MAX_UNKEYED_AGE_DAYS, for a request
 * without a key: the field `timestamp`, or `[i].timestamp` for the i-th event of a batch.
 */
export function backdatedIssues(events: readonly TrackedEvent[], batch: boolean): FieldIssue[] {
  return events.flatMap((event, index) =>
    isBackdated(event) ? [{ field: batch ? `[${index}].timestamp` : 'timestamp', message: UNKEYED_AGE_ISSUE }] : [],
  );
}

/** At most this many events in one POST /events. */
export const MAX_BATCH_EVENTS = 100;

/** Prefixes each issue's field with the index of the batch element it belongs to: `[3].path`. */
function atIndex(index: number, issues: FieldIssue[]): FieldIssue[] {
  return issues.map((issue) => ({
    field: issue.field === '(body)' ? `[${index}]` : `[${index}].${issue.field}`,
    message: issue.message,
  }));
}

/** Validates every element of `items` with `accept`; all or nothing, issues named by index. */
export function acceptAll<T>(items: unknown[], accept: (item: unknown) => ParseResult<T>): ParseResult<T[]> {
  const values: T[] = [];
  const issues: FieldIssue[] = [];
  items.forEach((item, index) => {
    const result = accept(item);
    if (result.ok) values.push(result.value);
    else issues.push(...atIndex(index, result.issues));
  });
  return issues.length ? { ok: false, issues } : { ok: true, value: values };
}

/**
 * Validates a POST /events body, a JSON array of 1-100 beacons, as a whole: every event is
 * accepted, or none, with each bad element's issues named by its index (`[3].path`).
 */
export function acceptBatch(
  input: unknown,
  receivedAt: Date,
  newId: () => string,
  audience: Audience = UNKNOWN_AUDIENCE,
): ParseResult<TrackedEvent[]> {
  if (!Array.isArray(input)) return { ok: false, issues: [{ field: '(body)', message: 'must be a JSON array of events' }] };
  if (input.length === 0) return { ok: false, issues: [{ field: '(body)', message: 'must hold at least one event' }] };
  if (input.length > MAX_BATCH_EVENTS) {
    return { ok: false, issues: [{ field: '(body)', message: `must hold at most ${MAX_BATCH_EVENTS} events` }] };
  }
  return acceptAll(input, (item) => acceptBeacon(item, receivedAt, newId, audience));
}

/** The earliest `received_at` of `events`, in epoch milliseconds (undefined for none). */
export function oldestReceipt(events: readonly TrackedEvent[]): number | undefined {
  let oldest: number | undefined;
  for (const event of events) {
    const at = Date.parse(event.received_at);
    if (oldest === undefined || at < oldest) oldest = at;
  }
  return oldest;
}
