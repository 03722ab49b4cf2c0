// AWS's billing rules, applied to what the benchmark measured locally. DynamoDB Local and the
// local function hosts do not bill; these functions turn their reports into billed units.

/**
 * DynamoDB's attribute values: the JSON wire format ({"S": "x"}, {"N": "1"}, {"B": "<base64>"}),
 * or the SDK's low-level form (binary as Uint8Array, sets as arrays or Sets).
 */
export type AttributeValue = Record<string, unknown>;
export type WireItem = Record<string, AttributeValue>;

/** Bytes of a number attribute: 1 byte per two significant digits, plus 1 (leading and trailing zeros do not count). */
function numberBytes(text: string): number {
  const digits = text.replace(/^[-+]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

const binaryBytes = (b: unknown): number => (typeof b === 'string' ? Buffer.from(b, 'base64').length : (b as Uint8Array).length);
const members = (v: unknown): unknown[] => (v instanceof Set ? [...v] : (v as unknown[]));

/** Bytes of one attribute value, by DynamoDB's item size rules. */
export function valueBytes(value: AttributeValue): number {
  const [type, v] = Object.entries(value).find(([, x]) => x !== undefined) ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(v));
    case 'N':
      return numberBytes(String(v));
    case 'B':
      return binaryBytes(v);
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return members(v).reduce((sum: number, s) => sum + Buffer.byteLength(String(s)), 0);
    case 'NS':
      return members(v).reduce((sum: number, n) => sum + numberBytes(String(n)), 0);
    case 'BS':
      return members(v).reduce((sum: number, b) => sum + binaryBytes(b), 0);
    case 'L':
      return 3 + (v as AttributeValue[]).reduce((sum, e) => sum + 1 + valueBytes(e), 0);
    case 'M':
      return 3 + Object.entries(v as WireItem).reduce((sum, [k, e]) => sum + 1 + Buffer.byteLength(k) + valueBytes(e), 0);
    default:
      return 0;
  }
}

/** An item's size in bytes: the sum of its attribute names and values (key attributes included). */
export function itemBytes(item: WireItem): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueBytes(value);
  return size;
}

/** 1 KB: the size step of write units. */
export const WRITE_UNIT_BYTES = 1024;

/** Write units of one standard (non-transactional) write of an item of this size: 1 per started KB. */
export const standardWriteUnits = (itemSizeBytes: number): number => Math.max(1, Math.ceil(itemSizeBytes / WRITE_UNIT_BYTES));

/**
 * Write request units AWS bills for a set of DynamoDB writes (on-demand capacity).
 *
 * - Single-item writes (PutItem, UpdateItem, DeleteItem, and each item of a BatchWriteItem) cost
 *   1 unit per started KB of the item (for an update, the larger of the item before and after).
 *   DynamoDB Local reports these correctly (size-based), so its reported units are used as they are.
 * - Each item written in a TransactWriteItems costs twice that: 2 units per started KB of that
 *   item. DynamoDB Local reports transactions per table (2 units per table touched, whatever the
 *   number and size of the items), which under-counts, so transaction units are computed here
 *   from the item sizes: 2 x ceil(size / 1 KB) for each transaction item. Callers pass either the
 *   size of each item at the time of the write, or an upper bound of it (an aggregate item's size
 *   at the end of the run: counter items only grow).
 * - Failed conditional writes are billed too (as a write of the item); they are passed
 *   separately, as units, when known.
 */
export function billedWriteUnits(input: {
  /** Units DynamoDB reported per operation for single-item writes (PutItem, UpdateItem, DeleteItem, BatchWriteItem). */
  singleItemReported: Readonly<Record<string, number>>;
  /** The size in bytes of every item written in a transaction (one entry per item per transaction). */
  transactionItemSizes: Iterable<number>;
  /** Units of failed conditional writes, if measured. */
  failedConditionalUnits?: number;
}): { singleItem: number; transactional: number; failedConditional: number; total: number } {
  const SINGLE_ITEM_OPERATIONS = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'];
  const singleItem = SINGLE_ITEM_OPERATIONS.reduce((sum, op) => sum + (input.singleItemReported[op] ?? 0), 0);
  let transactional = 0;
  for (const size of input.transactionItemSizes) transactional += 2 * standardWriteUnits(size);
  const failedConditional = input.failedConditionalUnits ?? 0;
  return { singleItem, transactional, failedConditional, total: singleItem + transactional + failedConditional };
}

/** Lambda bills duration rounded up to the next millisecond (at least 1 ms). */
export const billedMs = (durationMs: number): number => Math.max(1, Math.ceil(durationMs));

/** GB-seconds of one invocation: memory (MB / 1024) x billed duration in seconds. */
export const gbSeconds = (memoryMb: number, durationMs: number): number => (memoryMb / 1024) * (billedMs(durationMs) / 1000);

/** SQS bills one request per started 64 KB of payload (a call with a small payload is one request). */
export const sqsBilledRequests = (payloadBytes: number): number => Math.max(1, Math.ceil(payloadBytes / (64 * 1024)));

/** Slack for timers: a long poll that timed out comes back at its wait time, never much before it. */
const EARLY_SLACK_MS = 50;

/**
 * An empty ReceiveMessage long poll that came back before its wait time was up. SQS does not
 * answer one: a long poll returns as soon as a message is available, and empty only when the
 * wait time expires. fauxqs does: a new message wakes every waiting long poll, the first takes
 * it and the others return empty at once (`notifyWaiters` in its `sqsStore.js`). On SQS such a
 * call would have gone on waiting for a message of its own, which the poller's next call gets
 * here, so the bench does not bill these. Short polls (wait 0) are never early.
 */
export function isEarlyEmptyReceive(call: { received: number; waitTimeSeconds: number; elapsedMs: number }): boolean {
  return call.received === 0 && call.waitTimeSeconds > 0 && call.elapsedMs < call.waitTimeSeconds * 1000 - EARLY_SLACK_MS;
}
