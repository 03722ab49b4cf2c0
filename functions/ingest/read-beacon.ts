import { randomUUID } from 'node:crypto';
import { acceptBeacon, type TrackedEvent } from '../domain/event.ts';
import { HttpError, type HttpRequest } from '../commons/http.ts';

export const MAX_BODY_BYTES = 16 * 1024;
/** sendBeacon posts strings as text/plain, which needs no CORS preflight. */
const ACCEPTED_TYPES = new Set(['application/json', 'text/plain']);

/**
 * Turns a POST /event request into an accepted event, or throws the HttpError the client
 * gets: 415 for another media type, 413 over 16 KB, 400 for bad JSON or fields.
 */
export function readBeacon(request: HttpRequest, receivedAt: Date, newId: () => string = randomUUID): TrackedEvent {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!ACCEPTED_TYPES.has(mediaType)) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'Content-Type must be application/json or text/plain',
    );
  }
  if (request.body.length > MAX_BODY_BYTES) {
    throw new HttpError(413, 'payload_too_large', `Body must be at most ${MAX_BODY_BYTES} bytes`);
  }
  let input: unknown;
  try {
    input = JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'Body is not valid JSON');
  }
  const result = acceptBeacon(input, receivedAt, newId);
  if (!result.ok) throw new HttpError(400, 'invalid_event', 'The event has invalid fields', result.issues);
  return result.value;
}
