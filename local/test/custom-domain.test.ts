// The project stack with a custom domain (context domainName) under the local runtime: nothing
// serves the domain here, so its resources are reported as not emulated, the API is served as
// without it, and only the outputs built on the execute-api URL point at the local server.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTemplate, localBindings, resolveOutputs, type TemplateModel } from '../template.ts';
import { projectAppExists, projectAssembly } from './fixtures/synth-fixture.ts';

const LOCAL_API = 'http://127.0.0.1:3999';
// The synth refuses a certificate of another region than the one the CDK CLI finds in the environment.
const REGION = process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
const DOMAIN = {
  domainName: 'analytics.example.com',
  certificateArn: `arn:aws:acm:${REGION}:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666`,
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  hostedZoneName: 'example.com',
};

/** The outputs with the REST API bound to LOCAL_API. */
function localOutputs(model: TemplateModel): Record<string, string> {
  const api = Object.values(model.restApis)[0]!;
  return resolveOutputs(model, localBindings(model, { sqsEndpoint: 'http://127.0.0.1:4599', apiUrls: { [api.logicalId]: LOCAL_API } }));
}

describe.skipIf(!projectAppExists)('the project stack with a custom domain, locally', () => {
  let withDomain: TemplateModel;
  let byDefault: TemplateModel;
  beforeAll(async () => {
    withDomain = loadTemplate(await projectAssembly(DOMAIN));
    byDefault = loadTemplate(await projectAssembly());
  }, 300_000);

  it('reports the domain, its mapping and its record as not emulated, and serves the same routes', () => {
    // Assess
    expect(withDomain.ignoredResourceTypes).toEqual(expect.arrayContaining(['AWS::ApiGateway::BasePathMapping', 'AWS::ApiGateway::DomainName', 'AWS::Route53::RecordSet']));
    const routes = (model: TemplateModel) => Object.values(model.restApis).flatMap((api) => api.routes.map((r) => `${r.httpMethod} ${r.resourcePath}`)).sort();
    expect(routes(withDomain)).toEqual(routes(byDefault));
    expect(routes(withDomain)).toContain('POST /event');
  });

  it('keeps the domain in ApiUrl and the links built on it, and points ApiExecuteUrl at the local server', () => {
    // Act
    const outputs = localOutputs(withDomain);

    // Assess
    expect(outputs.ApiUrl).toBe('https://analytics.example.com/');
    expect(outputs.ApiDashboardUrl).toBe('https://analytics.example.com/dashboard');
    expect(outputs.ApiTrackerScript).toBe('<script defer src="https://analytics.example.com/t.js" data-site="YOUR-SITE-ID"></script>');
    expect(outputs.ApiExecuteUrl).toBe(`${LOCAL_API}/v1/`);
  });

  it('without a domain, points the API URL, the dashboard link and the tracker tag at the local server', () => {
    // Act
    const outputs = localOutputs(byDefault);

    // Assess
    expect(outputs.ApiUrl).toBe(`${LOCAL_API}/v1/`);
    expect(outputs.ApiDashboardUrl).toBe(`${LOCAL_API}/v1/dashboard`);
    expect(outputs.ApiTrackerScript).toBe(`<script defer src="${LOCAL_API}/v1/t.js" data-site="YOUR-SITE-ID"></script>`);
    expect(outputs.ApiExecuteUrl).toBeUndefined();
  });
});
