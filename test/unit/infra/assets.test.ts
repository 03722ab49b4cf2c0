import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TYPES } from '../../../infra/config.ts';
import { removeSynthOutputs, synth, type Synthesized } from './synth.ts';

afterAll(removeSynthOutputs);

/** Where GET /t.js goes: the ARN reference in its integration's URI, for either API type. */
function scriptRouteTarget({ template, stack }: Synthesized): string {
  if (stack.api.type === 'http') {
    const [route] = Object.values(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: 'GET /t.js' } }));
    expect(route, 'route GET /t.js').toBeDefined();
    const integrationId = route!.Properties.Target['Fn::Join'][1][1].Ref as string;
    return JSON.stringify(template.toJSON().Resources[integrationId].Properties.IntegrationUri);
  }
  const resources = template.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: 't.js' } });
  const [resourceId] = Object.keys(resources);
  expect(resourceId, 'resource /t.js').toBeDefined();
  const methods = Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { ResourceId: { Ref: resourceId } } }));
  // GET only: a <script> tag needs no CORS preflight.
  expect(methods.map((method) => method.Properties.HttpMethod)).toEqual(['GET']);
  expect(methods[0]!.Properties.Integration.Type).toBe('AWS_PROXY');
  return JSON.stringify(methods[0]!.Properties.Integration.Uri);
}

describe.each(API_TYPES)('GET /t.js with apiType=%s', (apiType) => {
  let synthesized: Synthesized;

  beforeAll(() => {
    // Prepare & Act
    synthesized = synth({ apiType });
  });

  it('routes to the assets function', () => {
    // Act
    const target = scriptRouteTarget(synthesized);

    // Assess
    expect(target).toContain(JSON.stringify([synthesized.idOf(synthesized.stack.assetsFunction), 'Arn']));
  });
});

describe('AssetsFunction', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    // Prepare & Act
    synthesized = synth();
  });

  it('is small and quick: 128 MB, 3 s', () => {
    // Prepare
    const { stack, template, idOf } = synthesized;

    // Assess
    expect(template.toJSON().Resources[idOf(stack.assetsFunction)].Properties).toMatchObject({
      MemorySize: 128,
      Timeout: 3,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
  });

  it('gets no environment but NODE_OPTIONS and the logging settings, no access to tables or queues, only to its log group', () => {
    // Prepare
    const { stack, template, idOf } = synthesized;
    const roleId = idOf(stack.assetsFunction.role!);

    // Act
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) } });
    const role = template.toJSON().Resources[roleId].Properties;

    // Assess
    expect(Object.keys(template.toJSON().Resources[idOf(stack.assetsFunction)].Properties.Environment.Variables).sort()).toEqual([
      'NODE_OPTIONS',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
    ]);
    expect(policies).toEqual({});
    // Its role's only policy writes to its own log group: test/unit/infra/security.test.ts checks that for every function.
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.Policies.map((p: { PolicyName: string }) => p.PolicyName)).toEqual(['Logs']);
  });
});
