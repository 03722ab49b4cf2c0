// SDK clients for the local emulators: dummy credentials, fixed region, explicit endpoint.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { S3Client } from '@aws-sdk/client-s3';
import { AthenaClient } from '@aws-sdk/client-athena';
import { LOCAL_REGION } from './template.ts';

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/**
 * fauxqs queue URLs (http://sqs.us-east-1.localhost:PORT/...) do not resolve on every machine:
 * the client must send every call to `endpoint` instead of the queue URL's host.
 */
export function localSqsClient(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, useQueueUrlAsEndpoint: false });
}

/** The S3 emulator (fauxqs, on its SQS port): an IP endpoint, so buckets are addressed path-style. */
export function localS3Client(endpoint: string): S3Client {
  return new S3Client({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/** The local Athena endpoint (athena/server.ts). */
export function localAthenaClient(endpoint: string): AthenaClient {
  return new AthenaClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}
