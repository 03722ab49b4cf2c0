import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { reportCapacity } from './capacity.ts';

/**
 * SDK clients. Endpoints come from the standard AWS_ENDPOINT_URL_* variables, so the same
 * code talks to AWS, LocalStack or the local emulators.
 */
export function createDocumentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(reportCapacity(client), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/**
 * SQS client that sends to its configured endpoint, not to the host in a queue URL (local
 * queue URLs name hosts that do not resolve; on AWS both are the same).
 */
export function createSqsClient(config: ConstructorParameters<typeof SQSClient>[0] = {}): SQSClient {
  return new SQSClient({ useQueueUrlAsEndpoint: false, ...config });
}
