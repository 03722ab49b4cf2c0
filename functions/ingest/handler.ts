import { lazyDocumentClient } from '../commons/lazy-document-client.ts';
import { requireEnv } from '../commons/env.ts';
import { sqsSenderFromEnv } from '../commons/sqs-send-message.ts';
import { queueFromEnv } from './enqueue.ts';
import { ingestHandler, ingestOptionsFromEnv } from './ingest.ts';

/**
 * Open ingestion (the default): any site id, any origin. It loads the DynamoDB client only for
 * the first request that back-dates events and must show a key (backdating.ts).
 */
export const handler = ingestHandler(sqsSenderFromEnv(), queueFromEnv(), ingestOptionsFromEnv(requireEnv('SITES_TABLE'), lazyDocumentClient()));
