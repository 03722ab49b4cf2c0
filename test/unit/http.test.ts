import middy from '@middy/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HttpError, httpErrors, json, readRequest, type HttpResponse, type ProxyEventLike } from '../../functions/commons/http.ts';
import { httpApiEvent, lambdaContext, restEvent as restApiEvent } from '../support/events.ts';
import { beacon } from '../support/factories.ts';
import { captureOutput } from '../support/output.ts';

const browserHeaders = {
  'Content-Type': 'application/json',
  'User-Agent': 'Mozilla/5.0',
  Origin: 'https://www.example.com',
  'X-Forwarded-For': '203.0.113.7',
};

describe('readRequest with both API Gateway payload formats', () => {
  it('reads a JSON POST the same from a REST (1.0) and an HTTP API (2.0) event', () => {
    // Prepare
    const request = { method: 'POST', path: '/event', headers: browserHeaders, body: JSON.stringify(beacon()) };

    // Act
    const fromRest = readRequest(restApiEvent(request));
    const fromHttp = readRequest(httpApiEvent(request));

    // Assess
    expect(fromHttp).toEqual(fromRest);
    expect(fromHttp.headers['content-type']).toBe('application/json');
    expect(fromHttp.headers.origin).toBe('https://www.example.com');
    expect(fromHttp.query).toEqual({});
    expect(JSON.parse(fromHttp.body.toString('utf8'))).toEqual(JSON.parse(request.body));
  });

  it('lower-cases header names however the client wrote them', () => {
    // Prepare
    const request = { method: 'POST', path: '/event', headers: { 'CONTENT-TYPE': 'text/plain;charset=UTF-8', 'x-Custom-Header': 'A' }, body: '{}' };

    // Act
    const fromRest = readRequest(restApiEvent(request));
    const fromHttp = readRequest(httpApiEvent(request));

    // Assess
    expect(fromRest.headers).toEqual({ 'content-type': 'text/plain;charset=UTF-8', 'x-custom-header': 'A' });
    expect(fromHttp.headers).toEqual(fromRest.headers);
  });

  it('decodes a base64 body to the same bytes', () => {
    // Prepare
    const bytes = Buffer.concat([Buffer.from(JSON.stringify(beacon({ path: '/café' })), 'utf8'), Buffer.from([0xff, 0x00])]);
    const request = { method: 'POST', path: '/event', headers: browserHeaders, body: bytes.toString('base64'), isBase64Encoded: true };

    // Act
    const fromRest = readRequest(restApiEvent(request));
    const fromHttp = readRequest(httpApiEvent(request));

    // Assess
    expect(fromRest.body.equals(bytes)).toBe(true);
    expect(fromHttp.body.equals(bytes)).toBe(true);
  });

  it('reads an absent query string and an absent body as empty', () => {
    // Prepare
    const request = { method: 'GET', path: '/stats', headers: { Accept: '*/*' } };
    const rest = restApiEvent(request);
    const http = httpApiEvent(request);

    // Act
    const fromRest = readRequest(rest);
    const fromHttp = readRequest(http);

    // Assess: REST gives null, HTTP leaves the fields out
    expect([rest.queryStringParameters, rest.body]).toEqual([null, null]);
    expect(['queryStringParameters' in http, 'body' in http, http.rawQueryString]).toEqual([false, false, '']);
    expect(fromHttp).toEqual(fromRest);
    expect(fromHttp.query).toEqual({});
    expect(fromHttp.body.length).toBe(0);
  });

  it('reads the query parameters of GET /stats the same', () => {
    // Prepare
    const request = { method: 'GET', path: '/stats', query: { site_id: 'site-abc-123', date: '2025-11-12', limit: '5' } };

    // Act
    const fromRest = readRequest(restApiEvent(request));
    const fromHttp = readRequest(httpApiEvent(request));

    // Assess
    expect(fromHttp).toEqual(fromRest);
    expect(fromHttp.query).toEqual({ site_id: 'site-abc-123', date: '2025-11-12', limit: '5' });
  });
});

describe('readRequest reads the source IP', () => {
  it.each([
    ['an IPv4 address', '198.51.100.23'],
    ['an IPv6 address', '2001:db8::17'],
  ])('the same from a REST (1.0) and an HTTP API (2.0) event: %s', (_, sourceIp) => {
    // Prepare
    const request = { method: 'POST', path: '/event', headers: browserHeaders, body: '{}', sourceIp };

    // Act
    const fromRest = readRequest(restApiEvent(request));
    const fromHttp = readRequest(httpApiEvent(request));

    // Assess
    expect(fromRest.sourceIp).toBe(sourceIp);
    expect(fromHttp.sourceIp).toBe(sourceIp);
  });

  it('from requestContext, not from X-Forwarded-For', () => {
    // Prepare: the header names the visitor a server posts for; the source is the server
    const request = { method: 'POST', path: '/event', headers: { ...browserHeaders, 'X-Forwarded-For': '192.0.2.1' }, body: '{}', sourceIp: '198.51.100.9' };

    // Act
    const fromRest = readRequest(restApiEvent(request));

    // Assess
    expect(fromRest.sourceIp).toBe('198.51.100.9');
    expect(fromRest.headers['x-forwarded-for']).toBe('192.0.2.1');
  });

  it('as empty when the event has no request context', () => {
    // Prepare
    const { requestContext: _, ...event } = restApiEvent({ method: 'GET', path: '/stats' });

    // Act
    const request = readRequest(event);

    // Assess
    expect(request.sourceIp).toBe('');
  });
});

describe('the ingest handler with HTTP API (2.0) events', () => {
  let handler: (event: ProxyEventLike, context: ReturnType<typeof lambdaContext>) => Promise<HttpResponse>;

  beforeAll(async () => {
    // Prepare: the handler reads QUEUE_URL, SITES_TABLE, and the region and credentials Lambda
    // gives every function, at import; none of these requests reach the queue, nor back-date
    // events (which would read the table).
    vi.stubEnv('QUEUE_URL', 'http://127.0.0.1:9/000000000000/none');
    vi.stubEnv('SITES_TABLE', 'SitesTable');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    ({ handler } = await import('../../functions/ingest/handler.ts'));
  });

  afterAll(() => {
    vi.unstubAllEnvs();
  });

  const post = (body: string, headers: Record<string, string>, isBase64Encoded = false) =>
    handler(httpApiEvent({ method: 'POST', path: '/event', headers, body, isBase64Encoded }), lambdaContext('ingest'));

  it.each([
    [415, 'unsupported_media_type', () => post(JSON.stringify(beacon()), { 'Content-Type': 'application/x-www-form-urlencoded' })],
    [415, 'unsupported_media_type', () => post(JSON.stringify(beacon()), {})],
    [413, 'payload_too_large', () => post(JSON.stringify(beacon({ pad: 'x'.repeat(16 * 1024) })), { 'Content-Type': 'application/json' })],
    [400, 'invalid_json', () => post('{"site_id":', { 'Content-Type': 'application/json' })],
    [400, 'invalid_json', () => post(Buffer.from('not json').toString('base64'), { 'Content-Type': 'text/plain' }, true)],
    [400, 'invalid_event', () => post(JSON.stringify(beacon({ path: 'nope' })), { 'Content-Type': 'text/plain;charset=UTF-8' })],
  ])('answers %i %s as JSON with the CORS header', async (status, code, send) => {
    // Act
    const response = await send();

    // Assess
    expect(response.statusCode).toBe(status);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const body = JSON.parse(response.body);
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
  });

  it('names each bad field of a base64-encoded event in the details', async () => {
    // Prepare
    const body = Buffer.from(JSON.stringify(beacon({ path: 'x', user_id: '' }))).toString('base64');

    // Act
    const response = await post(body, { 'content-type': 'application/json' }, true);

    // Assess
    expect(response.statusCode).toBe(400);
    const { error } = JSON.parse(response.body);
    expect(error.code).toBe('invalid_event');
    expect(error.details.map((issue: { field: string }) => issue.field).sort()).toEqual(['path', 'user_id']);
  });
});

describe('JSON responses and the httpErrors middleware', () => {
  const JSON_ANSWER = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  const failing = (error: unknown, headers?: Record<string, string>) =>
    middy<ProxyEventLike, HttpResponse>()
      .use(httpErrors(headers))
      .handler(async () => {
        throw error;
      });

  it('sends every JSON answer with nosniff, never cached', () => {
    expect(json(202, { status: 'accepted' }, { 'access-control-allow-origin': '*' })).toEqual({
      statusCode: 202,
      headers: { ...JSON_ANSWER, 'access-control-allow-origin': '*' },
      body: '{"status":"accepted"}',
    });
  });

  it('renders an HttpError in the error shape with nosniff, its own headers and those of the middleware', async () => {
    // Prepare
    const handler = failing(new HttpError(401, 'unauthorized', 'A key is required', undefined, { 'www-authenticate': 'Bearer' }), { 'access-control-allow-origin': '*' });

    // Act
    const response = await handler({}, lambdaContext('http'));

    // Assess
    expect(response).toEqual({
      statusCode: 401,
      headers: { ...JSON_ANSWER, 'www-authenticate': 'Bearer', 'access-control-allow-origin': '*' },
      body: JSON.stringify({ error: { code: 'unauthorized', message: 'A key is required' } }),
    });
  });

  it('turns any other error into a 500 that leaks nothing, with nosniff', async () => {
    // Prepare
    const output = captureOutput();
    const handler = failing(new Error('table secret-table not found'));

    // Act
    const response = await handler({}, lambdaContext('http')).finally(output.restore);

    // Assess
    expect(output.logs()).toContainEqual(expect.objectContaining({ level: 'ERROR', message: 'unhandled error' }));
    expect(response.statusCode).toBe(500);
    expect(response.headers).toEqual(JSON_ANSWER);
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'internal_error', message: 'Internal server error' } });
    expect(response.body).not.toContain('secret');
  });
});
