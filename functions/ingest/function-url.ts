import type { Context } from 'aws-lambda';
import { routeOf } from '../api/routes.ts';
import { errorResponse, HttpError, readRequest, type HttpResponse, type ProxyEventLike } from '../commons/http.ts';
import { SCRIPT_RESPONSE } from '../assets/script.ts';

type IngestHandler = (event: ProxyEventLike, context: Context) => Promise<HttpResponse>;

/** Header names the function URL's CORS configuration sets (infra/function-url-ingestion.ts). */
const URL_CORS_HEADER = /^access-control-/i;

/** `response` without CORS headers: Lambda adds the URL's own to every answer, and one set is enough. */
function withoutCors(response: HttpResponse): HttpResponse {
  return { ...response, headers: Object.fromEntries(Object.entries(response.headers).filter(([name]) => !URL_CORS_HEADER.test(name))) };
}

/**
 * The ingestion function URL's entry (`-c ingestion=function-url`, payload format 2.0): a
 * function URL sends every method and path to the function, so this answers POST /event and
 * POST /events with `ingest`, GET /t.js with the beacon script (which posts to `event` next to
 * its own URL, so to this URL), and anything else with a 404 not_found, as the API answers an
 * unknown route. Preflights (OPTIONS) never arrive: the URL's CORS configuration answers them.
 */
export function functionUrlHandler(ingest: IngestHandler): IngestHandler {
  return async (event, context) => {
    const { route } = readRequest(event);
    const method = event.requestContext?.http?.method ?? '';
    if (method === 'POST' && routeOf('ingest', route)) return withoutCors(await ingest(event, context));
    if ((method === 'GET' || method === 'HEAD') && routeOf('assets', route) === 'script') return SCRIPT_RESPONSE;
    return errorResponse(new HttpError(404, 'not_found', `No such route: ${method} ${route}`));
  };
}
