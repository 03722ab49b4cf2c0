import { beforeAll, describe, expect, it, vi } from 'vitest';
import { json, readRequest, type HttpResponse, type ProxyEventLike } from '../../functions/commons/http.ts';
import { TRACKER_SCRIPT_GLOBAL } from '../../infra/tracker-script.ts';
import { httpApiEvent, lambdaContext } from '../support/events.ts';

/** A function URL's event (payload format 2.0): route key `$default` whatever the method and path. */
function functionUrlEvent(method: string, path: string, body?: string): ProxyEventLike {
  return { ...httpApiEvent({ method, path, body, headers: { 'content-type': 'application/json' } }), routeKey: '$default' };
}

let functionUrlHandler: typeof import('../../functions/ingest/function-url.ts').functionUrlHandler;

beforeAll(async () => {
  // The bundle defines the script; here the module reads it from a global when first imported.
  vi.stubGlobal(TRACKER_SCRIPT_GLOBAL, '/* t.js */');
  ({ functionUrlHandler } = await import('../../functions/ingest/function-url.ts'));
});

describe('readRequest with a function URL event', () => {
  it('takes the route from rawPath, as the route key is $default', () => {
    // Act
    const request = readRequest(functionUrlEvent('POST', '/events', '[]'));

    // Assess
    expect(request.route).toBe('/events');
  });
});

describe('functionUrlHandler', () => {
  const ingested: ProxyEventLike[] = [];
  const ingest = async (event: ProxyEventLike): Promise<HttpResponse> => {
    ingested.push(event);
    return json(202, { status: 'accepted' }, { 'access-control-allow-origin': '*' });
  };
  const context = lambdaContext();

  it.each(['/event', '/events'])('hands POST %s to ingestion and leaves CORS headers to the URL configuration', async (path) => {
    // Act
    const response = await functionUrlHandler(ingest)(functionUrlEvent('POST', path, '{}'), context);

    // Assess
    expect(response.statusCode).toBe(202);
    expect(ingested.at(-1)?.rawPath).toBe(path);
    expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it('answers GET /t.js with the beacon script', async () => {
    // Act
    const response = await functionUrlHandler(ingest)(functionUrlEvent('GET', '/t.js'), context);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/javascript/);
    expect(response.body).toBe('/* t.js */');
  });

  it.each([
    ['GET', '/event'],
    ['POST', '/t.js'],
    ['GET', '/stats'],
    ['DELETE', '/events'],
    ['GET', '/'],
  ])('answers %s %s with a 404 JSON error and does not ingest', async (method, path) => {
    // Prepare
    const before = ingested.length;

    // Act
    const response = await functionUrlHandler(ingest)(functionUrlEvent(method, path), context);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'not_found', message: `No such route: ${method} ${path}` } });
    expect(ingested).toHaveLength(before);
  });
});
