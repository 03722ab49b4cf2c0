import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsStack } from '../../../infra/analytics-stack.ts';
import { CUSTOM_DOMAIN, HOSTED_ZONE, removeSynthOutputs, synth, testApp, type Synthesized } from './synth.ts';

afterAll(removeSynthOutputs);

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

/** The one resource of `type`, with its logical id. */
function only({ template }: Synthesized, type: string): Resource & { id: string } {
  const found = Object.entries(template.findResources(type));
  expect(found.map(([id]) => id), type).toHaveLength(1);
  const [id, resource] = found[0]!;
  return { id, ...(resource as Resource) };
}

const outputsOf = ({ template }: Synthesized): Record<string, { Value: unknown; Description?: string }> => template.toJSON().Outputs;

/** The template without the domain's resources and outputs. */
function withoutDomain({ template }: Synthesized) {
  const { Resources, Outputs, ...rest } = template.toJSON();
  const isDomain = (type: string) => /DomainName|BasePathMapping|ApiMapping|Route53/.test(type);
  return {
    ...rest,
    Resources: Object.fromEntries(Object.entries(Resources as Record<string, Resource>).filter(([, r]) => !isDomain(r.Type))),
    Outputs: Object.fromEntries(Object.entries(Outputs).filter(([name]) => !['ApiUrl', 'ApiDashboardUrl', 'ApiTrackerScript', 'ApiExecuteUrl', 'ApiDomainTarget'].includes(name))),
  };
}

const ATTRIBUTE = (id: string, name: string) => ({ 'Fn::GetAtt': [id, name] });

describe.each([
  { apiType: 'rest', domainType: 'AWS::ApiGateway::DomainName', mappingType: 'AWS::ApiGateway::BasePathMapping' },
  { apiType: 'http', domainType: 'AWS::ApiGatewayV2::DomainName', mappingType: 'AWS::ApiGatewayV2::ApiMapping' },
])('a custom domain on the $apiType API', ({ apiType, domainType, mappingType }) => {
  let withZone: Synthesized;
  let withoutZone: Synthesized;
  let apiId: string;

  beforeAll(() => {
    // Prepare & Act
    withZone = synth({ apiType, ...CUSTOM_DOMAIN, ...HOSTED_ZONE });
    withoutZone = synth({ apiType, ...CUSTOM_DOMAIN });
    apiId = withZone.idOf(withZone.stack.api.api);
  });

  it('makes a regional domain name with the certificate and TLS 1.2', () => {
    // Act
    const domain = only(withZone, domainType);

    // Assess
    const regional =
      apiType === 'rest'
        ? { EndpointConfiguration: { Types: ['REGIONAL'] }, RegionalCertificateArn: CUSTOM_DOMAIN.certificateArn, SecurityPolicy: 'TLS_1_2' }
        : { DomainNameConfigurations: [{ CertificateArn: CUSTOM_DOMAIN.certificateArn, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }] };
    expect(domain.Properties).toEqual({ DomainName: CUSTOM_DOMAIN.domainName, ...regional });
  });

  it('maps the domain\'s root to the API\'s stage', () => {
    // Act
    const domain = only(withZone, domainType);
    const mapping = only(withZone, mappingType);

    // Assess: no base path, so https://<domain>/t.js is the stage's t.js.
    const api = withZone.stack.api;
    if (api.type === 'rest') {
      expect(mapping.Properties).toEqual({ DomainName: { Ref: domain.id }, RestApiId: { Ref: apiId }, Stage: { Ref: withZone.idOf(api.api.deploymentStage) } });
    } else {
      expect(mapping.Properties).toEqual({ ApiId: { Ref: apiId }, DomainName: { Ref: domain.id }, Stage: '$default' });
      // The stage exists before the mapping names it.
      expect(mapping.DependsOn).toEqual([expect.stringMatching(/^HttpApiDefaultStage/)]);
    }
  });

  it('writes an alias A record in the hosted zone, pointing at the domain\'s regional name', () => {
    // Act
    const domain = only(withZone, domainType);
    const record = only(withZone, 'AWS::Route53::RecordSet');

    // Assess
    expect(record.Properties).toEqual({
      HostedZoneId: HOSTED_ZONE.hostedZoneId,
      Name: `${CUSTOM_DOMAIN.domainName}.`,
      Type: 'A',
      AliasTarget: { DNSName: ATTRIBUTE(domain.id, 'RegionalDomainName'), HostedZoneId: ATTRIBUTE(domain.id, 'RegionalHostedZoneId') },
    });
    withZone.template.resourceCountIs('AWS::Route53::HostedZone', 0);
    expect(outputsOf(withZone).ApiDomainTarget).toBeUndefined();
  });

  it('without a hosted zone, writes no record and outputs the name a DNS record must point to', () => {
    // Act
    const domain = only(withoutZone, domainType);

    // Assess
    withoutZone.template.resourceCountIs('AWS::Route53::RecordSet', 0);
    expect(outputsOf(withoutZone).ApiDomainTarget).toEqual({
      Value: ATTRIBUTE(domain.id, 'RegionalDomainName'),
      Description: expect.stringContaining(`Point ${CUSTOM_DOMAIN.domainName} here`),
    });
  });

  it('outputs the domain as the API URL, in the dashboard link and the tracker snippet, and keeps the execute-api URL', () => {
    // Act
    const outputs = outputsOf(withZone);

    // Assess
    expect(withZone.stack.api.url).toBe('https://analytics.example.com/');
    expect(outputs.ApiUrl!.Value).toBe('https://analytics.example.com/');
    expect(outputs.ApiDashboardUrl!.Value).toBe('https://analytics.example.com/dashboard');
    expect(outputs.ApiTrackerScript!.Value).toBe('<script defer src="https://analytics.example.com/t.js" data-site="YOUR-SITE-ID"></script>');
    expect(JSON.stringify(outputs.ApiExecuteUrl!.Value)).toContain('.execute-api.');
    expect(outputs.ApiExecuteUrl!.Value).toEqual(outputsOf(synth({ apiType })).ApiUrl!.Value);
  });

  it('changes nothing else: functions, tables, the API and its other outputs are as without a domain', () => {
    // Assess
    expect(withoutDomain(withZone)).toEqual(withoutDomain(synth({ apiType })));
  });
});

describe('the API without a custom domain', () => {
  it('outputs the execute-api URL, the dashboard link and the snippet on it, and no domain resources', () => {
    // Prepare & Act
    const synthesized = synth();
    const outputs = outputsOf(synthesized);
    const stageUrl = JSON.stringify(outputs.ApiUrl!.Value);

    // Assess
    expect(synthesized.stack.config.customDomain).toBeUndefined();
    expect(synthesized.stack.api.url).toBe(synthesized.stack.api.executeApiUrl);
    expect(stageUrl).toContain('.execute-api.');
    expect(JSON.stringify(outputs.ApiDashboardUrl!.Value)).toBe(stageUrl.replace(/"\/"\]\]\}$/, '"/dashboard"]]}'));
    expect(JSON.stringify(outputs.ApiTrackerScript!.Value)).toContain('t.js\\" data-site=\\"YOUR-SITE-ID\\"></script>');
    expect(outputs.ApiExecuteUrl).toBeUndefined();
    const types = Object.values(synthesized.template.toJSON().Resources as Record<string, Resource>).map((r) => r.Type);
    expect(types.filter((type) => /DomainName|PathMapping|ApiMapping|Route53/.test(type))).toEqual([]);
  });
});

describe('custom domain settings', () => {
  it('reads the domain in any case and with a final dot as the lower-case name', () => {
    // Act
    const { stack } = synth({ domainName: 'Analytics.Example.COM.', certificateArn: CUSTOM_DOMAIN.certificateArn, hostedZoneId: HOSTED_ZONE.hostedZoneId, hostedZoneName: 'EXAMPLE.com' });

    // Assess
    expect(stack.config.customDomain).toEqual({
      domainName: 'analytics.example.com',
      certificateArn: CUSTOM_DOMAIN.certificateArn,
      hostedZone: { id: HOSTED_ZONE.hostedZoneId, name: 'example.com' },
    });
  });

  it('accepts the zone\'s own apex as the domain', () => {
    // Act
    const { stack } = synth({ ...CUSTOM_DOMAIN, domainName: 'example.com', ...HOSTED_ZONE });

    // Assess
    expect(stack.api.url).toBe('https://example.com/');
  });

  it.each([
    ['a certificate without a domain', { certificateArn: CUSTOM_DOMAIN.certificateArn }, '"domainName": expected a domain name such as analytics.example.com (certificateArn is set), got undefined'],
    ['a domain without a certificate', { domainName: CUSTOM_DOMAIN.domainName }, '"certificateArn": expected an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/<id> (domainName is set), got undefined'],
    ['a URL as the domain', { ...CUSTOM_DOMAIN, domainName: 'https://analytics.example.com/' }, '"domainName": expected a domain name such as analytics.example.com, got "https://analytics.example.com/"'],
    ['a single label', { ...CUSTOM_DOMAIN, domainName: 'localhost' }, '"domainName": expected a domain name'],
    ['a wildcard', { ...CUSTOM_DOMAIN, domainName: '*.example.com' }, '"domainName": expected a domain name'],
    ['a label ending in a hyphen', { ...CUSTOM_DOMAIN, domainName: 'analytics-.example.com' }, '"domainName": expected a domain name'],
    ['a label of 64 characters', { ...CUSTOM_DOMAIN, domainName: `${'a'.repeat(64)}.example.com` }, '"domainName": expected a domain name'],
    ['a certificate id in place of its ARN', { ...CUSTOM_DOMAIN, certificateArn: '0a1b2c3d-1111-2222-3333-444455556666' }, '"certificateArn": expected an ACM certificate ARN'],
    ['an ARN of another service', { ...CUSTOM_DOMAIN, certificateArn: 'arn:aws:iam::123456789012:server-certificate/x' }, '"certificateArn": expected an ACM certificate ARN'],
    ['a zone id without its name', { ...CUSTOM_DOMAIN, hostedZoneId: HOSTED_ZONE.hostedZoneId }, '"hostedZoneName": expected the hosted zone\'s domain name such as example.com (hostedZoneId is set), got undefined'],
    ['a zone name without its id', { ...CUSTOM_DOMAIN, hostedZoneName: 'example.com' }, '"hostedZoneId": expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ (hostedZoneName is set), got undefined'],
    ['a zone id with its path', { ...CUSTOM_DOMAIN, ...HOSTED_ZONE, hostedZoneId: '/hostedzone/Z0123' }, '"hostedZoneId": expected a Route 53 hosted zone id'],
    ['a zone the domain is not in', { ...CUSTOM_DOMAIN, ...HOSTED_ZONE, hostedZoneName: 'example.org' }, '"hostedZoneName": expected the zone of domainName analytics.example.com (that name or a parent of it), got "example.org"'],
    ['a zone that only ends like the domain', { ...CUSTOM_DOMAIN, ...HOSTED_ZONE, hostedZoneName: 'le.com' }, '"hostedZoneName": expected the zone of domainName'],
    ['a hosted zone without a domain', { ...HOSTED_ZONE }, '"hostedZoneId": expected no value without domainName and certificateArn, got "Z0123456789ABCDEFGHIJ"'],
  ])('refuses %s and names the key', (_name, context, message) => {
    // Act & Assess
    expect(() => synth(context)).toThrow(`Invalid CDK context value for ${message}`);
  });

  it('refuses a certificate of another region than the stack\'s, where the region is known', () => {
    // Prepare
    const inRegion = (region: string) => () => new AnalyticsStack(testApp(CUSTOM_DOMAIN), 'AnalyticsStack', { env: { region } });

    // Act & Assess: the certificate is in eu-west-1.
    expect(inRegion('us-east-1')).toThrow(
      'Invalid CDK context value for "certificateArn": expected a certificate in the stack\'s region us-east-1 (a regional API domain takes a certificate of its own region, not eu-west-1)',
    );
    const stack = inRegion('eu-west-1')();
    expect(Template.fromStack(stack).toJSON().Outputs.ApiUrl.Value).toBe('https://analytics.example.com/');
  });
});
