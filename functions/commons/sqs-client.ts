import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * SQS client that sends to its configured endpoint (AWS_ENDPOINT_URL_SQS locally), not to the
 * host in a queue URL (local queue URLs name hosts that do not resolve; on AWS both are the same).
 * In a module of its own so the ingest function does not load the DynamoDB client.
 */
export function createSqsClient(config: ConstructorParameters<typeof SQSClient>[0] = {}): SQSClient {
  return new SQSClient({ useQueueUrlAsEndpoint: false, ...config });
}
