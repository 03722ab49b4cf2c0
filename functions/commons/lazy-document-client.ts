import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { reportCapacity } from './capacity.ts';
import { DOCUMENT_TRANSLATION } from './dynamodb-options.ts';
import { onFirstUse } from './on-first-use.ts';

/**
 * The DynamoDB document client (as dynamodb-client.ts makes it) made on first use, its packages
 * imported then: for the open ingest function, which reads the sites table only for a request
 * that back-dates events, so it starts without loading them (see on-first-use.ts). A module
 * apart from dynamodb-client.ts, whose static imports a bundler would lift to the top of the bundle.
 */
export function lazyDocumentClient(): () => Promise<DynamoDBDocumentClient> {
  return onFirstUse(() =>
    Promise.all([import('@aws-sdk/client-dynamodb'), import('@aws-sdk/lib-dynamodb')]).then(([{ DynamoDBClient }, { DynamoDBDocumentClient }]) =>
      DynamoDBDocumentClient.from(reportCapacity(new DynamoDBClient({})), DOCUMENT_TRANSLATION),
    ),
  );
}
