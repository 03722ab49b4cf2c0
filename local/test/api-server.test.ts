import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProxyEvent, isBinaryContentType, type IncomingRequestData } from '../api-event.ts';
import { gatewayError, proxyResultToHttp, type HttpResponse } from '../api-responses.ts';
import { matchRoute } from '../api-routes.ts';
import { startApiServer, type ApiServer } from '../api-server.ts';
import { FunctionHost } from '../function-host.ts';
import { lambdaEnvironment } from '../lambda-environment.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { loadTemplate, localBindings, resolveEnvironment, type RestApiModel, type RouteModel } from '../template.ts';
import { fixtureAssembly } from './fixtures/synth-fixture.ts';

const route = (httpMethod: string, resourcePath: string): RouteModel => ({
  apiLogicalId: 'Api',
  methodLogicalId: `${httpMethod}${resourcePath}`,
  resourceLogicalId: resourcePath === '/' ? '(root)' : `Res${resourcePath.replace(/\W/g, '')}`,
  resourcePath,
  httpMethod,
  authorizationType: 'NONE',
  apiKeyRequired: false,
  integration: { type: 'AWS_PROXY', functionLogicalId: 'Fn', timeoutMs: 29_000 },
});

describe('matchRoute', () => {
  const routes = [
    route('GET', '/'),
    route('GET', '/items/{id}'),
    route('GET', '/items/special'),
    route('ANY', '/files/{proxy+}'),
    route('POST', '/event'),
  ];
  const match = (method: string, path: string) => {
    const m = matchRoute(routes, method, path);
    return m && { route: `${m.route.httpMethod} ${m.route.resourcePath}`, params: m.pathParameters };
  };

  it('prefers static segments, then {param}, then {greedy+}', () => {
    expect(match('GET', '/items/special')).toEqual({ route: 'GET /items/special', params: {} });
    expect(match('GET', '/items/a%20b')).toEqual({ route: 'GET /items/{id}', params: { id: 'a b' } });
    expect(match('DELETE', '/files/a/b/c.txt')).toEqual({ route: 'ANY /files/{proxy+}', params: { proxy: 'a/b/c.txt' } });
    expect(match('GET', '/')).toEqual({ route: 'GET /', params: {} });
    expect(match('POST', '/event/')).toEqual({ route: 'POST /event', params: {} });
  });

  it('matches nothing for unknown paths, wrong methods and an empty greedy part', () => {
    expect(match('GET', '/event')).toBeUndefined();
    expect(match('GET', '/nope')).toBeUndefined();
    expect(match('GET', '/files')).toBeUndefined();
    expect(match('GET', '/items/a/b')).toBeUndefined();
  });
});

describe('gatewayError', () => {
  const fallback = (): HttpResponse => ({ statusCode: 403, headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{"message":"Missing Authentication Token"}') });

  it("answers with API Gateway's own body when the API has no gateway responses", () => {
    // Act
    const response = gatewayError({ gatewayResponses: {} }, 'MISSING_AUTHENTICATION_TOKEN', fallback(), 'Missing Authentication Token');

    // Assess
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body.toString())).toEqual({ message: 'Missing Authentication Token' });
  });

  it('uses the response of the type, else DEFAULT_4XX, with its status, headers and template', () => {
    // Prepare
    const gatewayResponses = {
      MISSING_AUTHENTICATION_TOKEN: { statusCode: 404, headers: { 'Access-Control-Allow-Origin': '*' }, template: '{"error":{"code":"not_found","message":"No such route"}}' },
      DEFAULT_4XX: { headers: {}, template: '{"error":{"code":"$context.error.responseType","message":$context.error.messageString}}' },
    };

    // Act
    const missing = gatewayError({ gatewayResponses }, 'MISSING_AUTHENTICATION_TOKEN', fallback(), 'Missing Authentication Token');
    const tooLarge = gatewayError({ gatewayResponses }, 'REQUEST_TOO_LARGE', { ...fallback(), statusCode: 413 }, 'Request "Too" Long');

    // Assess
    expect([missing.statusCode, missing.headers['Access-Control-Allow-Origin']]).toEqual([404, '*']);
    expect(JSON.parse(missing.body.toString())).toEqual({ error: { code: 'not_found', message: 'No such route' } });
    expect(tooLarge.statusCode).toBe(413);
    expect(JSON.parse(tooLarge.body.toString())).toEqual({ error: { code: 'REQUEST_TOO_LARGE', message: 'Request "Too" Long' } });
  });
});

describe('buildProxyEvent', () => {
  const api: RestApiModel = { logicalId: 'Api', name: 'Api', id: 'abcdefghij', rootResourceId: 'abcdefroot', binaryMediaTypes: [], stages: [{ logicalId: 'S', name: 'v1', variables: {} }], routes: [], gatewayResponses: {} };
  const request = (over: Partial<IncomingRequestData> = {}): IncomingRequestData => ({
    method: 'POST',
    path: '/items/42',
    rawPath: '/v1/items/42',
    query: '',
    rawHeaders: ['Host', '127.0.0.1:3000', 'Content-Type', 'application/json', 'X-Multi', 'a', 'x-multi', 'b', 'User-Agent', 'test/1'],
    body: Buffer.from('{"a":1}'),
    sourceIp: '127.0.0.1',
    localPort: 3000,
    receivedAt: new Date('2025-11-12T19:30:01.000Z'),
    ...over,
  });
  const match = { route: route('POST', '/items/{id}'), pathParameters: { id: '42' } };

  it('has the REST (v1) proxy event shape', () => {
    const event = buildProxyEvent(api, 'v1', match, request({ query: 'a=1&a=2&b=x%20y&flag' }), { accountId: '000000000000', requestId: 'req-1' });
    expect(event).toMatchObject({
      resource: '/items/{id}',
      path: '/items/42',
      httpMethod: 'POST',
      queryStringParameters: { a: '2', b: 'x y', flag: '' },
      multiValueQueryStringParameters: { a: ['1', '2'], b: ['x y'], flag: [''] },
      pathParameters: { id: '42' },
      stageVariables: null,
      body: '{"a":1}',
      isBase64Encoded: false,
    });
    // headers keep the first spelling of a name; the single-value map holds the last value
    expect(event.headers).toMatchObject({ Host: '127.0.0.1:3000', 'Content-Type': 'application/json', 'X-Multi': 'b', 'X-Forwarded-For': '127.0.0.1', 'X-Forwarded-Proto': 'http', 'X-Forwarded-Port': '3000' });
    expect(event.multiValueHeaders).toMatchObject({ 'X-Multi': ['a', 'b'], 'User-Agent': ['test/1'] });
    expect(event.headers!['X-Amzn-Trace-Id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.requestContext).toMatchObject({
      resourcePath: '/items/{id}',
      httpMethod: 'POST',
      path: '/v1/items/42',
      accountId: '000000000000',
      protocol: 'HTTP/1.1',
      stage: 'v1',
      requestId: 'req-1',
      requestTime: '12/Nov/2025:19:30:01 +0000',
      requestTimeEpoch: Date.parse('2025-11-12T19:30:01.000Z'),
      apiId: 'abcdefghij',
      domainName: '127.0.0.1',
      identity: { sourceIp: '127.0.0.1', userAgent: 'test/1', accessKey: null, user: null },
    });
  });

  it('uses null for absent query strings, path parameters and bodies', () => {
    const event = buildProxyEvent(api, 'v1', { route: route('GET', '/'), pathParameters: {} }, request({ method: 'GET', body: Buffer.alloc(0) }), { accountId: '0', requestId: 'r' });
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
    expect(event.pathParameters).toBeNull();
    expect(event.body).toBeNull();
    expect(event.isBase64Encoded).toBe(false);
  });

  it('base64-encodes binary bodies', () => {
    const bytes = Buffer.from([0, 255, 1, 254]);
    const rawHeaders = ['Content-Type', 'application/octet-stream'];
    const event = buildProxyEvent(api, 'v1', match, request({ rawHeaders, body: bytes }), { accountId: '0', requestId: 'r' });
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, 'base64')).toEqual(bytes);
  });

  it('decides binary by the API binaryMediaTypes when it has some, else by the content type', () => {
    expect(isBinaryContentType('application/json; charset=utf-8', [])).toBe(false);
    expect(isBinaryContentType('text/plain;charset=UTF-8', [])).toBe(false);
    expect(isBinaryContentType('application/vnd.api+json', [])).toBe(false);
    expect(isBinaryContentType('image/png', [])).toBe(true);
    expect(isBinaryContentType(undefined, [])).toBe(false);
    expect(isBinaryContentType('image/png', ['application/octet-stream'])).toBe(false);
    expect(isBinaryContentType('image/png', ['image/*'])).toBe(true);
    expect(isBinaryContentType('text/plain', ['*/*'])).toBe(true);
  });
});

describe('proxyResultToHttp', () => {
  it('merges headers and multiValueHeaders and defaults Content-Type to application/json', () => {
    const response = proxyResultToHttp({ statusCode: 201, headers: { 'X-A': '1', 'set-cookie': 'x' }, multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] }, body: 'hi' })!;
    expect(response.statusCode).toBe(201);
    expect(response.headers).toEqual({ 'X-A': '1', 'Set-Cookie': ['a=1', 'b=2'], 'Content-Type': 'application/json' });
    expect(response.body.toString()).toBe('hi');
  });

  it('decodes base64 bodies', () => {
    const response = proxyResultToHttp({ statusCode: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from([1, 2, 3]).toString('base64'), isBase64Encoded: true })!;
    expect([...response.body]).toEqual([1, 2, 3]);
    expect(response.headers).toEqual({ 'content-type': 'image/png' });
  });

  it('rejects malformed results (API Gateway answers 502)', () => {
    for (const bad of [null, 'text', [], {}, { statusCode: 'abc' }, { statusCode: 200, body: { a: 1 } }, { statusCode: 200, headers: { a: { b: 1 } } }, { statusCode: 200, multiValueHeaders: { a: 'x' } }]) {
      expect(proxyResultToHttp(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});

describe('API server with a bundled function', () => {
  let server: ApiServer;
  let host: FunctionHost;
  let base: string;

  beforeAll(async () => {
    const model = loadTemplate(await fixtureAssembly());
    const api = Object.values(model.restApis)[0]!;
    const fn = Object.values(model.functions).find((f) => f.logicalId.startsWith('FrontFunction'))!;
    const bindings = localBindings(model, { sqsEndpoint: 'http://127.0.0.1:9' });
    host = new FunctionHost({
      fn,
      functionArn: bindings.functions[fn.logicalId]!.arn,
      environment: lambdaEnvironment({ fn, variables: resolveEnvironment(model, fn, bindings), region: 'us-east-1', dynamodbEndpoint: 'http://127.0.0.1:9', sqsEndpoint: 'http://127.0.0.1:9' }),
      moduleFallbackDir: PROJECT_ROOT,
      log: () => {},
    });
    server = await startApiServer({ api, functions: { [fn.logicalId]: host }, port: 0, accountId: model.accountId, region: model.region });
    base = server.url;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await host?.stop();
  });

  const echo = async (url: string, init?: RequestInit) => {
    const response = await fetch(url, init);
    return { status: response.status, headers: response.headers, json: (await response.json()) as any };
  };

  it('serves routes with and without the stage prefix', async () => {
    const withStage = await echo(`${base}/v1/echo?q=1`, { method: 'POST', body: 'plain', headers: { 'content-type': 'text/plain' } });
    const without = await echo(`${base}/echo?q=1`);
    expect(withStage.status).toBe(200);
    expect(withStage.json.event).toMatchObject({ resource: '/echo', path: '/echo', httpMethod: 'POST', body: 'plain', queryStringParameters: { q: '1' } });
    expect(withStage.json.event.requestContext).toMatchObject({ stage: 'v1', path: '/v1/echo' });
    expect(without.json.event).toMatchObject({ path: '/echo', httpMethod: 'GET', body: null });
    expect(withStage.headers.get('x-amzn-requestid')).toBe(withStage.json.event.requestContext.requestId);
    // the function's multiValueHeaders come back as repeated headers
    expect(withStage.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('passes path parameters, greedy paths and binary bodies', async () => {
    const item = await echo(`${base}/v1/files/a/b%20c.txt`, { method: 'PUT', body: new Uint8Array([0, 1, 2, 255]), headers: { 'content-type': 'application/octet-stream' } });
    expect(item.json.event).toMatchObject({ resource: '/files/{proxy+}', pathParameters: { proxy: 'a/b c.txt' }, isBase64Encoded: true, body: Buffer.from([0, 1, 2, 255]).toString('base64') });
  });

  it('answers unknown routes and methods like API Gateway (403 Missing Authentication Token)', async () => {
    for (const [method, path] of [
      ['GET', '/v1/nope'],
      ['DELETE', '/v1/echo'],
      ['GET', '/other-stage/echo'],
    ]) {
      const response = await fetch(`${base}${path}`, { method });
      expect(response.status).toBe(403);
      expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
      expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    }
  });

  it('answers 502 Internal server error when the function throws, returns garbage or times out', async () => {
    for (const path of ['/v1/echo?fail=throw', '/v1/echo?fail=malformed', '/v1/slow?ms=4000']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(502);
      expect(await response.text()).toBe('{"message": "Internal server error"}');
    }
  });

  it('answers CORS preflights from the MOCK integration', async () => {
    const response = await fetch(`${base}/v1/items/42`, { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('rejects bodies over 10 MB with 413', async () => {
    const response = await fetch(`${base}/v1/echo`, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1, 97), headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(413);
  });
});
