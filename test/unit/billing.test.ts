import { describe, expect, it } from 'vitest';
import { billedWriteUnits, isEarlyEmptyReceive, sqsBilledRequests } from '../../bench/lib/billing.ts';
import { attributeFamily, counterKind, type ItemSizeReport } from '../../bench/run/item-sizes.ts';
import { sqsRequestsOfRun, transactionUnitsByKind, writeUnitsOfRun } from '../../bench/run/units.ts';
import type { DynamoDbWireSnapshot, SqsWireSnapshot } from '../../bench/wire/snapshot.ts';

describe('the bench billing rules', () => {
  it('bills SQS one request per started 64 KB of payload', () => {
    expect(sqsBilledRequests(0)).toBe(1);
    expect(sqsBilledRequests(64 * 1024)).toBe(1);
    expect(sqsBilledRequests(64 * 1024 + 1)).toBe(2);
  });

  it('does not bill empty long polls that ended before their wait time; bills timed-out ones and short polls', () => {
    expect(isEarlyEmptyReceive({ received: 0, waitTimeSeconds: 20, elapsedMs: 3 })).toBe(true);
    expect(isEarlyEmptyReceive({ received: 0, waitTimeSeconds: 20, elapsedMs: 20_001 })).toBe(false);
    expect(isEarlyEmptyReceive({ received: 0, waitTimeSeconds: 1, elapsedMs: 990 })).toBe(false);
    expect(isEarlyEmptyReceive({ received: 0, waitTimeSeconds: 0, elapsedMs: 1 })).toBe(false);
    expect(isEarlyEmptyReceive({ received: 3, waitTimeSeconds: 20, elapsedMs: 3 })).toBe(false);
  });

  it('bills each transaction item 2 units per started KB', () => {
    const units = billedWriteUnits({ singleItemReported: { PutItem: 10 }, transactionItemSizes: [100, 1024, 1025] });
    expect(units.total).toBe(10 + 2 + 2 + 4);
  });
});

describe("a bench run's billed units", () => {
  const sizes = { unitsByItem: new Map([['Aggregates|P#s#d|0', 2]]), counterItems: 1, overOneKb: [], maxBytes: 1500, ruleDisagreements: 0, byKind: {} as ItemSizeReport['byKind'] };

  it('sizes each transaction item at its end size when known, else at its largest size seen', () => {
    const dynamodb = {
      transactionItems: [
        { table: 'Aggregates', pk: 'P#s#d', sk: '0', writes: 3, unitsAtWrite: 10, maxBytes: 1500 },
        { table: 'Aggregates', pk: 'C#s#b', sk: 'C', writes: 1, unitsAtWrite: 2, maxBytes: 100 },
      ],
      transactions: { unitsAtWrite: 12 },
      failedConditional: { estimatedUnits: 1 },
    } as unknown as DynamoDbWireSnapshot;
    const units = writeUnitsOfRun({ capacityTotals: { PutItem: 100, TransactItems: 4 }, dynamodb, sizes });
    // 3 writes x 2 x 2 KB + 1 x 2 x 1 KB, the 100 single-item units, 1 failed conditional write
    expect(units).toMatchObject({ singleItem: 100, transactional: 14, failedConditional: 1, total: 115, totalAtWrite: 113 });
  });

  it('splits the transaction units by kind of item, at each write and at the end size', () => {
    const items = [
      { table: 'Aggregates', pk: 'P#s#d', sk: '0', writes: 3, unitsAtWrite: 10, maxBytes: 1500 },
      { table: 'Aggregates', pk: 'P#s#ALL', sk: '0', writes: 1, unitsAtWrite: 6, maxBytes: 2100 },
      { table: 'Aggregates', pk: 'S#s', sk: 'T#2026-03-04', writes: 2, unitsAtWrite: 4, maxBytes: 700 },
      { table: 'Events', pk: 'C#s#b', sk: 'C', writes: 1, unitsAtWrite: 2, maxBytes: 100 },
    ];
    expect(transactionUnitsByKind(items, sizes)).toEqual({
      'path buckets, day': { items: 1, writes: 3, unitsAtWrite: 10, unitsAtEnd: 12 },
      'path buckets, all time': { items: 1, writes: 1, unitsAtWrite: 6, unitsAtEnd: 6 },
      'totals, day': { items: 1, writes: 2, unitsAtWrite: 4, unitsAtEnd: 4 },
      'commit markers': { items: 1, writes: 1, unitsAtWrite: 2, unitsAtEnd: 2 },
    });
  });

  it('names what each attribute of a counter item counts', () => {
    expect(counterKind('S#s', 'T#ALL')).toBe('totals, all time');
    expect(counterKind('P#s#2026-03-04', '01')).toBe('path buckets, day');
    expect(counterKind('U#s#ALL', '01')).toBeUndefined();
    expect(['pk', 'p#/a', 't#signup', 'h07', 'hv07', 'he24', 'views', 'visit_ms', 'e#/landing', 's#google.com', 'n#US', 'o#iOS', 'c#brand', 'x']
      .map(attributeFamily)).toEqual(['key', 'paths', 'event types', 'hours', 'hours', 'hours', 'views, events', 'visit totals', 'entry_page', 'source', 'country', 'os', 'utm_campaign', 'other']);
  });

  it('bills SQS requests on the wire less the early empty receives, without GetQueueAttributes', () => {
    const sqs: SqsWireSnapshot = {
      ops: {
        SendMessage: { calls: 10, billedRequests: 10, entries: 10, errors: 0 },
        ReceiveMessage: { calls: 6, billedRequests: 6, entries: 6, errors: 0 },
        DeleteMessageBatch: { calls: 1, billedRequests: 1, entries: 10, errors: 0 },
        GetQueueAttributes: { calls: 50, billedRequests: 50, entries: 50, errors: 0 },
      },
      messagesReceived: 10,
      emptyReceives: 4,
      earlyEmptyReceives: { calls: 3, billedRequests: 3 },
    };
    expect(sqsRequestsOfRun(sqs)).toEqual({ onWire: 17, billed: 14, earlyEmptyCalls: 3 });
  });
});
