import * as z from 'zod/mini';
import { UNKNOWN_AUDIENCE, type Audience } from './audience.ts';
import type { TrackedEvent } from './event.ts';
import { DIRECT, NONE, visitMarksSchema, type VisitMarks } from './visit.ts';

/**
 * How an event travels on the queue: short, because the processor's batches are capped by
 * Lambda's 6 MB payload, and the larger the batch, the fewer times each counter item is
 * rewritten (docs/cost.md). An event is a tuple
 *
 *   [site_id, event_type, path, user_id, timestamp (epoch ms), event_id, received_at (epoch ms),
 *    audience, visit]
 *
 * where `audience` is `device|browser|os|country` ("" for UNKNOWN_AUDIENCE) and `visit` a tuple
 * `[page, gap_ms, entry_page, source, utm_medium, utm_campaign]`; trailing defaults are left out
 * (no visit, the unknown audience; a visit's `(direct)`, `(none)`, `(none)`). The processor also
 * reads the object form queued by earlier versions (field names as in TrackedEvent).
 */

const VISIT_FIELDS = ['page', 'gap_ms', 'entry_page', 'source', 'utm_medium', 'utm_campaign'] as const;
const VISIT_DEFAULTS: readonly unknown[] = [undefined, undefined, undefined, DIRECT, NONE, NONE];

/** The visit as queued. */
export function encodeVisit(visit: VisitMarks): Array<string | number> {
  const tuple: Array<string | number> = VISIT_FIELDS.map((field) => visit[field]);
  while (tuple.length > 3 && tuple[tuple.length - 1] === VISIT_DEFAULTS[tuple.length - 1]) tuple.pop();
  return tuple;
}

/** The queued visit tuple, validated as visit marks. */
export const queuedVisitSchema = z.pipe(
  z.pipe(
    z.array(z.union([z.string(), z.number()])).check(z.minLength(3), z.maxLength(VISIT_FIELDS.length)),
    z.transform((tuple) => Object.fromEntries(VISIT_FIELDS.map((field, i) => [field, tuple[i] ?? VISIT_DEFAULTS[i]]))),
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
  if (event.visit) tuple.push(encodeVisit(event.visit));
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
  const [site_id, event_type, path, user_id, timestamp, event_id, received_at, audience, visit] = value;
  return {
    site_id,
    event_type,
    path,
    user_id,
    timestamp: isoOf(timestamp),
    event_id,
    received_at: isoOf(received_at),
    ...decodeAudience(audience),
    ...(visit === undefined ? {} : { visit }),
  };
}
