// `npm run bench`: what the counting proxies (proxy.ts) report to the run, and the
// messages between them and the run (types only, so the proxies' worker loads them as is).

export interface WireProxyData {
  dynamodbTarget: string;
  sqsTarget: string;
  /** Table name -> short label used in key names (e.g. "Events", "Aggregates"). */
  tableLabels: Record<string, string>;
}

export interface OpStats {
  calls: number;
  errors: number;
  /** Capacity units DynamoDB reported (successful calls). */
  reportedUnits: number;
}

export interface KeyLoad {
  /** "<table label> <pk>" */
  key: string;
  /** Most write units in one wall-clock second. */
  peakPerSecond: number;
  peakSecond: number;
  totalUnits: number;
  /** Seconds with at least one write. */
  activeSeconds: number;
  writes: number;
}

export interface TransactionItemRecord {
  table: string;
  pk: string;
  sk: string;
  /** Times written in a successful transaction. */
  writes: number;
  /** Sum over those writes of 2 x ceil(size at the write / 1 KB). */
  unitsAtWrite: number;
  /** Largest size seen at a write, bytes. */
  maxBytes: number;
}

export interface DynamoDbWireSnapshot {
  ops: Record<string, OpStats>;
  /** Units of successful single-item writes as reported (PutItem, UpdateItem, DeleteItem) or sized (BatchWriteItem items). */
  singleItemUnits: number;
  /** Raw event items put (pk `E#...`): how many, and their bytes as DynamoDB sizes them. */
  rawEventItems: { items: number; bytes: number };
  transactions: { calls: number; items: number; unitsAtWrite: number; canceled: number; canceledItems: number; unparsedUpdates: number };
  failedConditional: { calls: number; estimatedUnits: number; byOp: Record<string, number> };
  transactionItems: TransactionItemRecord[];
  /** Top keys by peak write units per second. */
  hottestKeys: KeyLoad[];
  /** Per-key loads for every key of the Aggregates table and commit markers excluded (can be long). */
  aggregateKeys: KeyLoad[];
  /** Per second: total write units and calls. */
  timeline: Array<{ second: number; writeUnits: number; calls: number }>;
  firstWriteAt?: number;
  lastWriteAt?: number;
}

export interface SqsWireSnapshot {
  ops: Record<string, { calls: number; billedRequests: number; entries: number; errors: number }>;
  messagesReceived: number;
  emptyReceives: number;
  /** Empty long polls that came back before their wait time (see `isEarlyEmptyReceive`), and their billed requests. */
  earlyEmptyReceives: { calls: number; billedRequests: number };
}

export type ProxyToHost =
  | { type: 'ready'; dynamodbEndpoint: string; sqsEndpoint: string }
  | { type: 'snapshot'; id: number; dynamodb: DynamoDbWireSnapshot; sqs: SqsWireSnapshot; cpuUserMs: number; cpuSystemMs: number };

export type HostToProxy = { type: 'snapshot'; id: number };
