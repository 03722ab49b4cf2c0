import { createHash } from 'node:crypto';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { localSqsClient } from '../../clients.ts';
import { batchOutcome, startPoller, type BatchReport, type Poller, type SqsRecord } from '../../event-source.ts';
import { FunctionHost, type InvokeResult } from '../../function-host.ts';
import { lambdaEnvironment } from '../../lambda-environment.ts';
import { PROJECT_ROOT } from '../../paths.ts';
import { isEarlyEmptyReceive } from '../../../bench/lib/billing.ts';
import type { EventSourceMappingModel } from '../../template.ts';
import { standInFunction } from '../fixtures/functions.ts';

let sqs: SQSClient;
let host: FunctionHost;
const pollers: Poller[] = [];

beforeAll(() => {
  sqs = localSqsClient(inject('sqsEndpoint'));
  const fn = standInFunction('sqs-batch', { timeoutSeconds: 5 });
  host = new FunctionHost({
    fn,
    functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${fn.name}`,
    environment: lambdaEnvironment({ fn, variables: {}, region: 'us-east-1', dynamodbEndpoint: 'http://127.0.0.1:9', sqsEndpoint: inject('sqsEndpoint') }),
    moduleFallbackDir: PROJECT_ROOT,
    log: () => {},
  });
});
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
});
afterAll(async () => {
  await host.stop();
  sqs.destroy();
});

let queueCounter = 0;
async function queuePair(opts: { maxReceiveCount?: number; visibilityTimeout?: number } = {}) {
  const name = `poller-${process.pid}-${Date.now()}-${queueCounter++}`;
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(opts.visibilityTimeout ?? 1),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: opts.maxReceiveCount ?? 2 }),
      },
    }),
  );
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url: queue.QueueUrl!, arn, dlqUrl: dlq.QueueUrl! };
}

async function send(url: string, bodies: object[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < bodies.length; i += 10) {
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: bodies.slice(i, i + 10).map((body, j) => ({
          Id: String(j),
          MessageBody: JSON.stringify(body),
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
        })),
      }),
    );
    ids.push(...(out.Successful ?? []).sort((a, b) => Number(a.Id) - Number(b.Id)).map((s) => s.MessageId!));
  }
  return ids;
}

async function counts(url: string): Promise<{ visible: number; inFlight: number }> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(out.Attributes!.ApproximateNumberOfMessages), inFlight: Number(out.Attributes!.ApproximateNumberOfMessagesNotVisible) };
}

async function dlqBodies(dlqUrl: string): Promise<object[]> {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 0 }));
  return (out.Messages ?? []).map((m) => JSON.parse(m.Body!) as object);
}

function mapping(over: Partial<EventSourceMappingModel> = {}): EventSourceMappingModel {
  return {
    logicalId: 'Mapping',
    functionLogicalId: 'Fn',
    queueLogicalId: 'Queue',
    enabled: true,
    batchSize: 10,
    maximumBatchingWindowSeconds: 0,
    reportBatchItemFailures: true,
    maximumConcurrency: 2,
    filterPatterns: [],
    ...over,
  };
}

/** Starts a poller that records every invocation's records and every batch report. */
function poll(queue: { url: string; arn: string }, m: EventSourceMappingModel) {
  const invocations: SqsRecord[][] = [];
  const reports: BatchReport[] = [];
  let active = 0;
  let maxActive = 0;
  const poller = startPoller({
    mapping: m,
    sqs,
    queueUrl: queue.url,
    queueArn: queue.arn,
    region: 'us-east-1',
    invoke: async (event): Promise<InvokeResult> => {
      invocations.push(event.Records);
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        return await host.invoke(event);
      } finally {
        active--;
      }
    },
    onBatch: (report) => reports.push(report),
  });
  pollers.push(poller);
  const timesSeen = (id: string) => invocations.flat().filter((r) => r.messageId === id).length;
  return { poller, invocations, reports, timesSeen, maxActive: () => maxActive };
}

describe('SQS event source poller', () => {
  it('deletes the successes and leaves the reported failures for redelivery, then the DLQ', async () => {
    const queue = await queuePair({ maxReceiveCount: 2 });
    const ids = await send(queue.url, Array.from({ length: 10 }, (_, i) => ({ n: i, ...(i % 4 === 1 ? { fail: true } : {}) })));
    const failing = ids.filter((_, i) => i % 4 === 1);
    const ok = ids.filter((_, i) => i % 4 !== 1);
    const p = poll(queue, mapping({ maximumConcurrency: 2 }));

    // every failing message goes to the DLQ after maxReceiveCount (2) unsuccessful receives
    await expect.poll(() => dlqBodies(queue.dlqUrl).then((b) => b.length), { timeout: 15_000, interval: 200 }).toBe(failing.length);
    for (const id of ok) expect(p.timesSeen(id)).toBe(1);
    for (const id of failing) expect(p.timesSeen(id)).toBe(2);
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 0 });
    expect(p.reports.reduce((sum, r) => sum + r.failures, 0)).toBe(failing.length * 2);
    // a redelivered record carries its receive count
    const redelivered = p.invocations.flat().filter((r) => r.messageId === failing[0]);
    expect(redelivered.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
  });

  it('fails the whole batch when the function throws: nothing is deleted', async () => {
    const queue = await queuePair({ maxReceiveCount: 2 });
    const ids = await send(queue.url, [{ n: 1 }, { throw: true }, { n: 3 }]);
    const p = poll(queue, mapping({ maximumConcurrency: 1, maximumBatchingWindowSeconds: 1 }));
    await expect.poll(() => dlqBodies(queue.dlqUrl).then((b) => b.length), { timeout: 15_000, interval: 200 }).toBe(3);
    for (const id of ids) expect(p.timesSeen(id)).toBe(2);
    expect(p.reports.every((r) => r.batchError?.includes('whole batch fails'))).toBe(true);
  });

  it('fails the whole batch for an itemIdentifier that is not in the batch', async () => {
    const queue = await queuePair({ maxReceiveCount: 1 });
    await send(queue.url, [{ n: 1 }, { bogus: true }]);
    const p = poll(queue, mapping({ maximumConcurrency: 1, maximumBatchingWindowSeconds: 1 }));
    await expect.poll(() => dlqBodies(queue.dlqUrl).then((b) => b.length), { timeout: 15_000, interval: 200 }).toBe(2);
    expect(p.reports[0]!.batchError).toMatch(/invalid batchItemFailures entry/);
  });

  it('ignores batchItemFailures without ReportBatchItemFailures', async () => {
    const queue = await queuePair({ visibilityTimeout: 30 });
    const ids = await send(queue.url, [{ n: 1 }, { fail: true }]);
    const p = poll(queue, mapping({ reportBatchItemFailures: false, maximumBatchingWindowSeconds: 1 }));
    await expect.poll(() => p.reports.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => counts(queue.url), { timeout: 5_000 }).toEqual({ visible: 0, inFlight: 0 });
    for (const id of ids) expect(p.timesSeen(id)).toBe(1);
  });

  it('fills a batch of BatchSize from parallel receives before the window ends', async () => {
    const queue = await queuePair({ visibilityTimeout: 30 });
    await send(queue.url, Array.from({ length: 25 }, (_, n) => ({ n })));
    const started = Date.now();
    const p = poll(queue, mapping({ batchSize: 25, maximumBatchingWindowSeconds: 5, maximumConcurrency: 1 }));
    await expect.poll(() => p.invocations.length, { timeout: 10_000 }).toBe(1);
    expect(p.invocations[0]).toHaveLength(25);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('invokes a partial batch when the batching window ends', async () => {
    const queue = await queuePair({ visibilityTimeout: 30 });
    const p = poll(queue, mapping({ batchSize: 25, maximumBatchingWindowSeconds: 1, maximumConcurrency: 1 }));
    const sentAt = Date.now();
    await send(queue.url, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    await expect.poll(() => p.invocations.length, { timeout: 10_000 }).toBe(1);
    const waited = Date.now() - sentAt;
    expect(p.invocations[0]).toHaveLength(3);
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(4_000);
  });

  it('keeps at most MaximumConcurrency batches in flight', async () => {
    const queue = await queuePair({ visibilityTimeout: 30 });
    await send(queue.url, Array.from({ length: 8 }, (_, n) => ({ n, sleepMs: 300 })));
    const p = poll(queue, mapping({ batchSize: 1, maximumConcurrency: 3 }));
    await expect.poll(() => p.reports.length, { timeout: 15_000 }).toBe(8);
    expect(p.maxActive()).toBe(3);
  });

  it('builds complete SQS event records', async () => {
    const queue = await queuePair({ visibilityTimeout: 30 });
    const [id] = await send(queue.url, [{ hello: 'world' }]);
    const p = poll(queue, mapping({ maximumConcurrency: 1 }));
    await expect.poll(() => p.invocations.length, { timeout: 10_000 }).toBe(1);
    const record = p.invocations[0]![0]!;
    const body = JSON.stringify({ hello: 'world' });
    expect(record).toMatchObject({
      messageId: id,
      receiptHandle: expect.any(String),
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
      },
      messageAttributes: { kind: { stringValue: 'test', stringListValues: [], binaryListValues: [], dataType: 'String' } },
      md5OfBody: createHash('md5').update(body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: 'us-east-1',
    });
  });

  it('stops cleanly: the batch in flight finishes and its messages are deleted', async () => {
    const queue = await queuePair({ visibilityTimeout: 30 });
    await send(queue.url, [{ n: 1, sleepMs: 500 }]);
    const p = poll(queue, mapping({ maximumConcurrency: 2 }));
    await expect.poll(() => p.invocations.length, { timeout: 10_000 }).toBe(1);
    const stopping = Date.now();
    await p.poller.stop();
    expect(Date.now() - stopping).toBeLessThan(3_000);
    expect(p.reports).toHaveLength(1);
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 0 });
  });
});

describe('fauxqs long polls (what the bench corrects for in its SQS bill)', () => {
  it('ends every waiting long poll when one message arrives: one gets it, the others come back empty before their wait time', async () => {
    const { url } = await queuePair();
    const waitTimeSeconds = 2;
    const poll = async () => {
      const startedAt = Date.now();
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: waitTimeSeconds }));
      return { received: out.Messages?.length ?? 0, waitTimeSeconds, elapsedMs: Date.now() - startedAt };
    };
    // Three long polls, then one message. A poll whose request reaches fauxqs after the message
    // takes it at once and the others wait their full time, so try up to five rounds.
    const rounds: Array<Array<{ received: number; waitTimeSeconds: number; elapsedMs: number }>> = [];
    for (let round = 0; round < 5 && !rounds.some((calls) => calls.some(isEarlyEmptyReceive)); round++) {
      const polls = [poll(), poll(), poll()];
      await send(url, [{ round }]);
      rounds.push(await Promise.all(polls));
    }
    const early = rounds.find((calls) => calls.some(isEarlyEmptyReceive))!;
    expect(early, JSON.stringify(rounds)).toBeDefined();
    expect(early.map((c) => c.received).sort()).toEqual([0, 0, 1]);
    expect(early.filter(isEarlyEmptyReceive).every((c) => c.received === 0 && c.elapsedMs < waitTimeSeconds * 1000)).toBe(true);
  });
});

describe('batchOutcome (Lambda partial batch response rules)', () => {
  const records = ['a', 'b', 'c'].map((messageId) => ({ messageId }) as SqsRecord);
  const ok = (payload: unknown): InvokeResult => ({ ok: true, requestId: 'r', durationMs: 1, payload });

  it('treats null, {}, and empty or null lists as complete success', () => {
    for (const payload of [null, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      expect(batchOutcome(ok(payload), records, true)).toEqual({ deleteIds: ['a', 'b', 'c'], failedIds: [] });
    }
  });

  it('keeps only the listed failures', () => {
    expect(batchOutcome(ok({ batchItemFailures: [{ itemIdentifier: 'b' }] }), records, true)).toEqual({ deleteIds: ['a', 'c'], failedIds: ['b'] });
  });

  it('fails everything for errors and invalid responses', () => {
    const invalid = [
      'text',
      [],
      { batchItemFailures: 'b' },
      { batchItemFailures: [{ itemIdentifier: '' }] },
      { batchItemFailures: [{ itemIdentifier: null }] },
      { batchItemFailures: [{ id: 'b' }] },
      { batchItemFailures: [{ itemIdentifier: 'zzz' }] },
    ];
    for (const payload of invalid) {
      const outcome = batchOutcome(ok(payload), records, true);
      expect(outcome.deleteIds, JSON.stringify(payload)).toEqual([]);
      expect(outcome.batchError).toBeDefined();
    }
    const failed: InvokeResult = { ok: false, requestId: 'r', durationMs: 1, timedOut: true, error: { errorType: 'Sandbox.Timedout', errorMessage: 'x', trace: [] } };
    expect(batchOutcome(failed, records, true).deleteIds).toEqual([]);
    expect(batchOutcome(failed, records, false).deleteIds).toEqual([]);
  });

  it('deletes everything on success without ReportBatchItemFailures', () => {
    expect(batchOutcome(ok({ batchItemFailures: [{ itemIdentifier: 'b' }] }), records, false).deleteIds).toEqual(['a', 'b', 'c']);
  });
});
