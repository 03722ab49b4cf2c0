// HTTP responses as API Gateway (REST, v1) sends them: its own errors (shaped by the API's
// gateway responses) and a function's proxy result turned into status, headers and body.
import type { RestApiModel } from './template.ts';

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const json = (statusCode: number, body: string, errorType: string): HttpResponse => ({
  statusCode,
  headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': errorType },
  body: Buffer.from(body),
});

/**
 * API Gateway's own error of `type`, as the API's gateway responses shape it: the response for
 * that type, else DEFAULT_4XX or DEFAULT_5XX, else API Gateway's default (`fallback`). Templates
 * see `$context.error.messageString` (a JSON string) and `$context.error.responseType`.
 */
export function gatewayError(api: Pick<RestApiModel, 'gatewayResponses'>, type: string, fallback: HttpResponse, message: string): HttpResponse {
  const family = fallback.statusCode >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
  const response = api.gatewayResponses[type] ?? api.gatewayResponses[family];
  if (!response) return fallback;
  const body = (response.template ?? JSON.stringify({ message }))
    .replaceAll('$context.error.messageString', JSON.stringify(message))
    .replaceAll('$context.error.responseType', type);
  return {
    statusCode: response.statusCode ?? fallback.statusCode,
    headers: { ...fallback.headers, ...response.headers },
    body: Buffer.from(body),
  };
}

export const MISSING_AUTH_TOKEN = (): HttpResponse => json(403, '{"message":"Missing Authentication Token"}', 'MissingAuthenticationTokenException');
export const INTERNAL_SERVER_ERROR = (): HttpResponse => json(502, '{"message": "Internal server error"}', 'InternalServerErrorException');
export const ENDPOINT_TIMED_OUT = (): HttpResponse => json(504, '{"message": "Endpoint request timed out"}', 'InternalServerErrorException');
export const REQUEST_TOO_LONG = (): HttpResponse => json(413, '{"message":"Request Too Long"}', 'RequestEntityTooLargeException');

/**
 * Turns a function's proxy result into the HTTP response, as API Gateway does; a malformed
 * result (not an object, no integer statusCode, a body that is not a string) is a 502.
 */
export function proxyResultToHttp(payload: unknown): HttpResponse | undefined {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  const result = payload as Record<string, unknown>;
  const statusCode = typeof result.statusCode === 'string' ? Number(result.statusCode) : result.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') return undefined;
  const headers: Record<string, string | string[]> = {};
  const lower = new Map<string, string>();
  const set = (name: string, value: string | string[]): void => {
    const existing = lower.get(name.toLowerCase());
    if (existing) delete headers[existing];
    lower.set(name.toLowerCase(), name);
    headers[name] = value;
  };
  const scalar = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
  if (result.headers !== undefined && result.headers !== null) {
    if (typeof result.headers !== 'object') return undefined;
    for (const [name, value] of Object.entries(result.headers as Record<string, unknown>)) {
      const v = scalar(value);
      if (v === undefined) return undefined;
      set(name, v);
    }
  }
  // multiValueHeaders win over headers for the same name.
  if (result.multiValueHeaders !== undefined && result.multiValueHeaders !== null) {
    if (typeof result.multiValueHeaders !== 'object') return undefined;
    for (const [name, values] of Object.entries(result.multiValueHeaders as Record<string, unknown>)) {
      if (!Array.isArray(values)) return undefined;
      const list = values.map(scalar);
      if (list.some((v) => v === undefined)) return undefined;
      set(name, list as string[]);
    }
  }
  if (!lower.has('content-type')) set('Content-Type', 'application/json');
  const body = typeof result.body === 'string' ? result.body : '';
  const isBase64 = result.isBase64Encoded === true || result.isBase64Encoded === 'true';
  return { statusCode, headers, body: isBase64 ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8') };
}
