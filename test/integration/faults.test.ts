import { beforeAll, describe, expect, inject, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { processBatch, type ProcessorSettings } from '../../functions/processor/process-batch.ts';
import type { QueueRecord } from '../../functions/processor/decode-messages.ts';
import type { TrackedEvent } from '../../functions/domain/event.ts';
import { toQueueMessage } from '../../functions/domain/queue-codec.ts';
import { ALL_TIME, rawEventKey } from '../../functions/domain/table-schema.ts';
import { estimate } from '../../functions/domain/sketch.ts';
import { readSketch } from '../../functions/store/read/sketches.ts';
import { readScopeStats } from '../../functions/store/read/site-stats.ts';
import { trackedEvent } from '../support/factories.ts';
import { stackResources, type StackResources } from '../support/aws.ts';
import { faultyClient, type FaultMode } from '../support/faults.ts';
import { lakeLines } from '../support/lake.ts';
import { lakeWriter } from '../../functions/store/lake/lake-objects.ts';
import { silenceOutput } from '../support/output.ts';
import { processorSettings } from '../support/processing.ts';

let aws: StackResources;
let settings: ProcessorSettings;
const LEASE_MS = 90_000;
beforeAll(async () => {
  // Every injected fault is logged by the processor; the assertions speak for the outcome.
  silenceOutput();
  aws = await stackResources();
  settings = processorSettings(aws, { leaseMs: LEASE_MS, lake: lakeWriter(aws.s3, aws.lakeBucket) });
});

/** The settings of a processor whose DynamoDB and S3 calls go through `faulty`. */
const faultySettings = (faulty: { s3: typeof aws.s3 }): ProcessorSettings => ({ ...settings, lake: lakeWriter(faulty.s3, aws.lakeBucket) });

/** A batch over two sites and two days, with custom events, repeat users and a duplicate. */
function batchFor(tag: string): { events: TrackedEvent[]; records: QueueRecord[] } {
  const events: TrackedEvent[] = [];
  for (const site of [`${tag}-a`, `${tag}-b`]) {
    for (let i = 0; i < 6; i++) {
      events.push(
        trackedEvent({
          site_id: site,
          event_id: `${tag}-${site}-${i}`,
          event_type: i === 5 ? 'signup' : 'page_view',
          path: `/p${i % 3}`,
          user_id: `u${i % 4}`,
          timestamp: i % 2 ? '2025-11-12T10:00:00.000Z' : '2025-11-13T10:00:00.000Z',
        }),
      );
    }
  }
  const records = events.map((e, i) => ({ messageId: `${tag}-m${i}`, body: toQueueMessage(e) }));
  records.push({ messageId: `${tag}-dup`, body: records[0]!.body });
  return { events, records };
}

/** What the counts must be, from the events themselves. */
function truth(events: TrackedEvent[], site: string, scope: string) {
  const mine = events.filter((e) => e.site_id === site && (scope === ALL_TIME || e.day === scope));
  const views = mine.filter((e) => e.event_type === 'page_view');
  const pathViews = new Map<string, number>();
  for (const e of views) pathViews.set(e.path, (pathViews.get(e.path) ?? 0) + 1);
  const eventsByType: Record<string, number> = {};
  for (const e of mine) eventsByType[e.event_type] = (eventsByType[e.event_type] ?? 0) + 1;
  // These events carry no visit marks: the visit counters stay at zero.
  const visits = { visits: 0, multiViewVisits: 0, visitMs: 0, visitViews: 0 };
  return { views: views.length, events: mine.length, eventsByType, ...visits, pathViews, uniqueUsers: new Set(mine.map((e) => e.user_id)).size };
}

async function expectExact(events: TrackedEvent[]): Promise<void> {
  for (const site of new Set(events.map((e) => e.site_id))) {
    for (const scope of ['2025-11-12', '2025-11-13', ALL_TIME]) {
      expect(await readScopeStats(aws.doc, aws.tables.aggregates, site, scope, 4), `${site} ${scope}`).toEqual(truth(events, site, scope));
    }
    // The month sketch holds the month's users, each once (ranges read whole months from it).
    const month = estimate(await readSketch(aws.doc, aws.tables.aggregates, site, '2025-11', { consistent: true }));
    expect(month, `${site} 2025-11 users`).toBe(truth(events, site, ALL_TIME).uniqueUsers);
  }
  for (const event of events) {
    const { Item } = await aws.doc.send(new GetCommand({ TableName: aws.tables.events, Key: rawEventKey(event.site_id, event.event_id) }));
    expect(Item?.unit, `claim of ${event.event_id}`).toEqual(expect.any(String));
  }
  await expectLakeExact(events);
}

/** Every counted event is in exactly one lake object, in the folder of its day, and nothing else is. */
async function expectLakeExact(events: TrackedEvent[]): Promise<void> {
  const lines = await lakeLines(aws.s3, aws.lakeBucket, new Set(events.map((e) => e.site_id)));
  const found = lines.map((line) => line.record.event_id).sort();
  expect(found, 'event ids in the lake').toEqual(events.map((e) => e.event_id).sort());
  for (const { record, date } of lines) {
    const event = events.find((e) => e.event_id === record.event_id)!;
    expect(date, `day of ${record.event_id}`).toBe(event.day);
    expect(record).toMatchObject({ site_id: event.site_id, path: event.path, user_id: event.user_id, event_type: event.event_type });
  }
}

/** Delivers the messages again, as SQS does after the visibility timeout, until none fail. */
async function redeliverUntilDone(records: QueueRecord[], from: number): Promise<void> {
  let pending = records;
  for (let attempt = 1; pending.length > 0; attempt++) {
    expect(attempt, 'redeliveries needed').toBeLessThanOrEqual(3);
    const now = from + attempt * (LEASE_MS + 1_000);
    const result = await processBatch(aws.doc, settings, pending, `redelivery-${attempt}-${now}`, now);
    pending = pending.filter((r) => result.failed.includes(r.messageId));
  }
}

/** Calls a clean run of the batch makes, so every crash point can be visited. */
async function callsOfCleanRun(): Promise<number> {
  const probe = faultyClient(inject('dynamodbEndpoint'), 'crash-before', Infinity, inject('sqsEndpoint'));
  const { records } = batchFor(`clean-${Date.now()}`);
  const result = await processBatch(probe.doc, faultySettings(probe), records, 'clean');
  expect(result.failed).toEqual([]);
  return probe.calls();
}

describe.each<FaultMode>(['crash-before', 'crash-after'])('a processor that dies (%s) at any DynamoDB or S3 call', (mode) => {
  it('leaves counts, raw events, sketches and the lake exact once the batch is redelivered', async () => {
    const calls = await callsOfCleanRun();
    expect(calls).toBeGreaterThan(10);
    for (let k = 1; k <= calls; k++) {
      // Prepare
      const { events, records } = batchFor(`${mode}-${k}-${Date.now()}`);
      const faulty = faultyClient(inject('dynamodbEndpoint'), mode, k, inject('sqsEndpoint'));
      const start = Date.now();
      // Act: the first delivery dies at call k (its outcome is lost with it), then SQS
      // redelivers the whole batch, and once more as a duplicate delivery.
      await processBatch(faulty.doc, faultySettings(faulty), records, `dying-${k}`, start).catch(() => undefined);
      await redeliverUntilDone(records, start);
      await redeliverUntilDone(records, start + 10 * LEASE_MS);
      // Assess
      await expectExact(events);
    }
  });
});

describe('a DynamoDB or S3 call that fails once (throttled after the SDK retries)', () => {
  it('fails only the affected messages, and redelivery makes the counts exact', async () => {
    const calls = await callsOfCleanRun();
    for (let k = 1; k <= calls; k++) {
      const { events, records } = batchFor(`throttle-${k}-${Date.now()}`);
      const faulty = faultyClient(inject('dynamodbEndpoint'), 'throttle-once', k, inject('sqsEndpoint'));
      const start = Date.now();
      const first = await processBatch(faulty.doc, faultySettings(faulty), records, `throttled-${k}`, start);
      expect(first.failed.length, `call ${k}`).toBeLessThan(records.length);
      await redeliverUntilDone(records.filter((r) => first.failed.includes(r.messageId)), start);
      await expectExact(events);
    }
  });
});

describe('a BatchGetItem that returns UnprocessedKeys', () => {
  it('reads the withheld sketch shards again and counts users exactly', async () => {
    const site = `partial-${Date.now()}`;
    const faulty = faultyClient(inject('dynamodbEndpoint'), 'partial-batch-get', 1);
    // Two batches of the same users: the second must read every shard the first wrote.
    const users = Array.from({ length: 300 }, (_, i) => `user-${i}`);
    const first = users.map((user_id) => trackedEvent({ site_id: site, user_id }));
    const second = users.map((user_id) => trackedEvent({ site_id: site, user_id }));
    const asRecords = (events: TrackedEvent[]) => events.map((e) => ({ messageId: e.event_id, body: toQueueMessage(e) }));
    expect((await processBatch(faulty.doc, settings, asRecords(first), 'partial-1')).failed).toEqual([]);
    expect((await processBatch(faulty.doc, settings, asRecords(second), 'partial-2')).failed).toEqual([]);
    expect(faulty.withheld()).toBeGreaterThan(0);
    await expectExact([...first, ...second]);
  });
});

