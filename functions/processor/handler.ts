import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { meterCapacity } from '../commons/capacity.ts';
import { createDocumentClient } from '../commons/dynamodb-client.ts';
import { intEnv, requireEnv } from '../commons/env.ts';
import { METRICS } from '../commons/metric-names.ts';
import { logger, metrics, MetricUnit, observability } from '../commons/observability.ts';
import { processBatch, type ProcessorSettings } from './process-batch.ts';
import type { BatchResult } from './batch-outcome.ts';
import { siteRecorder } from '../store/write/site-recorder.ts';
import { siteZones } from '../store/sites/site-zones.ts';
import { lakeWriter } from '../store/lake/lake-objects.ts';
import { createS3Client } from '../commons/s3-client.ts';

const doc = createDocumentClient();
const aggregatesTable = requireEnv('AGGREGATES_TABLE');
const settings: ProcessorSettings = {
  tables: { events: requireEnv('EVENTS_TABLE'), aggregates: aggregatesTable },
  pathBuckets: intEnv('PATH_BUCKETS', { default: 4, min: 1, max: 16 }),
  leaseMs: intEnv('CLAIM_LEASE_SECONDS', { default: 120, min: 1 }) * 1000,
  retentionDays: intEnv('RETENTION_DAYS', { default: 90, min: 0 }),
  siteZones: siteZones(doc, requireEnv('SITES_TABLE')),
  recordSites: siteRecorder(doc, aggregatesTable),
  lake: lakeWriter(createS3Client(), requireEnv('LAKE_BUCKET')),
};

/** The batch's metrics, written when the invocation ends. */
function recordMetrics(records: number, result: BatchResult): void {
  metrics.addMetric(METRICS.batchSize, MetricUnit.Count, records);
  metrics.addMetric(METRICS.eventsCounted, MetricUnit.Count, result.counted);
  metrics.addMetric(METRICS.duplicateEvents, MetricUnit.Count, result.duplicates);
  metrics.addMetric(METRICS.invalidMessages, MetricUnit.Count, result.invalid.length);
  if (result.isolated > 0) metrics.addMetric(METRICS.counterUpdatesIsolated, MetricUnit.Count, result.isolated);
  if (result.maxLagMs !== undefined) metrics.addMetric(METRICS.processingLag, MetricUnit.Milliseconds, result.maxLagMs);
}

/** SQS batch -> raw events and counters; failed messages go back to the queue, then the DLQ. */
export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>()
  .use(observability())
  .handler(async (event, context) => {
    const started = Date.now();
    const records = event.Records.map((record) => ({ messageId: record.messageId, body: record.body }));
    // Commits start until a tenth of the time left (at least 2 s, at most half of it) remains.
    const remaining = context.getRemainingTimeInMillis();
    const deadline = started + remaining - Math.min(remaining / 2, Math.max(2_000, remaining / 10));
    const { result, capacity } = await meterCapacity(() => processBatch(doc, settings, records, context.awsRequestId, started, { deadline }));
    for (const { messageId, issues } of result.invalid) logger.warn('invalid message', { messageId, issues });
    logger.info('batch processed', {
      records: records.length,
      counted: result.counted,
      duplicates: result.duplicates,
      invalid: result.invalid.length,
      failed: result.failed.length,
      units: result.units,
      capacity,
      ms: Date.now() - started,
    });
    recordMetrics(records.length, result);
    return { batchItemFailures: result.failed.map((itemIdentifier) => ({ itemIdentifier })) };
  });
