import { Stack, Token } from 'aws-cdk-lib';
import { BasePathMapping, DomainName, EndpointType, SecurityPolicy, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import { ApiMapping, DomainName as HttpDomainName, SecurityPolicy as HttpSecurityPolicy, type HttpApi, type IHttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { ARecord, HostedZone, RecordTarget, type IAliasRecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayDomain, ApiGatewayv2DomainProperties } from 'aws-cdk-lib/aws-route53-targets';
import type { Construct } from 'constructs';
import { ConfigError } from './config-error.ts';
import { certificateRegion, type CustomDomainConfig } from './custom-domain-config.ts';

/** What a custom domain of the API made: its URL and, with a hosted zone, the alias record. */
export interface ApiCustomDomain {
  /** `https://<domainName>/`: the API's base URL on its own domain (the stage is mapped to the root). */
  readonly url: string;
  readonly domainName: string;
  /** API Gateway's regional host name of the domain: the target of the DNS record (a CNAME or alias) to make without a hosted zone. */
  readonly regionalDomainName: string;
  /** The A (alias) record in the hosted zone, when one is configured. */
  readonly record: ARecord | undefined;
}

/** The imported certificate; refused at synth when the stack's region is known and is not the certificate's. */
function certificate(scope: Construct, domain: CustomDomainConfig): ICertificate {
  const region = Stack.of(scope).region;
  const own = certificateRegion(domain.certificateArn);
  if (!Token.isUnresolved(region) && region !== own) {
    throw new ConfigError('certificateArn', `a certificate in the stack's region ${region} (a regional API domain takes a certificate of its own region, not ${own})`, domain.certificateArn);
  }
  return Certificate.fromCertificateArn(scope, 'ApiCertificate', domain.certificateArn);
}

/** The alias record of the domain in its hosted zone; none without a zone. */
function aliasRecord(scope: Construct, domain: CustomDomainConfig, target: IAliasRecordTarget): ARecord | undefined {
  if (!domain.hostedZone) return undefined;
  const zone = HostedZone.fromHostedZoneAttributes(scope, 'ApiHostedZone', { hostedZoneId: domain.hostedZone.id, zoneName: domain.hostedZone.name });
  return new ARecord(scope, 'ApiDomainRecord', { zone, recordName: `${domain.domainName}.`, target: RecordTarget.fromAlias(target) });
}

const made = (domain: CustomDomainConfig, regionalDomainName: string, record: ARecord | undefined): ApiCustomDomain => ({
  url: `https://${domain.domainName}/`,
  domainName: domain.domainName,
  regionalDomainName,
  record,
});

/** A regional custom domain (TLS 1.2) whose root is the REST API's stage: `https://<domain>/t.js` is `<stage URL>/t.js`. */
export function restApiDomain(scope: Construct, api: RestApi, domain: CustomDomainConfig): ApiCustomDomain {
  const name = new DomainName(scope, 'ApiDomain', {
    domainName: domain.domainName,
    certificate: certificate(scope, domain),
    endpointType: EndpointType.REGIONAL,
    securityPolicy: SecurityPolicy.TLS_1_2,
  });
  new BasePathMapping(scope, 'ApiDomainMapping', { domainName: name, restApi: api, stage: api.deploymentStage });
  return made(domain, name.domainNameAliasDomainName, aliasRecord(scope, domain, new ApiGatewayDomain(name)));
}

/** A regional custom domain (TLS 1.2) whose root is the HTTP API's `$default` stage. */
export function httpApiDomain(scope: Construct, api: HttpApi, stage: IHttpStage, domain: CustomDomainConfig): ApiCustomDomain {
  // Not "ApiDomain": CloudFormation cannot change a resource's type under one logical id.
  const name = new HttpDomainName(scope, 'HttpApiDomain', {
    domainName: domain.domainName,
    certificate: certificate(scope, domain),
    securityPolicy: HttpSecurityPolicy.TLS_1_2,
  });
  new ApiMapping(scope, 'HttpApiDomainMapping', { api, domainName: name, stage });
  const target = new ApiGatewayv2DomainProperties(name.regionalDomainName, name.regionalHostedZoneId);
  return made(domain, name.regionalDomainName, aliasRecord(scope, domain, target));
}
