import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { SERVICES } from '../functions/commons/metric-names.ts';
import { LAKE_PREFIX } from '../functions/domain/lake.ts';
import { AnalyticsFunction } from './analytics-function.ts';
import type { LogLevel, StackConfig } from './config.ts';
import type { Lake } from './lake.ts';

export interface LakeCompactorProps {
  readonly logs: { logRetention: RetentionDays; logRemovalPolicy: RemovalPolicy; logLevel: LogLevel };
  readonly config: Pick<StackConfig, 'processorTimeoutSeconds' | 'batchWindowSeconds'>;
  readonly lake: Lake;
  /** Holds the units' commit markers: only objects of committed units are compacted. */
  readonly eventsTable: ITable;
}

/** The compactor's timeout: a day of up to a few thousand objects takes seconds. */
const TIMEOUT = Duration.minutes(10);

/**
 * The lake's compactor: every hour, a site's objects of each closed day become one object
 * (functions/compactor). Its timeout is shorter than a site's compaction lease, which a run holds
 * while it compacts the site.
 */
export function lakeCompactor(scope: Construct, props: LakeCompactorProps): AnalyticsFunction {
  const { config } = props;
  // A day stays open for twice a message's redelivery (the queue's visibility timeout, 6x the
  // processor's timeout) and its batching window after it ended everywhere.
  const marginSeconds = 2 * (6 * config.processorTimeoutSeconds + config.batchWindowSeconds);
  const compactor = new AnalyticsFunction(scope, 'CompactorFunction', {
    ...props.logs,
    service: SERVICES.compactor,
    entry: 'functions/compactor/handler.ts',
    description: "Rewrites each site's lake objects of a closed day into one object, exactly once",
    memorySize: 1024,
    timeout: TIMEOUT,
    environment: { CLOSE_MARGIN_SECONDS: String(marginSeconds) },
  })
    // GetItem: the commit markers of the units whose objects are folded; PutItem and DeleteItem:
    // a site's compaction lease (compaction-lease.ts).
    .useTable(props.eventsTable, 'EVENTS_TABLE', ['GetItem', 'PutItem', 'DeleteItem'])
    // Reads the objects of a day, writes the compacted object and its manifest, deletes the sources.
    .useBucket(props.lake.bucket, 'LAKE_BUCKET', LAKE_PREFIX, ['GetObject', 'PutObject', 'DeleteObject']);
  new Rule(scope, 'CompactorSchedule', {
    description: 'Compacts the lake hourly',
    schedule: Schedule.rate(Duration.hours(1)),
    targets: [new LambdaFunction(compactor, { retryAttempts: 0 })],
  });
  return compactor;
}
