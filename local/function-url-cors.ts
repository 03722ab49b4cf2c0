// CORS as a Lambda function URL applies its configuration: preflights answered by the URL itself
// (the function is not invoked), and on every other answer to a request with an allowed Origin,
// the configured headers, which take precedence over any the function returned.
import type { FunctionUrlCors } from './template-function-urls.ts';

type Headers = Record<string, string | string[]>;

const allows = (list: string[], value: string, caseless = false): boolean =>
  list.includes('*') || list.some((entry) => (caseless ? entry.toLowerCase() === value.toLowerCase() : entry === value));

/** `Access-Control-Allow-Origin` for `origin`, or undefined when the configuration does not allow it. */
function allowOrigin(cors: FunctionUrlCors, origin: string | undefined): string | undefined {
  if (!origin || !allows(cors.allowOrigins, origin)) return undefined;
  return cors.allowOrigins.includes('*') && !cors.allowCredentials ? '*' : origin;
}

/**
 * The answer to a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method), or
 * undefined when the request is not one. An origin, method or header the configuration does not
 * allow gets a 200 without CORS headers, so the browser refuses the real request.
 */
export function preflightHeaders(cors: FunctionUrlCors, method: string, headers: Record<string, string>): Headers | undefined {
  const requested = headers['access-control-request-method'];
  if (method !== 'OPTIONS' || !headers.origin || !requested) return undefined;
  const origin = allowOrigin(cors, headers.origin);
  const requestedHeaders = (headers['access-control-request-headers'] ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  const allowed = origin && allows(cors.allowMethods, requested.toUpperCase()) && requestedHeaders.every((h) => allows(cors.allowHeaders, h, true));
  if (!allowed) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': cors.allowMethods.join(','),
    ...(cors.allowHeaders.length ? { 'access-control-allow-headers': cors.allowHeaders.join(',') } : {}),
    ...(cors.maxAge !== undefined ? { 'access-control-max-age': String(cors.maxAge) } : {}),
    ...(cors.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
    vary: 'Origin',
  };
}

/** `response` headers with the configuration's CORS headers in place of the function's own. */
export function withCorsHeaders(cors: FunctionUrlCors, origin: string | undefined, response: Headers): Headers {
  const allowed = allowOrigin(cors, origin);
  if (!allowed) return response;
  const kept = Object.fromEntries(Object.entries(response).filter(([name]) => !/^access-control-/i.test(name)));
  return {
    ...kept,
    'access-control-allow-origin': allowed,
    ...(cors.exposeHeaders.length ? { 'access-control-expose-headers': cors.exposeHeaders.join(',') } : {}),
    ...(cors.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
    vary: 'Origin',
  };
}
