import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_LIST } from '../../../functions/api/routes.ts';
import { removeSynthOutputs, synth, type Synthesized } from './synth.ts';

afterAll(removeSynthOutputs);

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

const resourcesOf = ({ template }: Synthesized): Resources => template.toJSON().Resources;

const typesOf = (synthesized: Synthesized): string[] => Object.values(resourcesOf(synthesized)).map((r) => r.Type);

/** The HTTP API route with `routeKey` and the integration it targets. */
function routeFor(synthesized: Synthesized, routeKey: string) {
  const routes = Object.values(synthesized.template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } }));
  expect(routes, routeKey).toHaveLength(1);
  const route = routes[0]!.Properties;
  const [prefix, ref] = route.Target['Fn::Join'][1] as [string, { Ref: string }];
  expect(prefix).toBe('integrations/');
  const integration = resourcesOf(synthesized)[ref.Ref];
  expect(integration?.Type).toBe('AWS::ApiGatewayV2::Integration');
  return { route, integration: integration!.Properties! };
}

/**
 * The template without the API: its resources, access log, logging role, Lambda permissions, API
 * outputs, and what reads the API's metrics (its 5xx alarm and the dashboard).
 */
function withoutApi({ template }: Synthesized) {
  const { Resources, Outputs, ...rest } = template.toJSON();
  const isApi = (id: string, { Type, Properties }: Resources[string]) =>
    Type.startsWith('AWS::ApiGateway') ||
    Type === 'AWS::Lambda::Permission' ||
    /^(Http)?Api[A-Z]/.test(id) ||
    (Type === 'AWS::CloudWatch::Alarm' && Properties?.Namespace === 'AWS/ApiGateway') ||
    Type === 'AWS::CloudWatch::Dashboard';
  return {
    ...rest,
    Resources: Object.fromEntries(Object.entries(Resources as Resources).filter(([id, r]) => !isApi(id, r))),
    Outputs: Object.fromEntries(Object.entries(Outputs).filter(([name]) => !name.startsWith('Api'))),
  };
}

describe('AnalyticsStack with apiType=http', () => {
  let synthesized: Synthesized;
  let apiId: string;

  beforeAll(() => {
    // Prepare & Act
    synthesized = synth({ apiType: 'http' });
    apiId = synthesized.idOf(synthesized.stack.api.api);
  });

  it('builds an API Gateway HTTP API and no REST API', () => {
    // Assess
    expect(synthesized.stack.api.type).toBe('http');
    synthesized.template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    expect(resourcesOf(synthesized)[apiId]).toMatchObject({
      Type: 'AWS::ApiGatewayV2::Api',
      Properties: { ProtocolType: 'HTTP' },
    });
    synthesized.template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    expect(typesOf(synthesized).filter((type) => type.startsWith('AWS::ApiGateway::'))).toEqual([]);
  });

  it.each(ROUTE_LIST.map((route) => [`${route.method} ${route.path}`, `${route.fn}Function`] as const))('routes %s to the %s through a Lambda proxy integration of payload format 2.0', (routeKey, fn) => {
    // Act
    const { route, integration } = routeFor(synthesized, routeKey);

    // Assess
    expect(route.ApiId).toEqual({ Ref: apiId });
    expect(route.AuthorizationType).toBe('NONE');
    expect(integration).toMatchObject({
      ApiId: { Ref: apiId },
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [synthesized.idOf(synthesized.stack[fn]), 'Arn'] },
    });
  });

  it('has the routes of functions/api/routes.ts and no others, with one integration per function', () => {
    // Act
    const routes = Object.values(synthesized.template.findResources('AWS::ApiGatewayV2::Route'));

    // Assess
    expect(routes.map((route) => route.Properties.RouteKey).sort()).toEqual(ROUTE_LIST.map((route) => `${route.method} ${route.path}`).sort());
    // Both ingestion routes share one integration, the five stats routes too.
    synthesized.template.resourceCountIs('AWS::ApiGatewayV2::Integration', new Set(ROUTE_LIST.map((route) => route.fn)).size);
  });

  it('answers CORS preflights for any origin, POST and content-type', () => {
    // Assess
    expect(resourcesOf(synthesized)[apiId]!.Properties!.CorsConfiguration).toEqual({
      AllowOrigins: ['*'],
      AllowMethods: ['POST'],
      AllowHeaders: ['content-type'],
      MaxAge: 86400,
    });
  });

  it('serves one $default stage that deploys automatically, throttled through its default route settings', () => {
    // Assess
    synthesized.template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: apiId },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000, DetailedMetricsEnabled: false },
    });
    synthesized.template.resourceCountIs('AWS::ApiGatewayV2::Deployment', 0);
  });

  it('lets API Gateway invoke each function for its own route only', () => {
    // Prepare
    const { stack, template, idOf } = synthesized;
    const all = Object.values(template.findResources('AWS::Lambda::Permission'));
    // The compactor's schedule (EventBridge) is the only other caller.
    const permissions = all.filter((permission) => permission.Properties.Principal === 'apigateway.amazonaws.com');
    expect(all.filter((permission) => !permissions.includes(permission)).map((permission) => permission.Properties)).toEqual([
      expect.objectContaining({ Principal: 'events.amazonaws.com', FunctionName: { 'Fn::GetAtt': [idOf(stack.compactorFunction), 'Arn'] } }),
    ]);
    const grantsOf = (fn: IConstruct) =>
      permissions
        .map((permission) => permission.Properties)
        .filter((props) => JSON.stringify(props.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [idOf(fn), 'Arn'] }));

    // Assess
    expect(permissions).toHaveLength(ROUTE_LIST.length);
    for (const fn of ['ingest', 'stats', 'assets'] as const) {
      const paths = ROUTE_LIST.filter((route) => route.fn === fn).map((route) => `/*/*${route.path}`);
      const grants = grantsOf(stack[`${fn}Function`]);
      expect(grants).toHaveLength(paths.length);
      paths.forEach((path, i) => {
        expect(grants[i]).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
        const sourceArn = JSON.stringify(grants[i]!.SourceArn);
        expect(sourceArn).toContain(JSON.stringify({ Ref: apiId }));
        expect(sourceArn).toContain(`"${path}"`);
      });
    }
    expect(grantsOf(stack.processorFunction)).toEqual([]);
  });

  it('outputs the stage URL with a trailing slash, the API id and the stage name', () => {
    // Prepare
    const outputs = synthesized.template.toJSON().Outputs;

    // Assess
    expect(outputs.ApiUrl.Value).toEqual({
      'Fn::Join': ['', ['https://', { Ref: apiId }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/']],
    });
    expect(outputs.ApiId).toEqual({ Description: 'HTTP API id', Value: { Ref: apiId } });
    expect(outputs.ApiStage.Value).toBe('$default');
  });

  it('changes nothing but the API: functions, queues, tables and roles are as with the REST API', () => {
    // Assess
    expect(withoutApi(synthesized)).toEqual(withoutApi(synth({ apiType: 'rest' })));
  });

  it('takes throttling from throttleRateLimit and throttleBurstLimit', () => {
    // Prepare & Act
    const { template } = synth({ apiType: 'http', throttleRateLimit: '50.5', throttleBurstLimit: '100' });

    // Assess
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 50.5, ThrottlingBurstLimit: 100 },
    });
  });
});

describe('AnalyticsStack with apiType=rest', () => {
  it('is the default: the template is the same with and without apiType=rest', () => {
    // Prepare & Act
    const byDefault = synth();
    const explicit = synth({ apiType: 'rest' });

    // Assess
    expect(byDefault.stack.config.apiType).toBe('rest');
    expect(explicit.template.toJSON()).toEqual(byDefault.template.toJSON());
  });

  it('builds a REST API and no API Gateway v2 resources', () => {
    // Prepare & Act
    const synthesized = synth({ apiType: 'rest' });
    const outputs = synthesized.template.toJSON().Outputs;

    // Assess
    expect(synthesized.stack.api.type).toBe('rest');
    synthesized.template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    expect(typesOf(synthesized).filter((type) => type.startsWith('AWS::ApiGatewayV2::'))).toEqual([]);
    expect(outputs.ApiId).toEqual({ Description: 'REST API id', Value: { Ref: synthesized.idOf(synthesized.stack.api.api) } });
    expect(outputs.ApiStage.Value).toEqual({ Ref: expect.any(String) });
  });
});

describe('apiType validation', () => {
  it.each(['graphql', 'HTTP', 'Rest', 'websocket', '', 2, true])('refuses %j and names the key', (apiType) => {
    // Act & Assess
    expect(() => synth({ apiType })).toThrow(/Invalid CDK context value for "apiType": expected one of "rest", "http"/);
  });
});
