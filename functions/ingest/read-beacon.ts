import { randomUUID } from 'node:crypto';
import type { Audience } from '../domain/audience.ts';
import { acceptBatch, acceptBeacon, type TrackedEvent } from '../domain/event.ts';
import { HttpError, type HttpRequest } from '../commons/http.ts';

/** POST /event: one event. */
export const MAX_BODY_BYTES = 16 * 1024;
/** POST /events: up to 100 events. */
export const MAX_BATCH_BODY_BYTES = 256 * 1024;
/** sendBeacon posts strings as text/plain, which needs no CORS preflight. */
const ACCEPTED_TYPES = new Set(['application/json', 'text/plain']);

/** The JSON body of an ingestion request: 415 for another media type, 413 over `maxBytes`, 400 for bad JSON. */
function readJsonBody(request: HttpRequest, maxBytes: number): unknown {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!ACCEPTED_TYPES.has(mediaType)) {
    throw new HttpError(415, 'unsupported_media_type', 'Content-Type must be application/json or text/plain');
  }
  if (request.body.length > maxBytes) {
    throw new HttpError(413, 'payload_too_large', `Body must be at most ${maxBytes} bytes`);
  }
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'Body is not valid JSON');
  }
}

/**
 * Turns a POST /event request into an accepted event, or throws the HttpError the client
 * gets: 415 for another media type, 413 over 16 KB, 400 for bad JSON or fields.
 */
export function readBeacon(request: HttpRequest, receivedAt: Date, audience?: Audience, newId: () => string = randomUUID): TrackedEvent {
  const result = acceptBeacon(readJsonBody(request, MAX_BODY_BYTES), receivedAt, newId, audience);
  if (!result.ok) throw new HttpError(400, 'invalid_event', 'The event has invalid fields', result.issues);
  return result.value;
}

/**
 * Turns a POST /events request (a JSON array of 1-100 events, at most 256 KB) into accepted
 * events, all or none: 400 `invalid_event` names each bad element by index (`[3].path`).
 */
export function readBatch(request: HttpRequest, receivedAt: Date, audience?: Audience, newId: () => string = randomUUID): TrackedEvent[] {
  const result = acceptBatch(readJsonBody(request, MAX_BATCH_BODY_BYTES), receivedAt, newId, audience);
  if (!result.ok) throw new HttpError(400, 'invalid_event', 'The batch has invalid events; none was accepted', result.issues);
  return result.value;
}
