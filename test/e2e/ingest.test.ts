import { describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/http-client.ts';
import { beacon } from '../support/factories.ts';

const api = apiClient(inject('baseUrl'));

const expectError = (response: { status: number; body: any }, status: number, code: string) => {
  expect(response.status).toBe(status);
  expect(response.body.error.code).toBe(code);
  expect(typeof response.body.error.message).toBe('string');
};

describe('POST /event', () => {
  it('accepts a valid event with 202 and a generated event id', async () => {
    const response = await api.postEvent(beacon({ site_id: 'e2e-ingest' }));
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ status: 'accepted', event_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('echoes the client event_id', async () => {
    const response = await api.postEvent(beacon({ site_id: 'e2e-ingest', event_id: 'client-key-1' }));
    expect(response.body).toEqual({ status: 'accepted', event_id: 'client-key-1' });
  });

  it('accepts text/plain as browsers send with sendBeacon', async () => {
    const response = await api.postEvent(beacon({ site_id: 'e2e-ingest' }), 'text/plain;charset=UTF-8');
    expect(response.status).toBe(202);
  });

  it('answers 400 invalid_json for a body that is not JSON', async () => {
    expectError(await api.post('event', '{"site_id":'), 400, 'invalid_json');
  });

  it('answers 400 invalid_event naming each bad field', async () => {
    const response = await api.postEvent(beacon({ path: 'pricing', timestamp: 'yesterday' }));
    expectError(response, 400, 'invalid_event');
    expect(response.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['path', 'timestamp']);
  });

  it('answers 400 invalid_event for a timestamp far in the future', async () => {
    const response = await api.postEvent(beacon({ timestamp: new Date(Date.now() + 3_600_000).toISOString() }));
    expectError(response, 400, 'invalid_event');
  });

  it('answers 413 payload_too_large over 16 KB', async () => {
    expectError(await api.postEvent(beacon({ padding: 'x'.repeat(17 * 1024) })), 413, 'payload_too_large');
  });

  it('answers 415 unsupported_media_type for a form post', async () => {
    expectError(await api.post('event', 'site_id=x', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
  });
});
