import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeSynthOutputs, synth, type Synthesized } from './synth.ts';

afterAll(removeSynthOutputs);

/** The logical id of the REST API resource with `pathPart` under the resource `parentId` (or the root). */
function restResource({ template }: Synthesized, pathPart: string, parentId?: string): string {
  const found = Object.entries(template.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: pathPart } })).filter(
    ([, resource]) => parentId === undefined || JSON.stringify(resource.Properties.ParentId) === JSON.stringify({ Ref: parentId }),
  );
  expect(found, `resource ${pathPart}`).toHaveLength(1);
  return found[0]![0];
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

describe.each(['timeseries', 'breakdown'])('GET /stats/%s with apiType=rest', (route) => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synth({ apiType: 'rest' });
  });

  it('is a resource under /stats whose GET goes to the stats function through a Lambda proxy integration', () => {
    // Prepare
    const stats = restResource(synthesized, 'stats');

    // Act
    const method = restMethod(synthesized, restResource(synthesized, route, stats), 'GET');

    // Assess
    expect(method.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
    expect(JSON.stringify(method.Integration.Uri)).toContain(synthesized.idOf(synthesized.stack.statsFunction));
  });

  it('keeps GET /stats on the stats function', () => {
    // Act
    const method = restMethod(synthesized, restResource(synthesized, 'stats'), 'GET');

    // Assess
    expect(JSON.stringify(method.Integration.Uri)).toContain(synthesized.idOf(synthesized.stack.statsFunction));
  });

  it('lets API Gateway invoke the stats function for it', () => {
    // Prepare
    const { template, idOf, stack } = synthesized;
    const grants = Object.values(template.findResources('AWS::Lambda::Permission'))
      .map((permission) => permission.Properties)
      .filter((props) => JSON.stringify(props.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [idOf(stack.statsFunction), 'Arn'] }));

    // Assess
    expect(grants.some((grant) => JSON.stringify(grant.SourceArn).includes(`/GET/stats/${route}`))).toBe(true);
  });
});

describe.each(['timeseries', 'breakdown'])('GET /stats/%s with apiType=http', (route) => {
  it('routes to the stats function through the integration GET /stats uses, payload format 2.0', () => {
    // Prepare
    const synthesized = synth({ apiType: 'http' });

    // Act
    const integration = httpRouteIntegration(synthesized, `GET /stats/${route}`);

    // Assess
    expect(integration).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [synthesized.idOf(synthesized.stack.statsFunction), 'Arn'] },
    });
    expect(integration).toEqual(httpRouteIntegration(synthesized, 'GET /stats'));
  });
});
