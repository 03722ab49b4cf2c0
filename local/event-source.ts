// An SQS event source mapping poller that behaves like Lambda's: it gathers a batch (BatchSize
// messages, or MaximumBatchingWindowInSeconds after the first message, or the 6 MB invoke limit),
// invokes the function with a complete SQS event, and deletes what succeeded. With
// ReportBatchItemFailures only the messages named in batchItemFailures stay on the queue; an error,
// a timeout or an invalid response fails the whole batch (nothing is deleted), as on Lambda.
// Up to MaximumConcurrency batches are in flight at once.
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { INVOKE_PAYLOAD_LIMIT_BYTES, type InvokeResult } from './function-host.ts';
import type { EventSourceMappingModel } from './template.ts';

/** Lambda's SQS event record. */
export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<
    string,
    { stringValue?: string; binaryValue?: string; stringListValues: string[]; binaryListValues: string[]; dataType: string }
  >;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

export interface BatchReport {
  mapping: string;
  records: number;
  failures: number;
  /** Whole-batch failure reason (error, timeout, invalid response), if any. */
  batchError?: string;
  durationMs: number;
  /** What closed the batch: BatchSize reached, the 6 MB invoke payload limit, or the batching window. */
  closedBy: BatchClosedBy;
}

export type BatchClosedBy = 'batchSize' | 'payload' | 'window';

export interface PollerOptions {
  mapping: EventSourceMappingModel;
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  /** Invokes the mapped function; must not throw. */
  invoke: (event: { Records: SqsRecord[] }) => Promise<InvokeResult>;
  /** Concurrent batches when the mapping sets no MaximumConcurrency (default 5, Lambda's initial poller count). */
  defaultConcurrency?: number;
  /** Called after each batch. */
  onBatch?: (report: BatchReport) => void;
  /** Receives problems (SQS errors and the like). */
  log?: (line: string) => void;
  /** Short name for log lines. */
  name?: string;
}

export interface Poller {
  readonly name: string;
  /** Batches and records handled so far. */
  readonly stats: { batches: number; records: number; failedRecords: number; failedBatches: number; inFlight: number };
  /** Stops receiving, waits for in-flight batches to finish (and their deletes), releases gathered messages. */
  stop(): Promise<void>;
}

/** Lambda's SQS record for a received message. */
export function toSqsRecord(message: Message, queueArn: string, region: string): SqsRecord {
  const messageAttributes: SqsRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {}) as [string, MessageAttributeValue][]) {
    messageAttributes[name] = {
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: { ...(message.Attributes as Record<string, string> | undefined) },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/**
 * Which records of a batch Lambda deletes, given the invocation result:
 * 'all', or the message ids that succeeded, or 'none' with a reason when the whole batch fails.
 */
export function batchOutcome(
  result: InvokeResult,
  records: SqsRecord[],
  reportBatchItemFailures: boolean,
): { deleteIds: string[]; failedIds: string[]; batchError?: string } {
  const allIds = records.map((r) => r.messageId);
  if (!result.ok) return { deleteIds: [], failedIds: allIds, batchError: `${result.error.errorType}: ${result.error.errorMessage}` };
  if (!reportBatchItemFailures) return { deleteIds: allIds, failedIds: [] };
  const payload = result.payload;
  // Complete success: null/empty response, or a null/empty batchItemFailures list.
  if (payload === null || payload === undefined) return { deleteIds: allIds, failedIds: [] };
  if (typeof payload !== 'object' || Array.isArray(payload)) {
    return { deleteIds: [], failedIds: allIds, batchError: 'invalid response (not an object)' };
  }
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { deleteIds: allIds, failedIds: [] };
  if (!Array.isArray(failures)) return { deleteIds: [], failedIds: allIds, batchError: 'invalid response (batchItemFailures is not a list)' };
  const failed = new Set<string>();
  for (const item of failures) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    // A null, empty, misnamed or unknown itemIdentifier fails the whole batch.
    if (typeof id !== 'string' || id === '' || !allIds.includes(id)) {
      return { deleteIds: [], failedIds: allIds, batchError: `invalid batchItemFailures entry ${JSON.stringify(item)}` };
    }
    failed.add(id);
  }
  return { deleteIds: allIds.filter((id) => !failed.has(id)), failedIds: [...failed] };
}

const MAX_RECEIVE = 10;
const MAX_WAIT_SECONDS = 20;
/** Parallel ReceiveMessage calls while filling a large batch. */
const MAX_PARALLEL_RECEIVES = 5;

/** Bytes a record adds to the event JSON (plus its separating comma). */
function recordSize(record: SqsRecord): number {
  return Buffer.byteLength(JSON.stringify(record)) + 1;
}
/** {"Records":[]} */
const EVENT_ENVELOPE_BYTES = 14;

export function startPoller(opts: PollerOptions): Poller {
  const { mapping, sqs } = opts;
  const name = opts.name ?? mapping.logicalId;
  const log = opts.log ?? (() => {});
  const concurrency = Math.max(1, mapping.maximumConcurrency ?? opts.defaultConcurrency ?? 5);
  const windowMs = mapping.maximumBatchingWindowSeconds * 1000;
  const stats = { batches: 0, records: 0, failedRecords: 0, failedBatches: 0, inFlight: 0 };
  const controller = new AbortController();
  let stopping = false;
  /** Messages received but not yet in a batch (over the size limit, or gathered when stopping). */
  const carried: Message[] = [];

  const receive = async (max: number, waitSeconds: number): Promise<Message[]> => {
    try {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: opts.queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: controller.signal },
      );
      return out.Messages ?? [];
    } catch (error) {
      if (stopping) return [];
      log(`${name}: ReceiveMessage failed: ${(error as Error).message}`);
      // Back off a little so an unreachable queue does not spin.
      await sleep(1_000, undefined, { signal: controller.signal }).catch(() => undefined);
      return [];
    }
  };

  /** Gathers one batch; empty only when stopping. */
  const gather = async (): Promise<{ batch: Message[]; closedBy: BatchClosedBy }> => {
    const batch: Message[] = [];
    let bytes = EVENT_ENVELOPE_BYTES;
    let firstAt: number | undefined;
    const take = (messages: Message[]): void => {
      for (const message of messages) {
        const size = recordSize(toSqsRecord(message, opts.queueArn, opts.region));
        if (batch.length >= mapping.batchSize || (batch.length > 0 && bytes + size > INVOKE_PAYLOAD_LIMIT_BYTES)) {
          carried.push(message);
          continue;
        }
        batch.push(message);
        bytes += size;
        firstAt ??= Date.now();
      }
    };
    take(carried.splice(0));
    while (!stopping) {
      const full = batch.length >= mapping.batchSize || carried.length > 0;
      const remaining = firstAt === undefined ? Infinity : firstAt + windowMs - Date.now();
      if (full || (firstAt !== undefined && remaining <= 0)) break;
      if (firstAt === undefined) {
        // Nothing yet: one long poll.
        take(await receive(Math.min(MAX_RECEIVE, mapping.batchSize), MAX_WAIT_SECONDS));
        if (windowMs === 0 && batch.length > 0) break;
        continue;
      }
      const missing = mapping.batchSize - batch.length;
      const calls = Math.min(MAX_PARALLEL_RECEIVES, Math.ceil(missing / MAX_RECEIVE));
      const wait = Math.min(MAX_WAIT_SECONDS, Math.max(1, Math.ceil(remaining / 1000)));
      const results = await Promise.all(
        Array.from({ length: calls }, (_, i) => receive(Math.min(MAX_RECEIVE, missing - i * MAX_RECEIVE), wait)),
      );
      results.forEach(take);
    }
    if (stopping && batch.length) {
      carried.push(...batch);
      return { batch: [], closedBy: 'window' };
    }
    const closedBy: BatchClosedBy = batch.length >= mapping.batchSize ? 'batchSize' : carried.length > 0 ? 'payload' : 'window';
    return { batch, closedBy };
  };

  const deleteMessages = async (records: SqsRecord[]): Promise<void> => {
    for (let i = 0; i < records.length; i += 10) {
      const chunk = records.slice(i, i + 10);
      const out = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: opts.queueUrl,
          Entries: chunk.map((r, j) => ({ Id: String(j), ReceiptHandle: r.receiptHandle })),
        }),
      );
      for (const failed of out.Failed ?? []) log(`${name}: DeleteMessage failed: ${failed.Code} ${failed.Message ?? ''}`);
    }
  };

  const processBatch = async (messages: Message[], closedBy: BatchClosedBy): Promise<void> => {
    const started = Date.now();
    const records = messages.map((m) => toSqsRecord(m, opts.queueArn, opts.region));
    stats.inFlight++;
    try {
      const result = await opts.invoke({ Records: records });
      const outcome = batchOutcome(result, records, mapping.reportBatchItemFailures);
      const toDelete = new Set(outcome.deleteIds);
      try {
        await deleteMessages(records.filter((r) => toDelete.has(r.messageId)));
      } catch (error) {
        log(`${name}: DeleteMessageBatch failed: ${(error as Error).message}`);
      }
      stats.batches++;
      stats.records += records.length;
      stats.failedRecords += outcome.failedIds.length;
      if (outcome.batchError) stats.failedBatches++;
      opts.onBatch?.({
        mapping: name,
        records: records.length,
        failures: outcome.failedIds.length,
        ...(outcome.batchError ? { batchError: outcome.batchError } : {}),
        durationMs: Date.now() - started,
        closedBy,
      });
    } finally {
      stats.inFlight--;
    }
  };

  const loop = async (): Promise<void> => {
    while (!stopping) {
      const { batch, closedBy } = await gather();
      if (batch.length === 0) continue;
      await processBatch(batch, closedBy);
    }
  };

  const loops = mapping.enabled ? Array.from({ length: concurrency }, () => loop()) : [];

  let stopped: Promise<void> | undefined;
  return {
    name,
    stats,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        controller.abort();
        await Promise.allSettled(loops);
        // Messages that were received but never handed to the function go back to the queue now
        // instead of after their visibility timeout.
        const release = carried.splice(0);
        for (let i = 0; i < release.length; i += 10) {
          const chunk = release.slice(i, i + 10);
          await sqs
            .send(
              new ChangeMessageVisibilityBatchCommand({
                QueueUrl: opts.queueUrl,
                Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
              }),
            )
            .catch(() => undefined);
        }
      })();
      return stopped;
    },
  };
}
