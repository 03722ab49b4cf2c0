import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { meterCapacity } from '../commons/capacity.ts';
import { createDocumentClient } from '../commons/dynamodb-client.ts';
import { intEnv, requireEnv } from '../commons/env.ts';
import { processBatch, type ProcessorSettings } from './process-batch.ts';

const settings: ProcessorSettings = {
  tables: { events: requireEnv('EVENTS_TABLE'), aggregates: requireEnv('AGGREGATES_TABLE') },
  pathBuckets: intEnv('PATH_BUCKETS', { default: 4, min: 1, max: 16 }),
  leaseMs: intEnv('CLAIM_LEASE_SECONDS', { default: 120, min: 1 }) * 1000,
  retentionDays: intEnv('RETENTION_DAYS', { default: 90, min: 0 }),
};
const doc = createDocumentClient();

/** SQS batch -> raw events and counters; failed messages go back to the queue, then the DLQ. */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const started = Date.now();
  const records = event.Records.map((record) => ({ messageId: record.messageId, body: record.body }));
  const { result, capacity } = await meterCapacity(() => processBatch(doc, settings, records, context.awsRequestId, started));
  for (const { messageId, issues } of result.invalid) {
    console.warn(JSON.stringify({ level: 'warn', message: 'invalid message', messageId, issues }));
  }
  console.log(
    JSON.stringify({
      level: 'info',
      message: 'batch processed',
      records: records.length,
      counted: result.counted,
      duplicates: result.duplicates,
      invalid: result.invalid.length,
      failed: result.failed.length,
      units: result.units,
      capacity,
      ms: Date.now() - started,
    }),
  );
  return { batchItemFailures: result.failed.map((itemIdentifier) => ({ itemIdentifier })) };
};
