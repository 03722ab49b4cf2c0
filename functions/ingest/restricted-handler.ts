import { createDocumentClient } from '../commons/dynamodb-client.ts';
import { requireEnv } from '../commons/env.ts';
import { createSqsClient } from '../commons/sqs-client.ts';
import { queueFromEnv } from './enqueue.ts';
import { ingestHandler, ingestOptionsFromEnv } from './ingest.ts';
import { siteGate } from './site-gate.ts';

/** Restricted ingestion (`-c restrictIngestion=true`): registered sites and their allowed origins only. */
export const handler = ingestHandler(createSqsClient(), queueFromEnv(), {
  ...ingestOptionsFromEnv(),
  gate: siteGate(createDocumentClient(), requireEnv('SITES_TABLE')),
});
