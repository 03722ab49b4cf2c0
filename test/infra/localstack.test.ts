import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../infra/analytics-function.ts';
import { removeSynthOutputs, synth } from './synth.ts';

afterAll(removeSynthOutputs);

/** LocalStack's service name for a CloudFormation resource type's namespace. */
const SERVICE_OF: Record<string, string> = {
  ApiGateway: 'apigateway',
  ApiGatewayV2: 'apigateway',
  CloudWatch: 'cloudwatch',
  DynamoDB: 'dynamodb',
  IAM: 'iam',
  Lambda: 'lambda',
  Logs: 'logs',
  SecretsManager: 'secretsmanager',
  SNS: 'sns',
  SQS: 'sqs',
};

describe('docker-compose.localstack.yml', () => {
  const compose = parse(readFileSync(path.join(PROJECT_ROOT, 'docker-compose.localstack.yml'), 'utf8'));
  const services = new Set(String(compose.services.localstack.environment.SERVICES).split(','));

  it('starts every service the stack uses, and what cdklocal deploys with', () => {
    // Prepare
    const types = Object.values(synth().template.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type);

    // Act
    const needed = new Set(types.filter((t) => t !== 'AWS::CDK::Metadata').map((t) => SERVICE_OF[t.split('::')[1]!] ?? t));

    // Assess: an unknown namespace shows up by its resource type, so a new kind of resource fails here.
    for (const service of needed) expect(services, service).toContain(service);
    for (const deployer of ['cloudformation', 's3', 'sts', 'ssm']) expect(services).toContain(deployer);
  });

  it('pins the free LocalStack image and listens on loopback only', () => {
    expect(compose.services.localstack.image).toBe('localstack/localstack:4.14.0');
    for (const port of compose.services.localstack.ports as string[]) expect(port).toMatch(/^127\.0\.0\.1:/);
  });
});
