// Global setup of the integration suite: DynamoDB Local and fauxqs, started once and shared by
// every test file (inject('dynamodbEndpoint'), inject('sqsEndpoint')).
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { startSqsLocal } from '../../local/sqs-local.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [dynamodb, sqs] = await Promise.all([startDynamoDbLocal(), startSqsLocal()]);
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  project.provide('sqsEndpoint', sqs.endpoint);
  return async () => {
    await Promise.all([sqs.stop(), dynamodb.stop()]);
  };
}
