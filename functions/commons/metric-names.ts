/**
 * The custom CloudWatch metrics the functions emit (embedded metric format) and the alarms and
 * dashboard of the stack read: one list, so the two cannot drift apart. Every metric carries the
 * dimension `service` (the function's role below); `EventsDropped` also carries `reason`.
 */

/** The metric namespace of a stack: metrics of two stacks in one account never mix. */
export function metricsNamespace(stackName: string): string {
  return `BeaconAnalytics/${stackName}`;
}

/** The `service` dimension (POWERTOOLS_SERVICE_NAME) of each function. */
export const SERVICES = {
  ingest: 'ingest',
  processor: 'processor',
  stats: 'stats',
  assets: 'assets',
  compactor: 'compactor',
} as const;

export type ServiceName = (typeof SERVICES)[keyof typeof SERVICES];

/** Metric names, with the service that emits each and its unit. */
export const METRICS = {
  /** ingest, Count: events answered 202 and queued. */
  eventsAccepted: 'EventsAccepted',
  /** ingest, Count, with dimension `reason` (e.g. `bot`): events answered 202 but not queued. */
  eventsDropped: 'EventsDropped',
  /** processor, Count: events counted for the first time. */
  eventsCounted: 'EventsCounted',
  /** processor, Count: events already counted before (redelivery or a repeated event_id). */
  duplicateEvents: 'DuplicateEvents',
  /** processor, Count: queue messages that are not valid events (they end in the DLQ). */
  invalidMessages: 'InvalidMessages',
  /** processor, Count: records in one invocation's batch. */
  batchSize: 'BatchSize',
  /** processor, Count: counter item updates DynamoDB refused as invalid (e.g. an item's size), isolated from their units. */
  counterUpdatesIsolated: 'CounterUpdatesIsolated',
  /** processor, Milliseconds: from an event's `received_at` to the commit that counted it. */
  processingLag: 'ProcessingLag',
  /** stats, Milliseconds: time to answer one stats request. */
  statsLatency: 'StatsLatency',
} as const;
