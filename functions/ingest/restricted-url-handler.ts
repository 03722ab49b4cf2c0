import { functionUrlHandler } from './function-url.ts';
import { handler as ingest } from './restricted-handler.ts';

/** Restricted ingestion through the function URL (`-c ingestion=function-url -c restrictIngestion=true`): see function-url.ts. */
export const handler = functionUrlHandler(ingest);
