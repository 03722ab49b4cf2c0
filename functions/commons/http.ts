import type { MiddlewareObj } from '@middy/core';
import type { FieldIssue } from '../domain/parse-result.ts';
import { logger } from './observability.ts';

/** An error a client caused or should see: rendered as `{ error: { code, message, details? } }`. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: FieldIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A proxy response, valid for both API Gateway payload formats. */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * On every JSON answer, errors included: never cached, and `nosniff` so that a browser never
 * reads a body (which may echo what a client sent) as anything but JSON.
 */
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/** A JSON response: every function's answers and errors are built here (JSON_HEADERS). */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(error: HttpError): HttpResponse {
  const body = { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
  return json(error.statusCode, body, error.headers);
}

/** Lets any web page post events (ingestion is open; stats are not called from browsers). */
export const CORS_HEADERS = { 'access-control-allow-origin': '*' };

/**
 * middy middleware: HttpErrors become their JSON response; anything else is logged and
 * becomes a 500 that leaks nothing. `headers` go on every error response.
 */
export function httpErrors(headers: Record<string, string> = {}): MiddlewareObj<ProxyEventLike, HttpResponse> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof HttpError) {
        const response = errorResponse(error);
        request.response = { ...response, headers: { ...response.headers, ...headers } };
        return;
      }
      logger.error('unhandled error', error as Error);
      request.response = json(500, { error: { code: 'internal_error', message: 'Internal server error' } }, headers);
    },
  };
}

/** A request reduced to what the handlers read, whatever the API Gateway payload format. */
export interface HttpRequest {
  /** The route's path, e.g. `/events`: REST `resource`, else the HTTP API's `routeKey` or `rawPath`. */
  route: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  query: Record<string, string | undefined>;
  body: Buffer;
  /** The address that connected to API Gateway (a visitor's browser, or a server posting for its visitors); `''` if absent. */
  sourceIp: string;
}

export interface ProxyEventLike {
  /** REST API (payload 1.0): the resource path, e.g. `/events`. */
  resource?: string;
  /** HTTP API (payload 2.0): `POST /events` (a function URL's: `$default`), and the request path (with the stage, if not `$default`). */
  routeKey?: string;
  rawPath?: string;
  headers?: Record<string, string | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  /** REST API: `identity.sourceIp`; HTTP API: `http.sourceIp`. */
  requestContext?: {
    identity?: { sourceIp?: string | null } | null;
    http?: { sourceIp?: string | null; method?: string | null } | null;
  } | null;
}

/** Reads headers, query, body and source IP from an API Gateway proxy event (REST v1 or HTTP v2). */
export function readRequest(event: ProxyEventLike): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const raw = event.body ?? '';
  return {
    route: event.resource ?? (event.routeKey === '$default' ? undefined : event.routeKey?.replace(/^\S+ /, '')) ?? event.rawPath ?? '',
    headers,
    query: { ...(event.queryStringParameters ?? {}) },
    body: Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8'),
    sourceIp: event.requestContext?.identity?.sourceIp ?? event.requestContext?.http?.sourceIp ?? '',
  };
}
