import { functionUrlHandler } from './function-url.ts';
import { handler as ingest } from './handler.ts';

/** Open ingestion through the function URL (`-c ingestion=function-url`): see function-url.ts. */
export const handler = functionUrlHandler(ingest);
