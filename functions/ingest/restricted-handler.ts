import { createDocumentClient } from '../commons/dynamodb-client.ts';
import { requireEnv } from '../commons/env.ts';
import { sqsSenderFromEnv } from '../commons/sqs-send-message.ts';
import { queueFromEnv } from './enqueue.ts';
import { ingestHandler, ingestOptionsFromEnv } from './ingest.ts';
import { siteGate } from './site-gate.ts';

const sitesTable = requireEnv('SITES_TABLE');
const doc = createDocumentClient();

/** Restricted ingestion (`-c restrictIngestion=true`): registered sites and their allowed origins only. */
export const handler = ingestHandler(sqsSenderFromEnv(), queueFromEnv(), {
  ...ingestOptionsFromEnv(sitesTable, async () => doc),
  gate: siteGate(doc, sitesTable),
});
