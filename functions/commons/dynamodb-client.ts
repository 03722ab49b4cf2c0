import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { reportCapacity } from './capacity.ts';

/**
 * A number as read: a JS number, or a bigint for an integer past 2^53, which a number would not
 * hold exactly (breakdown counters pack visits and page views into one number; keys.ts).
 */
function exactNumber(text: string): number | bigint {
  const value = Number(text);
  return /^-?\d+$/.test(text) && !Number.isSafeInteger(value) ? BigInt(text) : value;
}

/**
 * The DynamoDB document client. The endpoint comes from the standard AWS_ENDPOINT_URL_*
 * variables, so the same code talks to AWS, LocalStack or DynamoDB Local.
 */
export function createDocumentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(reportCapacity(client), {
    marshallOptions: { removeUndefinedValues: true },
    unmarshallOptions: { wrapNumbers: exactNumber },
  });
}
