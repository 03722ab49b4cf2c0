import { describe, expect, it } from 'vitest';
import { MAX_BATCH_BODY_BYTES, MAX_BODY_BYTES, readBatch, readBeacon } from '../../functions/ingest/read-beacon.ts';
import { HttpError, readRequest } from '../../functions/commons/http.ts';
import { beacon } from '../support/factories.ts';

const now = new Date();
const request = (body: string, contentType?: string, isBase64Encoded = false) =>
  readRequest({ headers: contentType ? { 'Content-Type': contentType } : {}, body, isBase64Encoded });

function rejection(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected an HttpError');
}

describe('readBeacon', () => {
  it.each(['application/json', 'text/plain', 'text/plain;charset=UTF-8', 'Application/JSON; charset=utf-8'])(
    'accepts %s',
    (type) => {
      expect(readBeacon(request(JSON.stringify(beacon()), type), now).site_id).toBe('site-abc-123');
    },
  );

  it('decodes a base64 body', () => {
    const body = Buffer.from(JSON.stringify(beacon())).toString('base64');
    expect(readBeacon(request(body, 'text/plain', true), now).path).toBe('/pricing');
  });

  it.each([
    [415, 'unsupported_media_type', () => request(JSON.stringify(beacon()), 'application/x-www-form-urlencoded')],
    [415, 'unsupported_media_type', () => request(JSON.stringify(beacon()))],
    [413, 'payload_too_large', () => request(JSON.stringify(beacon({ pad: 'x'.repeat(16 * 1024) })), 'application/json')],
    [400, 'invalid_json', () => request('{"site_id":', 'application/json')],
    [400, 'invalid_json', () => request('', 'text/plain')],
    [400, 'invalid_event', () => request(JSON.stringify(beacon({ path: 'nope' })), 'application/json')],
  ])('answers %i %s', (status, code, make) => {
    const error = rejection(() => readBeacon(make(), now));
    expect([error.statusCode, error.code]).toEqual([status, code]);
  });

  it('names each bad field in the details', () => {
    const error = rejection(() => readBeacon(request(JSON.stringify(beacon({ path: 'x', user_id: '' })), 'application/json'), now));
    expect(error.details?.map((d) => d.field).sort()).toEqual(['path', 'user_id']);
  });
});

describe('readBatch', () => {
  const batch = (events: unknown, contentType = 'application/json') => request(JSON.stringify(events), contentType);

  it('accepts up to 100 events as text/plain or JSON', () => {
    const events = Array.from({ length: 100 }, (_, i) => beacon({ event_id: `b-${i}` }));
    expect(readBatch(batch(events, 'text/plain'), now).map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
  });

  it.each([
    [413, 'payload_too_large', () => batch([beacon({ pad: 'x'.repeat(MAX_BATCH_BODY_BYTES) })])],
    [415, 'unsupported_media_type', () => batch([beacon()], 'application/x-www-form-urlencoded')],
    [400, 'invalid_json', () => request('[{"site_id":', 'application/json')],
    [400, 'invalid_event', () => batch(beacon())],
    [400, 'invalid_event', () => batch([])],
    [400, 'invalid_event', () => batch(Array.from({ length: 101 }, () => beacon()))],
  ])('answers %i %s', (status, code, make) => {
    const error = rejection(() => readBatch(make(), now));
    expect([error.statusCode, error.code]).toEqual([status, code]);
  });

  it('takes a body of more than 16 KB, up to 256 KB', () => {
    const events = Array.from({ length: 20 }, () => beacon({ path: `/${'p'.repeat(2000)}` }));
    expect(JSON.stringify(events).length).toBeGreaterThan(MAX_BODY_BYTES);
    expect(readBatch(batch(events), now)).toHaveLength(20);
  });

  it('names each bad element by index in the details', () => {
    const error = rejection(() => readBatch(batch([beacon(), beacon({ path: 'x' }), beacon({ user_id: '' })]), now));
    expect(error.details?.map((d) => d.field)).toEqual(['[1].path', '[2].user_id']);
  });
});
