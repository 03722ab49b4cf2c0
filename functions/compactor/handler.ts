import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createDocumentClient } from '../commons/dynamodb-client.ts';
import { intEnv, requireEnv } from '../commons/env.ts';
import { logger, observability } from '../commons/observability.ts';
import { createS3Client } from '../commons/s3-client.ts';
import type { CompactionContext } from './compact-day.ts';
import { compactLake } from './compact-lake.ts';

const context: CompactionContext = {
  s3: createS3Client(),
  bucket: requireEnv('LAKE_BUCKET'),
  doc: createDocumentClient(),
  eventsTable: requireEnv('EVENTS_TABLE'),
};
const marginMs = intEnv('CLOSE_MARGIN_SECONDS', { default: 3_600, min: 0 }) * 1000;
const lookbackDays = intEnv('LOOKBACK_DAYS', { default: 31, min: 1, max: 366 });

/** On a schedule: compacts the lake's closed days (docs/lake.md#compaction); what is left waits for the next run. */
export const handler = middy<unknown, void, Error, Context>()
  .use(observability())
  .handler(async (_event, lambda) => {
    const started = Date.now();
    // Days start until a minute (at most half the time) before the timeout.
    const remaining = lambda.getRemainingTimeInMillis();
    const deadline = started + remaining - Math.min(remaining / 2, 60_000);
    const days = await compactLake(context, { now: started, marginMs, lookbackDays, deadline });
    const folded = days.filter((day) => day.folded > 0);
    logger.info('lake compacted', {
      days: folded.length,
      objects: folded.reduce((sum, day) => sum + day.folded, 0),
      events: folded.reduce((sum, day) => sum + day.events, 0),
      finished: days.reduce((sum, day) => sum + day.finished, 0),
      ms: Date.now() - started,
    });
  });
