// Counting HTTP proxies on 127.0.0.1 in front of DynamoDB Local and fauxqs, run in a worker
// thread (loaded by Node's type stripping: erasable TypeScript only). The functions and the SQS
// poller talk to the emulators through them, so every request is seen on the wire:
//
// - DynamoDB (JSON protocol: X-Amz-Target + JSON body): calls and consumed capacity per
//   operation; each written item attributed to its table and partition key, bucketed per second
//   (the write units one partition key takes per second); every item written in a transaction,
//   with its size at the time of the write (tracked from the items' creation: the tables start
//   empty, and counter items change only through the transactions seen here).
// - SQS (JSON protocol): calls per operation, entries of batch calls, messages received, empty
//   receives, billed requests (64 KB chunks).
//
// Requests and responses are passed on byte for byte (signatures and CRC32 checks still hold).
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { isEarlyEmptyReceive, itemBytes, sqsBilledRequests, standardWriteUnits, type WireItem } from '../lib/billing.ts';
import { startProxy } from './forward.ts';
import type { HostToProxy, KeyLoad, OpStats, ProxyToHost, SqsWireSnapshot, TransactionItemRecord, WireProxyData } from './snapshot.ts';

// ---------------------------------------------------------------------------------------------
// DynamoDB accounting

const data = workerData as WireProxyData;
const label = (table: string): string => data.tableLabels[table] ?? table;

const ddbOps: Record<string, OpStats> = {};
let singleItemUnits = 0;
const rawEventItems = { items: 0, bytes: 0 };
const tx = { calls: 0, items: 0, unitsAtWrite: 0, canceled: 0, canceledItems: 0, unparsedUpdates: 0 };
const failedConditional = { calls: 0, estimatedUnits: 0, byOp: {} as Record<string, number> };
const txItems = new Map<string, TransactionItemRecord>();
/** Current content of items written in transactions, for their size at each write. */
const shadow = new Map<string, WireItem>();
const keyLoads = new Map<string, KeyLoad>();
let currentSecond = 0;
let currentSecondLoads = new Map<string, number>();
const timeline = new Map<number, { writeUnits: number; calls: number }>();
let firstWriteAt: number | undefined;
let lastWriteAt: number | undefined;

function flushSecond(): void {
  for (const [key, units] of currentSecondLoads) {
    let load = keyLoads.get(key);
    if (!load) keyLoads.set(key, (load = { key, peakPerSecond: 0, peakSecond: 0, totalUnits: 0, activeSeconds: 0, writes: 0 }));
    load.activeSeconds++;
    if (units > load.peakPerSecond) {
      load.peakPerSecond = units;
      load.peakSecond = currentSecond;
    }
  }
  currentSecondLoads = new Map();
}

function attribute(table: string, pk: string, units: number, at: number): void {
  const second = Math.floor(at / 1000);
  if (second !== currentSecond) {
    flushSecond();
    currentSecond = second;
  }
  const key = `${label(table)} ${pk}`;
  currentSecondLoads.set(key, (currentSecondLoads.get(key) ?? 0) + units);
  let load = keyLoads.get(key);
  if (!load) keyLoads.set(key, (load = { key, peakPerSecond: 0, peakSecond: 0, totalUnits: 0, activeSeconds: 0, writes: 0 }));
  load.totalUnits += units;
  load.writes++;
  let slot = timeline.get(second);
  if (!slot) timeline.set(second, (slot = { writeUnits: 0, calls: 0 }));
  slot.writeUnits += units;
  firstWriteAt ??= at;
  lastWriteAt = at;
}

const pkOf = (item: WireItem | undefined): string => String((item?.pk as { S?: string } | undefined)?.S ?? '?');
const skOf = (item: WireItem | undefined): string => String((item?.sk as { S?: string } | undefined)?.S ?? '');

interface ConsumedCapacity {
  TableName?: string;
  CapacityUnits?: number;
}
const unitsOf = (consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): number =>
  Array.isArray(consumed) ? consumed.reduce((s, c) => s + (c.CapacityUnits ?? 0), 0) : (consumed?.CapacityUnits ?? 0);

interface UpdateInput {
  TableName: string;
  Key: WireItem;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: WireItem;
}

/** Applies an update expression's SET a = :v and ADD a :n clauses to an item; false if it has anything else. */
function applyUpdate(item: WireItem, input: UpdateInput): boolean {
  const expression = input.UpdateExpression ?? '';
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  const name = (token: string): string => (token.startsWith('#') ? (names[token] ?? token) : token);
  const clauses = expression.split(/\b(SET|ADD|REMOVE|DELETE)\b/i).map((s) => s.trim()).filter(Boolean);
  for (let i = 0; i < clauses.length; i += 2) {
    const keyword = clauses[i]!.toUpperCase();
    const body = clauses[i + 1] ?? '';
    for (const action of body.split(',').map((s) => s.trim()).filter(Boolean)) {
      if (keyword === 'ADD') {
        const [attr, valueToken] = action.split(/\s+/);
        const value = values[valueToken ?? ''];
        if (!attr || !value || !('N' in value)) return false;
        const current = item[name(attr)] as { N?: string } | undefined;
        item[name(attr)] = { N: String(Number(current?.N ?? 0) + Number(value.N)) };
      } else if (keyword === 'SET') {
        const m = /^(\S+)\s*=\s*(:\S+)$/.exec(action);
        if (!m) return false;
        const value = values[m[2]!];
        if (!value) return false;
        item[name(m[1]!)] = value;
      } else if (keyword === 'REMOVE') {
        delete item[name(action)];
      } else return false;
    }
  }
  return true;
}

function recordTransactionItem(table: string, key: WireItem, size: number, at: number): void {
  const pk = pkOf(key);
  const sk = skOf(key);
  const id = `${table}|${pk}|${sk}`;
  let record = txItems.get(id);
  if (!record) txItems.set(id, (record = { table, pk, sk, writes: 0, unitsAtWrite: 0, maxBytes: 0 }));
  const units = 2 * standardWriteUnits(size);
  record.writes++;
  record.unitsAtWrite += units;
  record.maxBytes = Math.max(record.maxBytes, size);
  tx.items++;
  tx.unitsAtWrite += units;
  attribute(table, pk, units, at);
}

function observeDynamoDb(target: string, request: Buffer, status: number, response: Buffer, at: number): void {
  const op = target.split('.')[1] ?? 'unknown';
  const stats = (ddbOps[op] ??= { calls: 0, errors: 0, reportedUnits: 0 });
  stats.calls++;
  const second = Math.floor(at / 1000);
  let slot = timeline.get(second);
  if (!slot) timeline.set(second, (slot = { writeUnits: 0, calls: 0 }));
  slot.calls++;
  const isWrite = op === 'PutItem' || op === 'UpdateItem' || op === 'DeleteItem' || op === 'BatchWriteItem' || op === 'TransactWriteItems';
  const isRead = op === 'GetItem' || op === 'BatchGetItem' || op === 'Query' || op === 'Scan' || op === 'TransactGetItems';
  if (!isWrite && !isRead) {
    if (status !== 200) stats.errors++;
    return;
  }
  const out = JSON.parse(response.toString('utf8') || '{}') as { __type?: string; ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] };
  if (status !== 200) {
    stats.errors++;
    if (!isWrite) return;
    const input = JSON.parse(request.toString('utf8')) as { TableName?: string; Item?: WireItem; Key?: WireItem; TransactItems?: unknown[] };
    const type = out.__type ?? '';
    if (/ConditionalCheckFailed/.test(type) && input.TableName) {
      const units = standardWriteUnits(itemBytes(input.Item ?? input.Key ?? {}));
      failedConditional.calls++;
      failedConditional.estimatedUnits += units;
      failedConditional.byOp[op] = (failedConditional.byOp[op] ?? 0) + 1;
      attribute(input.TableName, pkOf(input.Item ?? input.Key), units, at);
    } else if (/TransactionCanceled/.test(type)) {
      tx.canceled++;
      tx.canceledItems += input.TransactItems?.length ?? 0;
    }
    return;
  }
  stats.reportedUnits += unitsOf(out.ConsumedCapacity);
  if (isRead) return;

  const input = JSON.parse(request.toString('utf8')) as Record<string, unknown>;
  if (op === 'PutItem' || op === 'UpdateItem' || op === 'DeleteItem') {
    const table = String(input.TableName);
    const item = (input.Item ?? input.Key) as WireItem;
    const reported = unitsOf(out.ConsumedCapacity);
    const units = reported > 0 ? reported : standardWriteUnits(itemBytes(item));
    singleItemUnits += units;
    attribute(table, pkOf(item), units, at);
    if (op === 'PutItem' && pkOf(item).startsWith('E#')) {
      rawEventItems.items++;
      rawEventItems.bytes += itemBytes(item);
    }
    return;
  }
  if (op === 'BatchWriteItem') {
    const requestItems = input.RequestItems as Record<string, Array<{ PutRequest?: { Item: WireItem }; DeleteRequest?: { Key: WireItem } }>>;
    const unprocessed = (JSON.parse(response.toString('utf8')) as { UnprocessedItems?: Record<string, unknown[]> }).UnprocessedItems ?? {};
    for (const [table, writes] of Object.entries(requestItems)) {
      const skipped = unprocessed[table]?.length ?? 0;
      for (const write of writes.slice(0, writes.length - skipped)) {
        const item = write.PutRequest?.Item ?? write.DeleteRequest?.Key ?? {};
        const units = standardWriteUnits(itemBytes(item));
        singleItemUnits += units;
        attribute(table, pkOf(item), units, at);
      }
    }
    return;
  }
  // TransactWriteItems: every item costs 2 units per started KB of its size at the write.
  tx.calls++;
  const items = input.TransactItems as Array<{
    Put?: { TableName: string; Item: WireItem };
    Update?: UpdateInput;
    Delete?: { TableName: string; Key: WireItem };
    ConditionCheck?: { TableName: string; Key: WireItem };
  }>;
  for (const entry of items) {
    if (entry.Put) {
      const { TableName, Item } = entry.Put;
      shadow.set(`${TableName}|${pkOf(Item)}|${skOf(Item)}`, structuredClone(Item));
      recordTransactionItem(TableName, Item, itemBytes(Item), at);
    } else if (entry.Update) {
      const { TableName, Key } = entry.Update;
      const id = `${TableName}|${pkOf(Key)}|${skOf(Key)}`;
      let item = shadow.get(id);
      if (!item) shadow.set(id, (item = structuredClone(Key)));
      if (!applyUpdate(item, entry.Update)) tx.unparsedUpdates++;
      recordTransactionItem(TableName, Key, itemBytes(item), at);
    } else if (entry.Delete) {
      const { TableName, Key } = entry.Delete;
      const id = `${TableName}|${pkOf(Key)}|${skOf(Key)}`;
      recordTransactionItem(TableName, Key, itemBytes(shadow.get(id) ?? Key), at);
      shadow.delete(id);
    } else if (entry.ConditionCheck) {
      const { TableName, Key } = entry.ConditionCheck;
      recordTransactionItem(TableName, Key, itemBytes(shadow.get(`${TableName}|${pkOf(Key)}|${skOf(Key)}`) ?? Key), at);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// SQS accounting

const sqsOps: SqsWireSnapshot['ops'] = {};
let messagesReceived = 0;
let emptyReceives = 0;
const earlyEmptyReceives = { calls: 0, billedRequests: 0 };

function observeSqs(target: string, request: Buffer, status: number, response: Buffer, at: number, startedAt: number): void {
  const op = target.split('.')[1] ?? 'unknown';
  const stats = (sqsOps[op] ??= { calls: 0, billedRequests: 0, entries: 0, errors: 0 });
  stats.calls++;
  const billed = sqsBilledRequests(Math.max(request.length, response.length));
  stats.billedRequests += billed;
  if (status !== 200) {
    stats.errors++;
    return;
  }
  if (op.endsWith('Batch')) {
    stats.entries += (JSON.parse(request.toString('utf8')) as { Entries?: unknown[] }).Entries?.length ?? 0;
  } else stats.entries++;
  if (op === 'ReceiveMessage') {
    const received = (JSON.parse(response.toString('utf8') || '{}') as { Messages?: unknown[] }).Messages?.length ?? 0;
    messagesReceived += received;
    if (received === 0) emptyReceives++;
    const { WaitTimeSeconds } = JSON.parse(request.toString('utf8')) as { WaitTimeSeconds?: number };
    if (isEarlyEmptyReceive({ received, waitTimeSeconds: WaitTimeSeconds ?? 0, elapsedMs: at - startedAt })) {
      earlyEmptyReceives.calls++;
      earlyEmptyReceives.billedRequests += billed;
    }
  }
}

// ---------------------------------------------------------------------------------------------

const [ddbServer, sqsServer] = await Promise.all([startProxy(data.dynamodbTarget, observeDynamoDb), startProxy(data.sqsTarget, observeSqs)]);
const portOf = (server: http.Server): number => (server.address() as { port: number }).port;
const port = parentPort!;
port.postMessage({
  type: 'ready',
  dynamodbEndpoint: `http://127.0.0.1:${portOf(ddbServer)}`,
  sqsEndpoint: `http://127.0.0.1:${portOf(sqsServer)}`,
} satisfies ProxyToHost);

port.on('message', (message: HostToProxy) => {
  if (message.type !== 'snapshot') return;
  flushSecond();
  const loads = [...keyLoads.values()];
  const cpu = process.threadCpuUsage();
  const snapshot: ProxyToHost = {
    type: 'snapshot',
    id: message.id,
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    dynamodb: {
      ops: ddbOps,
      singleItemUnits,
      rawEventItems: { ...rawEventItems },
      transactions: { ...tx },
      failedConditional: { ...failedConditional, byOp: { ...failedConditional.byOp } },
      transactionItems: [...txItems.values()],
      hottestKeys: [...loads].sort((a, b) => b.peakPerSecond - a.peakPerSecond).slice(0, 25),
      aggregateKeys: loads.filter((l) => !l.key.startsWith('Events ')),
      timeline: [...timeline].map(([second, v]) => ({ second, ...v })).sort((a, b) => a.second - b.second),
      firstWriteAt,
      lastWriteAt,
    },
    sqs: { ops: sqsOps, messagesReceived, emptyReceives, earlyEmptyReceives: { ...earlyEmptyReceives } },
  };
  port.postMessage(snapshot);
});
