import { routeOf, type RouteOf } from '../api/routes.ts';
import { readRequest, type HttpResponse, type ProxyEventLike } from '../commons/http.ts';
import { SCRIPT_RESPONSE } from './script.ts';

/**
 * The dashboard's files (web/dashboard/). Bundling defines them as string constants
 * (infra/dashboard-assets.ts), so a bundle without them fails at cold start.
 */
declare const DASHBOARD_HTML: string;
declare const DASHBOARD_JS: string;
declare const DASHBOARD_CSS: string;

/**
 * The dashboard loads nothing from elsewhere and runs no inline script; the key it holds is sent
 * only to this origin, and no page it opens learns where it came from.
 */
export const DASHBOARD_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Files are not fingerprinted: browsers check for a new version on every load.
  'cache-control': 'no-cache',
};

const dashboardFile = (contentType: string, body: string): HttpResponse => ({
  statusCode: 200,
  headers: { 'content-type': contentType, ...DASHBOARD_HEADERS },
  body,
});

/** The response of each route of the assets function in functions/api/routes.ts. */
const files: Record<RouteOf<'assets'>, HttpResponse> = {
  script: SCRIPT_RESPONSE,
  dashboard: dashboardFile('text/html; charset=utf-8', DASHBOARD_HTML),
  dashboardScript: dashboardFile('application/javascript; charset=utf-8', DASHBOARD_JS),
  dashboardStyles: dashboardFile('text/css; charset=utf-8', DASHBOARD_CSS),
};

/** GET /t.js, the beacon script that websites embed, and GET /dashboard with its script and stylesheet; the script for any other route. */
export const handler = async (event: ProxyEventLike = {}): Promise<HttpResponse> => files[routeOf('assets', readRequest(event).route) ?? 'script'];
