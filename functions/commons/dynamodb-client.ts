import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { reportCapacity } from './capacity.ts';
import { DOCUMENT_TRANSLATION } from './dynamodb-options.ts';

/**
 * The DynamoDB document client. The endpoint comes from the standard AWS_ENDPOINT_URL_*
 * variables, so the same code talks to AWS, LocalStack or DynamoDB Local.
 */
export function createDocumentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(reportCapacity(client), DOCUMENT_TRANSLATION);
}
