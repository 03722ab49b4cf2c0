import { ResponseType, type RestApi } from 'aws-cdk-lib/aws-apigateway';

/** The error codes API Gateway's own answers get, in the functions' shape `{"error":{"code","message"}}`. */
export const GATEWAY_ERROR_CODES = {
  notFound: 'not_found',
  throttled: 'throttled',
  payloadTooLarge: 'payload_too_large',
  badRequest: 'bad_request',
  internal: 'internal_error',
} as const;

/** API Gateway's `$context.error.messageString`: its message, already a quoted JSON string. */
const MESSAGE = '$context.error.messageString';

const body = (code: string, message: string): string => `{"error":{"code":"${code}","message":${message}}}`;
const quoted = (text: string): string => JSON.stringify(text);

/**
 * Errors API Gateway answers itself (no such route, stage throttling, a body over its limit,
 * anything else 4xx or 5xx) in the same JSON shape as the functions' errors, and readable by
 * browsers on other sites (CORS). An unknown route is a 404, not API Gateway's 403 "Missing
 * Authentication Token". HTTP APIs cannot shape these; see the README.
 */
export function jsonGatewayResponses(api: RestApi): void {
  const responseHeaders = { 'Access-Control-Allow-Origin': "'*'" };
  const add = (id: string, type: ResponseType, template: string, statusCode?: string) =>
    api.addGatewayResponse(id, { type, statusCode, responseHeaders, templates: { 'application/json': template } });
  add('NotFound', ResponseType.MISSING_AUTHENTICATION_TOKEN, body(GATEWAY_ERROR_CODES.notFound, quoted('No such route')), '404');
  add('Throttled', ResponseType.THROTTLED, body(GATEWAY_ERROR_CODES.throttled, quoted('Too many requests; retry later')));
  add('TooLarge', ResponseType.REQUEST_TOO_LARGE, body(GATEWAY_ERROR_CODES.payloadTooLarge, MESSAGE));
  add('Default4xx', ResponseType.DEFAULT_4XX, body(GATEWAY_ERROR_CODES.badRequest, MESSAGE));
  add('Default5xx', ResponseType.DEFAULT_5XX, body(GATEWAY_ERROR_CODES.internal, MESSAGE));
}
