import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../../infra/analytics-function.ts';
import { apiDeployments, httpApiTypes, stacksToReplace } from '../../../local/localstack/plan.ts';
import { removeSynthOutputs, synth } from './synth.ts';

afterAll(removeSynthOutputs);

/** LocalStack's service name for a CloudFormation resource type's namespace. */
const SERVICE_OF: Record<string, string> = {
  ApiGateway: 'apigateway',
  ApiGatewayV2: 'apigatewayv2',
  CloudWatch: 'cloudwatch',
  DynamoDB: 'dynamodb',
  Events: 'events',
  IAM: 'iam',
  Lambda: 'lambda',
  Logs: 'logs',
  S3: 's3',
  SecretsManager: 'secretsmanager',
  SNS: 'sns',
  SQS: 'sqs',
};

/** Namespaces of services the free edition lacks: it deploys the stack without them (CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES). */
const NOT_IN_FREE_EDITION = new Set(['Glue', 'Athena']);

describe('docker-compose.localstack.yml', () => {
  const compose = parse(readFileSync(path.join(PROJECT_ROOT, 'docker-compose.localstack.yml'), 'utf8'));
  const services = new Set(String(compose.services.localstack.environment.SERVICES).split(','));

  it('starts every service the stack uses, and what cdklocal deploys with', () => {
    // Prepare
    const types = Object.values(synth().template.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type);

    // Act
    const needed = new Set(
      types.filter((t) => t !== 'AWS::CDK::Metadata' && !NOT_IN_FREE_EDITION.has(t.split('::')[1]!)).map((t) => SERVICE_OF[t.split('::')[1]!] ?? t),
    );

    // Assess: an unknown namespace shows up by its resource type, so a new kind of resource fails here.
    for (const service of needed) expect(services, service).toContain(service);
    for (const deployer of ['cloudformation', 's3', 'sts', 'ssm']) expect(services).toContain(deployer);
    expect(types.some((t) => NOT_IN_FREE_EDITION.has(t.split('::')[1]!))).toBe(true);
    expect(compose.services.localstack.environment.CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES).toBe('1');
  });

  it('pins the free LocalStack image and listens on loopback only', () => {
    expect(compose.services.localstack.image).toBe('localstack/localstack:4.14.0');
    for (const port of compose.services.localstack.ports as string[]) expect(port).toMatch(/^127\.0\.0\.1:/);
  });
});

describe('npm run local:deploy', () => {
  it('refuses apiType=http: the HTTP API needs apigatewayv2, which free LocalStack does not have', () => {
    // Prepare
    const compose = parse(readFileSync(path.join(PROJECT_ROOT, 'docker-compose.localstack.yml'), 'utf8'));
    const services = String(compose.services.localstack.environment.SERVICES).split(',');

    // Act
    const rest = synth().template.toJSON();
    const http = synth({ apiType: 'http' }).template.toJSON();

    // Assess
    expect(httpApiTypes(rest)).toEqual([]);
    expect(httpApiTypes(http)).toContain('AWS::ApiGatewayV2::Api');
    expect(services).not.toContain('apigatewayv2');
  });

  it("finds the REST API's one deployment in the template", () => {
    // Act
    const deployments = apiDeployments(synth().template.toJSON());

    // Assess
    expect(deployments).toHaveLength(1);
    expect(deployments[0]).toMatch(/^ApiDeployment/);
  });

  it('replaces a stack only when its API deployment changed since the last deploy', () => {
    // Prepare
    const deployed = { AnalyticsStack: ['ApiDeploymentA'], Other: ['ApiDeploymentB'] };

    // Act & Assess
    expect(stacksToReplace(deployed, { AnalyticsStack: ['ApiDeploymentA'], Other: ['ApiDeploymentB'] })).toEqual([]);
    expect(stacksToReplace(deployed, { AnalyticsStack: ['ApiDeploymentC'], Other: ['ApiDeploymentB'] })).toEqual(['AnalyticsStack']);
    expect(stacksToReplace({}, { AnalyticsStack: ['ApiDeploymentC'] })).toEqual([]);
  });
});
