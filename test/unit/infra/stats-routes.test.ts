import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROUTE_LIST, ROUTES, routeOf } from '../../../functions/api/routes.ts';
import { httpApiEvent, lambdaContext, restEvent, type ClientRequest } from '../../support/events.ts';
import { silenceOutput } from '../../support/output.ts';
import { removeSynthOutputs, synth, type Synthesized } from './synth.ts';

afterAll(removeSynthOutputs);

/** The routes the stats function serves, by the route table. */
const STATS_ROUTES = ROUTE_LIST.filter((route) => route.fn === 'stats');

/** The logical id of the REST API resource of `path` (e.g. `/stats/timeseries`), found part by part from the root. */
function restResource({ template }: Synthesized, path: string): string {
  let parentId: string | undefined;
  for (const pathPart of path.split('/').filter(Boolean)) {
    const found = Object.entries(template.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: pathPart } })).filter(
      ([, resource]) => parentId === undefined ? resource.Properties.ParentId['Fn::GetAtt'] !== undefined : JSON.stringify(resource.Properties.ParentId) === JSON.stringify({ Ref: parentId }),
    );
    expect(found, `resource ${pathPart} of ${path}`).toHaveLength(1);
    parentId = found[0]![0];
  }
  return parentId!;
}

/** The REST API method for `verb` on the resource `resourceId`. */
function restMethod({ template }: Synthesized, resourceId: string, verb: string) {
  const found = Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: verb, ResourceId: { Ref: resourceId } } }));
  expect(found, `${verb} on ${resourceId}`).toHaveLength(1);
  return found[0]!.Properties;
}

/** The integration an HTTP API route targets. */
function httpRouteIntegration({ template }: Synthesized, routeKey: string) {
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } }));
  expect(routes, routeKey).toHaveLength(1);
  const [, ref] = routes[0]!.Properties.Target['Fn::Join'][1] as [string, { Ref: string }];
  return template.toJSON().Resources[ref.Ref].Properties;
}

describe('the stats routes with apiType=rest', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synth({ apiType: 'rest' });
  });

  it.each(STATS_ROUTES)('$method $path goes to the stats function through a Lambda proxy integration', ({ method, path }) => {
    // Act
    const found = restMethod(synthesized, restResource(synthesized, path), method);

    // Assess
    expect(found.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
    expect(JSON.stringify(found.Integration.Uri)).toContain(synthesized.idOf(synthesized.stack.statsFunction));
  });

  it.each(STATS_ROUTES)('lets API Gateway invoke the stats function for $method $path', ({ method, path }) => {
    // Prepare
    const { template, idOf, stack } = synthesized;
    const grants = Object.values(template.findResources('AWS::Lambda::Permission'))
      .map((permission) => permission.Properties)
      .filter((props) => JSON.stringify(props.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [idOf(stack.statsFunction), 'Arn'] }));

    // Assess
    expect(grants.some((grant) => JSON.stringify(grant.SourceArn).includes(`/${method}${path}"`))).toBe(true);
  });
});

describe('the stats routes with apiType=http', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synth({ apiType: 'http' });
  });

  it.each(STATS_ROUTES)('$method $path goes to the stats function through the integration GET /stats uses, payload format 2.0', ({ method, path }) => {
    // Act
    const integration = httpRouteIntegration(synthesized, `${method} ${path}`);

    // Assess
    expect(integration).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [synthesized.idOf(synthesized.stack.statsFunction), 'Arn'] },
    });
    expect(integration).toEqual(httpRouteIntegration(synthesized, `${ROUTES.stats.method} ${ROUTES.stats.path}`));
  });
});

describe('routeOf', () => {
  it.each(ROUTE_LIST)('finds $name by its path, with or without a stage in front', ({ name, fn, path }) => {
    // Act & Assess
    expect(routeOf(fn, path)).toBe(name);
    expect(routeOf(fn, `/v1${path}`)).toBe(name);
  });

  it.each([
    ['an unknown path', 'stats', '/stats/nope'],
    ['the root', 'stats', '/'],
    ['nothing', 'stats', ''],
    ['a route of another function', 'stats', '/t.js'],
    ['a route of another function', 'assets', '/stats'],
  ] as const)('finds nothing for %s (%s, %j)', (_name, fn, route) => {
    // Act & Assess
    expect(routeOf(fn, route)).toBeUndefined();
  });
});

describe("the stats function's dispatch", () => {
  type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyResult>;
  let handler: Handler;
  let restore: () => void;
  const ADMIN = 'bak_dispatch-test';

  beforeAll(async () => {
    // Prepare: configuration only; the key check and every route's query check come before any read.
    restore = silenceOutput();
    for (const [name, value] of Object.entries({ AGGREGATES_TABLE: 'aggregates', SITES_TABLE: 'sites', LAKE_BUCKET: 'lake', ADMIN_API_KEY: ADMIN })) {
      vi.stubEnv(name, value);
    }
    vi.resetModules();
    ({ handler } = (await import('../../../functions/stats/handler.ts')) as unknown as { handler: Handler });
    vi.unstubAllEnvs();
  });

  afterAll(() => restore());

  const call = async (format: 'rest' | 'http', request: ClientRequest) => {
    const response = await handler(format === 'rest' ? restEvent(request) : httpApiEvent(request), lambdaContext('stats'));
    return { status: response.statusCode, headers: response.headers, json: JSON.parse(response.body) };
  };
  // Invalid for every route, each in its own way: the fields the answer names show which query parser read it.
  const query = { cursor: '!', interval: 'x', limit: '500', date: 'x' };

  it.each(['rest', 'http'] as const)('answers an unknown route 404 not_found in the JSON error shape, before the key check (%s)', async (format) => {
    for (const path of ['/nope', '/stats/nope', '/', ROUTES.script.path, ROUTES.event.path]) {
      // Act
      const response = await call(format, { method: 'GET', path });

      // Assess
      expect(response.status, path).toBe(404);
      expect(response.json).toEqual({ error: { code: 'not_found', message: 'No such route' } });
      expect(response.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8' });
    }
  });

  it('brings each stats route to its own handler, alike under both payload formats', async () => {
    // Act
    const answers = new Map<string, string[]>();
    for (const { method, path } of STATS_ROUTES) {
      const request = { method, path, query, headers: { Authorization: `Bearer ${ADMIN}` } };
      const [rest, http] = [await call('rest', request), await call('http', request)];
      expect([rest.status, rest.json.error.code], path).toEqual([400, 'invalid_query']);
      expect(http.json, path).toEqual(rest.json);
      answers.set(path, rest.json.error.details.map((detail: { field: string }) => detail.field));
    }

    // Assess: no two routes answered alike, and these are the parameters each route's parser names.
    expect(new Set([...answers.values()].map(String)).size).toBe(STATS_ROUTES.length);
    expect(Object.fromEntries(answers)).toMatchObject({
      '/stats': ['site_id', 'date', 'limit'],
      '/stats/timeseries': ['interval'],
      '/stats/breakdown': ['site_id', 'date', 'limit', 'dimension'],
      '/stats/view': ['interval', 'limit'],
      '/stats/realtime': ['site_id', 'limit'],
      '/stats/export': ['site_id', 'date'],
      '/sites': ['cursor'],
    });
  });

  it('reads a request path with the stage in front, as GET /stats?site_id=...&date=... is sent', async () => {
    // Act
    const response = await handler(
      { rawPath: '/v1/stats', queryStringParameters: { date: '2025-11-12' }, headers: { authorization: `Bearer ${ADMIN}` } },
      lambdaContext('stats'),
    );

    // Assess: GET /stats's parser answered (site_id missing), not a 404.
    expect([response.statusCode, JSON.parse(response.body).error.details]).toEqual([400, [{ field: 'site_id', message: 'is required' }]]);
  });
});
