import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../infra/config.ts';
import { removeSynthOutputs, synth, type Synthesized } from './synth.ts';

afterAll(removeSynthOutputs);

/** The path parts of the REST API's resources. */
function restPaths({ template }: Synthesized): string[] {
  return Object.values(template.findResources('AWS::ApiGateway::Resource')).map((resource) => resource.Properties.PathPart as string);
}

describe('AnalyticsStack with -c ingestion=function-url', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    // Prepare & Act
    synthesized = synth({ ingestion: 'function-url' });
  });

  it('gives the ingest function a URL without auth, CORS in its own configuration, and outputs it', () => {
    // Assess
    const { template, idOf, stack } = synthesized;
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [idOf(stack.ingestFunction), 'Arn'] },
      Cors: { AllowOrigins: ['*'], AllowMethods: Match.arrayWith(['POST', 'GET']), AllowHeaders: ['content-type'], MaxAge: 86_400 },
    });
    template.hasOutput('IngestUrl', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IngestionUrl'), 'FunctionUrl'] } });
  });

  it('points the tracker tag output at the function URL, where t.js is, and the dashboard link at the API', () => {
    // Assess
    const outputs = synthesized.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const tag = JSON.stringify(outputs.ApiTrackerScript!.Value);
    expect(tag).toMatch(/"Fn::GetAtt":\["IngestionUrl[0-9A-Za-z]*","FunctionUrl"\]/);
    expect(tag).toContain('t.js');
    expect(JSON.stringify(outputs.ApiDashboardUrl!.Value)).not.toContain('IngestionUrl');
  });

  it('throttles the ingest function by its reserved concurrency (default 100) and serves t.js from its URL entry', () => {
    // Assess
    const { template, idOf, stack } = synthesized;
    const fn = template.findResources('AWS::Lambda::Function')[idOf(stack.ingestFunction)]!;
    expect(fn.Properties.ReservedConcurrentExecutions).toBe(100);
    expect(fn.Properties.Description).toMatch(/GET \/t\.js/);
  });

  it('leaves ingestion and t.js out of the API, and keeps the stats routes and the dashboard', () => {
    // Assess
    const paths = restPaths(synthesized);
    expect(paths).not.toEqual(expect.arrayContaining(['event']));
    expect(paths).not.toContain('events');
    expect(paths).not.toContain('t.js');
    expect(paths).toEqual(expect.arrayContaining(['stats', 'dashboard', 'sites']));
  });

  it("alarms on the ingest function's throttles and the URL's 5xx answers", () => {
    // Assess
    const { template } = synthesized;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'AnalyticsStack-ingest-throttles', MetricName: 'Throttles', Namespace: 'AWS/Lambda' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'AnalyticsStack-ingest-url-5xx', MetricName: 'Url5xxCount', Namespace: 'AWS/Lambda' });
  });

  it('takes the reserved concurrency from -c ingestReservedConcurrency', () => {
    // Act
    const { template, idOf, stack } = synth({ ingestion: 'function-url', ingestReservedConcurrency: '250' });

    // Assess
    expect(template.findResources('AWS::Lambda::Function')[idOf(stack.ingestFunction)]!.Properties.ReservedConcurrentExecutions).toBe(250);
  });
});

describe('AnalyticsStack with -c ingestion=function-url -c apiType=http', () => {
  it('leaves ingestion and t.js out of the HTTP API, which answers no CORS preflights then', () => {
    // Act
    const { template } = synth({ ingestion: 'function-url', apiType: 'http' });

    // Assess
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties.RouteKey as string);
    expect(routeKeys).toContain('GET /stats');
    expect(routeKeys.filter((key) => /^(POST \/events?|GET \/t\.js)$/.test(key))).toEqual([]);
    const [api] = Object.values(template.findResources('AWS::ApiGatewayV2::Api'));
    expect(api!.Properties.CorsConfiguration).toBeUndefined();
    template.resourceCountIs('AWS::Lambda::Url', 1);
  });
});

describe('AnalyticsStack with the default ingestion (api)', () => {
  it('has no function URL, no reserved concurrency and no URL alarms; the API serves ingestion', () => {
    // Act
    const synthesized = synth();

    // Assess
    const { template, idOf, stack } = synthesized;
    template.resourceCountIs('AWS::Lambda::Url', 0);
    expect(template.findResources('AWS::Lambda::Function')[idOf(stack.ingestFunction)]!.Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(restPaths(synthesized)).toEqual(expect.arrayContaining(['event', 'events', 't.js']));
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'Url5xxCount' } }))).toEqual([]);
  });
});

describe('the ingestion settings', () => {
  it.each([
    [{ ingestion: 'lambda-url' }, /"ingestion": expected one of "api", "function-url", got "lambda-url"/],
    [{ ingestReservedConcurrency: '0' }, /"ingestReservedConcurrency": expected an integer between 1 and 10000, got "0"/],
    [{ ingestReservedConcurrency: 'many' }, /"ingestReservedConcurrency"/],
  ])('refuse %j with a message naming the key', (context, message) => {
    // Act & Assess
    expect(() => synth(context)).toThrow(ConfigError);
    expect(() => synth(context)).toThrow(message);
  });
});
