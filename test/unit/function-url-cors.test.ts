import { describe, expect, it } from 'vitest';
import { preflightHeaders, withCorsHeaders } from '../../local/function-url-cors.ts';
import type { FunctionUrlCors } from '../../local/template-function-urls.ts';

const anyOrigin: FunctionUrlCors = { allowOrigins: ['*'], allowMethods: ['POST', 'GET'], allowHeaders: ['content-type'], exposeHeaders: [], allowCredentials: false, maxAge: 86_400 };
const oneOrigin: FunctionUrlCors = { ...anyOrigin, allowOrigins: ['https://shop.example'], allowCredentials: true };
const preflight = (origin: string, method = 'POST', requestHeaders = 'content-type') => ({
  origin,
  'access-control-request-method': method,
  'access-control-request-headers': requestHeaders,
});

describe('the local function URL CORS (as Lambda applies a URL configuration)', () => {
  it('answers a preflight of an allowed origin, method and header with the configuration', () => {
    // Act
    const headers = preflightHeaders(anyOrigin, 'OPTIONS', preflight('https://www.example.com'));

    // Assess
    expect(headers).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'POST,GET',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '86400',
      vary: 'Origin',
    });
  });

  it.each([
    ['an origin not listed', preflight('https://other.example')],
    ['a method not allowed', preflight('https://shop.example', 'DELETE')],
    ['a header not allowed', preflight('https://shop.example', 'POST', 'content-type, x-secret')],
  ])('answers a preflight with %s without CORS headers', (_name, request) => {
    expect(preflightHeaders(oneOrigin, 'OPTIONS', request)).toEqual({});
  });

  it('passes an OPTIONS request that is no preflight to the function', () => {
    expect(preflightHeaders(anyOrigin, 'OPTIONS', { origin: 'https://www.example.com' })).toBeUndefined();
    expect(preflightHeaders(anyOrigin, 'POST', preflight('https://www.example.com'))).toBeUndefined();
  });

  it("puts the configuration's headers in place of the function's on an answer to an allowed origin", () => {
    // Act
    const headers = withCorsHeaders(oneOrigin, 'https://shop.example', { 'content-type': 'application/json', 'Access-Control-Allow-Origin': '*' });

    // Assess
    expect(headers).toEqual({
      'content-type': 'application/json',
      'access-control-allow-origin': 'https://shop.example',
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    });
  });

  it('leaves an answer to a request without an allowed Origin as the function gave it', () => {
    const response = { 'content-type': 'application/json' };
    expect(withCorsHeaders(oneOrigin, undefined, response)).toEqual(response);
    expect(withCorsHeaders(oneOrigin, 'https://other.example', response)).toEqual(response);
  });
});
