// The processor as the integration tests run it against the stack's tables: its settings, and
// events turned into the queue's records and counted a batch at a time.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import type { TrackedEvent } from '../../functions/domain/event.ts';
import { toQueueMessage } from '../../functions/domain/queue-codec.ts';
import type { QueueRecord } from '../../functions/processor/decode-messages.ts';
import { processBatch, type ProcessorSettings } from '../../functions/processor/process-batch.ts';
import { stackResources, type StackResources } from './aws.ts';
import { loadStats, type HttpHandler } from './handlers.ts';

/**
 * The processor's settings the tests count with: the stack's tables, 4 path buckets, a 90 s lease
 * and 90 days of raw events; `extra` adds or replaces settings (site recorder, lake, ...).
 */
export function processorSettings(aws: Pick<StackResources, 'tables'>, extra: Partial<ProcessorSettings> = {}): ProcessorSettings {
  return { tables: aws.tables, pathBuckets: 4, leaseMs: 90_000, retentionDays: 90, ...extra };
}

/** What a test that counts events and reads them back starts from. */
export interface CountingStack {
  aws: StackResources;
  settings: ProcessorSettings;
  stats: HttpHandler;
}

/** The stack, the processor's settings against it (with what `extra` adds) and the stats handler. */
export async function countingStack(extra: (aws: StackResources) => Partial<ProcessorSettings> = () => ({})): Promise<CountingStack> {
  const aws = await stackResources();
  return { aws, settings: processorSettings(aws, extra(aws)), stats: await loadStats(aws) };
}

/** Events as the queue delivers them, one message each, with message id `m-<event id>`. */
export const queueRecords = (events: TrackedEvent[]): QueueRecord[] =>
  events.map((e) => ({ messageId: `m-${e.event_id}`, body: toQueueMessage(e) }));

/** Counts every event through the processor, a batch of at most 1,000 at a time (each named by `batchId`); none may fail. */
export async function processAll(
  doc: DynamoDBDocumentClient,
  settings: ProcessorSettings,
  events: TrackedEvent[],
  batchId: () => string,
): Promise<void> {
  for (let i = 0; i < events.length; i += 1_000) {
    expect((await processBatch(doc, settings, queueRecords(events.slice(i, i + 1_000)), batchId())).failed).toEqual([]);
  }
}
