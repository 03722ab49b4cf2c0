// The API's routes, declared once. Both API types deploy them (infra/rest-api.ts,
// infra/http-api.ts), the stats and assets functions find what serves a request by them, and
// docs/openapi.yaml documents each (test/unit/infra/openapi.test.ts, test/e2e/contract.test.ts).
// Imported by the CDK app, the Lambda bundles and the tests alike: it imports nothing.

/** The functions that serve routes: the ingestion, the stats API, and the files (t.js and the dashboard). */
export type RouteFunction = 'ingest' | 'stats' | 'assets';

export interface Route {
  readonly method: 'GET' | 'POST';
  /** The path without the stage, e.g. `/stats/timeseries`. */
  readonly path: `/${string}`;
  /** The function that serves it. */
  readonly fn: RouteFunction;
  /**
   * Why API Gateway lets any caller through (a key of REASONS in infra/acknowledgments.ts,
   * acknowledging cdk-nag's rules on authorization for the route).
   */
  readonly reason: string;
  /** Called by browsers of any site with a JSON body: the API answers their CORS preflights (OPTIONS). */
  readonly cors?: true;
}

/** Every route, by name, in the order the APIs declare them. */
export const ROUTES = {
  event: { method: 'POST', path: '/event', fn: 'ingest', reason: 'publicIngestion', cors: true },
  events: { method: 'POST', path: '/events', fn: 'ingest', reason: 'publicIngestion', cors: true },
  stats: { method: 'GET', path: '/stats', fn: 'stats', reason: 'statsKeys' },
  timeseries: { method: 'GET', path: '/stats/timeseries', fn: 'stats', reason: 'statsKeys' },
  breakdown: { method: 'GET', path: '/stats/breakdown', fn: 'stats', reason: 'statsKeys' },
  // One period of the dashboard from one lake query (its filtered views).
  view: { method: 'GET', path: '/stats/view', fn: 'stats', reason: 'statsKeys' },
  realtime: { method: 'GET', path: '/stats/realtime', fn: 'stats', reason: 'statsKeys' },
  // A site's goals and conversion rates, from the lake.
  goals: { method: 'GET', path: '/stats/goals', fn: 'stats', reason: 'statsKeys' },
  funnel: { method: 'GET', path: '/stats/funnel', fn: 'stats', reason: 'statsKeys' },
  export: { method: 'GET', path: '/stats/export', fn: 'stats', reason: 'statsKeys' },
  sites: { method: 'GET', path: '/sites', fn: 'stats', reason: 'statsKeys' },
  // The beacon script; a <script> tag loads it without CORS.
  script: { method: 'GET', path: '/t.js', fn: 'assets', reason: 'publicScript' },
  // The dashboard's page and files: public, as the key is typed into the page and sent to the stats routes.
  dashboard: { method: 'GET', path: '/dashboard', fn: 'assets', reason: 'publicDashboard' },
  dashboardScript: { method: 'GET', path: '/dashboard/app.js', fn: 'assets', reason: 'publicDashboard' },
  dashboardStyles: { method: 'GET', path: '/dashboard/app.css', fn: 'assets', reason: 'publicDashboard' },
} as const satisfies Record<string, Route>;

export type RouteName = keyof typeof ROUTES;

/** The names of the routes `F` serves. */
export type RouteOf<F extends RouteFunction> = { [N in RouteName]: (typeof ROUTES)[N]['fn'] extends F ? N : never }[RouteName];

/** A route of the table with its name (and its reason as the table spells it). */
export type NamedRoute = Route & { readonly name: RouteName; readonly reason: (typeof ROUTES)[RouteName]['reason'] };

/** The routes with their names, in declaration order. */
export const ROUTE_LIST: readonly NamedRoute[] = Object.entries(ROUTES).map(([name, route]) => ({ ...route, name: name as RouteName }));

/**
 * The route of `fn` a request is for, by the route's path as the handlers read it
 * (`HttpRequest.route`: a REST resource path, an HTTP API route's path, or a request path, which
 * may begin with the stage); undefined when `fn` serves no such route.
 */
export function routeOf<F extends RouteFunction>(fn: F, route: string): RouteOf<F> | undefined {
  const unstaged = route.replace(/^\/[^/]+(?=\/)/, '');
  const found = ROUTE_LIST.find((entry) => entry.fn === fn && entry.path === route) ?? ROUTE_LIST.find((entry) => entry.fn === fn && entry.path === unstaged);
  return found?.name as RouteOf<F> | undefined;
}
