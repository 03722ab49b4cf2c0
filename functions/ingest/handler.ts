import { createSqsClient } from '../commons/sqs-client.ts';
import { queueFromEnv } from './enqueue.ts';
import { ingestHandler, ingestOptionsFromEnv } from './ingest.ts';

/** Open ingestion (the default): any site id, any origin. It never loads the DynamoDB client. */
export const handler = ingestHandler(createSqsClient(), queueFromEnv(), ingestOptionsFromEnv());
