import * as z from 'zod/mini';
import { audienceSchema, UNKNOWN_AUDIENCE, type Audience } from './audience.ts';
import { acceptAll, acceptBeacon, beaconSchema, eventIdSchema, toFieldIssues, type TrackedEvent } from './event.ts';
import type { ParseResult } from './parse-result.ts';
import { DIRECT, NONE, visitMarksSchema, type VisitMarks } from './visit.ts';

/**
 * How an event travels on the queue: short, because the processor's batches are capped by
 * Lambda's 6 MB payload, and the larger the batch, the fewer times each counter item is
 * rewritten (docs/cost.md). An event is a tuple
 *
 *   [site_id, event_type, path, user_id, timestamp (epoch ms), event_id, received_at (epoch ms),
 *    audience, visit, props]
 *
 * where `audience` is `device|browser|os|country` ("" for UNKNOWN_AUDIENCE), `visit` a tuple
 * `[page, gap_ms, entry_page, source, utm_medium, utm_campaign, id]` (null for none when props
 * follow) and `props` the event's custom properties as an object; trailing defaults are left out
 * (no props, no visit, the unknown audience; a visit's `(direct)`, `(none)`, `(none)`, no id). The processor also
 * reads the object form queued by earlier versions (field names as in TrackedEvent).
 *
 * Ingestion packs accepted events into message bodies (toQueueMessages); the processor reads
 * them back and validates them again (parseQueuedEvents).
 */

const VISIT_FIELDS = ['page', 'gap_ms', 'entry_page', 'source', 'utm_medium', 'utm_campaign', 'id'] as const;
const VISIT_DEFAULTS: readonly unknown[] = [undefined, undefined, undefined, DIRECT, NONE, NONE, undefined];

/** The visit as queued. */
export function encodeVisit(visit: VisitMarks): Array<string | number> {
  const tuple: Array<string | number | undefined> = VISIT_FIELDS.map((field) => visit[field]);
  while (tuple.length > 3 && tuple[tuple.length - 1] === VISIT_DEFAULTS[tuple.length - 1]) tuple.pop();
  // Only the id, the last field, can be undefined, and a trailing undefined has been left out.
  return tuple as Array<string | number>;
}

/** The queued visit tuple, validated as visit marks. */
export const queuedVisitSchema = z.pipe(
  z.pipe(
    z.array(z.union([z.string(), z.number()])).check(z.minLength(3), z.maxLength(VISIT_FIELDS.length)),
    // A field without a value is left out (an optional one stays absent, a required one is refused).
    z.transform((tuple) => {
      const marks: Record<string, unknown> = {};
      VISIT_FIELDS.forEach((field, i) => {
        const value = tuple[i] ?? VISIT_DEFAULTS[i];
        if (value !== undefined) marks[field] = value;
      });
      return marks;
    }),
  ),
  visitMarksSchema,
);

const AUDIENCE_FIELDS = ['device', 'browser', 'os', 'country'] as const;

/** The audience as queued: `device|browser|os|country`, or "" for the unknown audience. */
export function encodeAudience(audience: Audience): string {
  const values = AUDIENCE_FIELDS.map((field) => audience[field]);
  return AUDIENCE_FIELDS.every((field) => audience[field] === UNKNOWN_AUDIENCE[field]) ? '' : values.join('|');
}

/** The audience fields of a queued audience string (validated with the rest of the event). */
function decodeAudience(text: unknown): Record<string, unknown> {
  if (text === undefined || text === '') return {};
  if (typeof text !== 'string') return { device: text };
  const values = text.split('|');
  return Object.fromEntries(AUDIENCE_FIELDS.map((field, i) => [field, values[i]]));
}

/** What is queued of an event: all but the day and hour, which the processor derives again. */
type QueuedFields = Omit<TrackedEvent, 'day' | 'hour'>;

/** An event as queued (see the module comment). */
export function encodeQueued(event: QueuedFields): unknown[] {
  const tuple: unknown[] = [
    event.site_id,
    event.event_type,
    event.path,
    event.user_id,
    Date.parse(event.timestamp),
    event.event_id,
    Date.parse(event.received_at),
    encodeAudience(event),
  ];
  if (event.props) tuple.push(event.visit ? encodeVisit(event.visit) : null, event.props);
  else if (event.visit) tuple.push(encodeVisit(event.visit));
  else if (tuple[tuple.length - 1] === '') tuple.pop();
  return tuple;
}

/** Whether a queued value is one event in tuple form (an array starting with the site id). */
export const isQueuedTuple = (value: unknown): value is unknown[] => Array.isArray(value) && typeof value[0] === 'string';

/** An epoch-ms time as the ISO string the event schema checks; anything else as it is. */
function isoOf(value: unknown): unknown {
  if (typeof value !== 'number') return value;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : at.toISOString();
}

/** One queued event in the object form the event schema validates (tuples unpacked, objects as they are). */
export function decodeQueued(value: unknown): unknown {
  if (!isQueuedTuple(value)) return value;
  const [site_id, event_type, path, user_id, timestamp, event_id, received_at, audience, visit, props] = value;
  return {
    site_id,
    event_type,
    path,
    user_id,
    timestamp: isoOf(timestamp),
    event_id,
    received_at: isoOf(received_at),
    ...decodeAudience(audience),
    ...(visit === undefined || visit === null ? {} : { visit }),
    ...(props === undefined ? {} : { props }),
  };
}

const queuedSchema = z.extend(z.omit(beaconSchema, { visit: true }), {
  event_id: eventIdSchema,
  received_at: z.iso.datetime(),
  visit: z.optional(queuedVisitSchema),
  ...audienceSchema.shape,
});

/**
 * Validates one queued event, checking the time window against when it was received, not now.
 * Events queued before audiences were found have none: they count as UNKNOWN_AUDIENCE.
 */
function acceptQueued(json: unknown): ParseResult<TrackedEvent> {
  const parsed = z.safeParse(queuedSchema, decodeQueued(json));
  if (!parsed.success) return { ok: false, issues: toFieldIssues(parsed.error) };
  const { visit, device, browser, os, country, ...beacon } = parsed.data;
  const receivedAt = new Date(beacon.received_at);
  const audience = { ...UNKNOWN_AUDIENCE, ...definedOnly({ device, browser, os, country }) };
  const result = acceptBeacon(beacon, receivedAt, () => beacon.event_id, audience);
  if (!result.ok) return result;
  const event: TrackedEvent = { ...result.value, received_at: receivedAt.toISOString() };
  if (visit) event.visit = visit;
  return { ok: true, value: event };
}

function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * Validates a queue message body again (the processor trusts nothing it reads): one event (a
 * tuple, see the module comment, or an object as earlier versions queued it) or several packed into
 * one message (a JSON array of them). A message is valid as a whole or not at all.
 */
export function parseQueuedEvents(body: string): ParseResult<TrackedEvent[]> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, issues: [{ field: '(body)', message: 'is not valid JSON' }] };
  }
  if (!Array.isArray(json) || isQueuedTuple(json)) {
    const result = acceptQueued(json);
    return result.ok ? { ok: true, value: [result.value] } : result;
  }
  if (json.length === 0) return { ok: false, issues: [{ field: '(body)', message: 'must hold at least one event' }] };
  return acceptAll(json, acceptQueued);
}

/**
 * The queue message body for one accepted event, in its short form (see the module comment); its day
 * is derived again from the timestamp.
 */
export function toQueueMessage(event: TrackedEvent): string {
  return JSON.stringify(encodeQueued(event));
}

/**
 * Packs accepted events into as few queue message bodies as fit in `maxBytes` each (UTF-8): one
 * event alone is its tuple, several are a JSON array of them. Throws if one event alone cannot fit.
 */
export function toQueueMessages(events: readonly TrackedEvent[], maxBytes: number): string[] {
  const messages: string[] = [];
  const body = (parts: string[]) => (parts.length === 1 ? parts[0]! : `[${parts.join(',')}]`);
  let parts: string[] = [];
  let bytes = 0;
  for (const event of events) {
    const part = toQueueMessage(event);
    const size = Buffer.byteLength(part);
    if (size + 2 > maxBytes) throw new RangeError(`a queued event of ${size} bytes does not fit in a message of ${maxBytes}`);
    // An array of n + 1 parts: their bytes, n commas and two brackets.
    if (parts.length && bytes + size + parts.length + 2 > maxBytes) {
      messages.push(body(parts));
      parts = [];
      bytes = 0;
    }
    parts.push(part);
    bytes += size;
  }
  if (parts.length) messages.push(body(parts));
  return messages;
}
