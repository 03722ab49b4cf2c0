import { describe, expect, it } from 'vitest';
import { readBeacon } from '../../functions/ingest/read-beacon.ts';
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
