/** The kind of API Gateway API in front of the functions. */
export type ApiType = 'rest' | 'http';

export const API_TYPES: readonly ApiType[] = ['rest', 'http'];

/** What serves POST /event, POST /events and GET /t.js: the API (default) or a Lambda function URL. */
export type Ingestion = 'api' | 'function-url';

export const INGESTION_TYPES: readonly Ingestion[] = ['api', 'function-url'];

/**
 * Levels the functions may log at. None above INFO: Lambda reads the metric lines (embedded
 * metric format, which carry no level) as INFO and would drop them.
 */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The settings of {@link WebsiteAnalytics}, every one optional. Each is also a CDK context key of
 * the project's own app (`cdk.json` or `-c key=value`, docs/configuration.md), with the same
 * default and the same checks (infra/config.ts): a value that cannot be used throws a
 * `ConfigError` naming the setting.
 */
export interface WebsiteAnalyticsProps {
  /**
   * `rest`: an API Gateway REST API (v1), which free LocalStack and `npm start` also serve.
   * `http`: an API Gateway HTTP API (payload format 2.0), cheaper per request on AWS.
   * @default 'rest'
   */
  readonly apiType?: ApiType;
  /**
   * `api`: the API serves ingestion. `function-url`: a Lambda function URL of the ingest function
   * serves POST /event, POST /events and GET /t.js, without API Gateway's request fee
   * (infra/function-url-ingestion.ts); the API keeps stats, export and the dashboard.
   * @default 'api'
   */
  readonly ingestion?: Ingestion;
  /** Reserved concurrency of the ingest function with `ingestion: 'function-url'`, its throttle (1-10000; about 10 x this requests/s). @default 100 */
  readonly ingestReservedConcurrency?: number;
  /** SQS messages per processor invocation (1-10000). @default 10000 */
  readonly batchSize?: number;
  /** Seconds the event source waits to fill a batch (0-300; at least 1 when batchSize > 10). @default 30 */
  readonly batchWindowSeconds?: number;
  /** Receives before a message moves to the dead-letter queue (1-1000). @default 5 */
  readonly maxReceiveCount?: number;
  /** Processor timeout in seconds (1-900); the queue's visibility timeout is 6x this. @default 60 */
  readonly processorTimeoutSeconds?: number;
  /** Most processor instances the event source runs at once (2-1000). @default 2 */
  readonly processorMaxConcurrency?: number;
  /** Days raw events are kept (0-3650; 0 keeps them forever). @default 90 */
  readonly retentionDays?: number;
  /** Days the raw-event lake keeps an object (0-36500; 0 keeps them). @default 0 */
  readonly lakeRetentionDays?: number;
  /** Megabytes one Athena query of the lake's workgroup may scan before Athena cancels it (10 or more). @default 10240 */
  readonly athenaScanLimitMb?: number;
  /** Items the per-path page-view counters are hashed into (1-16). @default 4 */
  readonly pathBuckets?: number;
  /** Steady-state requests per second allowed by the API stage (> 0). @default 1000 */
  readonly throttleRateLimit?: number;
  /** Burst of requests allowed by the API stage (integer >= 1). @default 2000 */
  readonly throttleBurstLimit?: number;
  /** API Gateway stage name (letters, digits, `_` and `-`); REST API only (an HTTP API uses `$default`). @default 'v1' */
  readonly stageName?: string;
  /** CloudWatch Logs retention of the function logs, in days (a value CloudWatch accepts; 0 = never expire). @default 30 */
  readonly logRetentionDays?: number;
  /** The lowest level the functions log (POWERTOOLS_LOG_LEVEL); `debug` is read as DEBUG. @default 'INFO' */
  readonly logLevel?: LogLevel;
  /** Delete tables, queues and log groups with the stack (for throwaway stacks). @default false (retain) */
  readonly destroyOnRemoval?: boolean;
  /** Accept events only for registered sites (`npm run sites`) and, from browsers, their allowed origins. @default false */
  readonly restrictIngestion?: boolean;
  /** Drop events whose User-Agent names a crawler, previewer, headless browser or monitor (`false` counts everything). @default true */
  readonly botFilter?: boolean;
  /** Address subscribed to the alarm topic (it must confirm the subscription). @default none */
  readonly alarmEmail?: string;
  /** Minutes the oldest message of the events queue may wait before the queue-age alarm fires (1-1440; above the batching window). @default 10 */
  readonly alarmQueueAgeMinutes?: number;
  /** Point-in-time recovery on the tables that cannot be rebuilt (aggregates, sites). @default true */
  readonly pointInTimeRecovery?: boolean;
  /**
   * Requests one client IP may send in 5 minutes before AWS WAF blocks it (10-2,000,000,000).
   * REST API only (WAF cannot be associated with an HTTP API).
   * @default none (no web ACL)
   */
  readonly wafRateLimit?: number;
  /**
   * Set the account's API Gateway CloudWatch role (`AWS::ApiGateway::Account`, one per account and
   * region), which REST API access logs need. Turn it off where the account already manages that
   * role (another stack, a landing zone). The HTTP API does not use it.
   * @default true
   */
  readonly apiGatewayCloudWatchRole?: boolean;
  /**
   * The API's own domain, e.g. `analytics.example.com` (with `certificateArn`): the API answers at
   * `https://<domainName>/` (a REST API's stage mapped at the root), and the tracker tag and the
   * dashboard link use it. Context `domainName`.
   * @default - none: the API's execute-api URL
   */
  readonly domainName?: string;
  /** An ACM certificate covering `domainName`, in the stack's region (both or neither). Context `certificateArn`. @default - none */
  readonly certificateArn?: string;
  /** A Route 53 hosted zone to receive the domain's alias record (with `hostedZoneName`). Context `hostedZoneId`. @default - none: the record is the owner's to make */
  readonly hostedZoneId?: string;
  /** The hosted zone's name: `domainName` or a parent of it. Context `hostedZoneName`. @default - none */
  readonly hostedZoneName?: string;
}
