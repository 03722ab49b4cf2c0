import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledgments.ts';
import { SERVICES } from '../functions/commons/metric-names.ts';
import { withCountryDatabase } from './geo-database.ts';
import { AnalyticsFunction, TABLE_READ } from './analytics-function.ts';
import type { AnalyticsApi } from './api.ts';
import { apiLinkOutputs } from './api-links.ts';
import { resolveConfig, type StackConfig, type WebsiteAnalyticsProps } from './config.ts';
import { FunctionUrlIngestion, functionUrlIngestProps } from './function-url-ingestion.ts';
import { httpApi } from './http-api.ts';
import { Monitoring } from './monitoring.ts';
import { restApi } from './rest-api.ts';
import { assetsBundling } from './tracker-script.ts';
import { Lake } from './lake.ts';
import { lakeCompactor } from './lake-compactor.ts';
import { LAKE_PREFIX } from '../functions/domain/lake.ts';

/** The stats function's timeout: its lake queries get 2 s less. */
const STATS_TIMEOUT_SECONDS = 10;

/** The queues' MaximumMessageSize (SQS's largest). */
export const QUEUE_MAX_MESSAGE_BYTES = 1_048_576;

/**
 * POST /event, POST /events -> Ingest -> EventsQueue -> Processor -> EventsTable + AggregatesTable;
 * GET /stats -> Stats -> AggregatesTable; GET /t.js, GET /dashboard -> Assets (the beacon script,
 * the dashboard), behind a REST or HTTP API (context `apiType`) whose routes are functions/api/routes.ts.
 * See docs/architecture.md.
 * Every setting is a prop (settings.ts), checked and defaulted by config.ts; the project's own app
 * reads them from CDK context (analytics-stack.ts). Add it with the id `Default` to keep the
 * logical IDs of a stack that held these resources itself.
 */
export class WebsiteAnalytics extends Construct {
  /** The settings in effect: the props, checked, with the defaults applied. */
  readonly config: StackConfig;
  readonly eventsTable: Table;
  readonly aggregatesTable: Table;
  /** Site API keys (by hash) and site registrations (restricted ingestion). */
  readonly sitesTable: Table;
  /** The generated admin key of the stats API. */
  readonly adminApiKey: Secret;
  readonly eventsQueue: Queue;
  readonly eventsDlq: Queue;
  readonly ingestFunction: AnalyticsFunction;
  readonly processorFunction: AnalyticsFunction;
  readonly statsFunction: AnalyticsFunction;
  /** Serves the beacon script (GET /t.js) and the dashboard's files. */
  readonly assetsFunction: AnalyticsFunction;
  /** Compacts the lake's closed days, hourly (docs/lake.md#compaction). */
  readonly compactorFunction: AnalyticsFunction;
  /** The ingest function's URL with `ingestion: 'function-url'`; undefined otherwise. */
  readonly ingestUrl?: FunctionUrlIngestion;
  /** The REST or HTTP API, as chosen by context `apiType`. */
  readonly api: AnalyticsApi;
  /** The raw-event lake: its bucket, Glue table and Athena workgroup. */
  readonly lake: Lake;
  /** Alarms, their SNS topic and the dashboard. */
  readonly monitoring: Monitoring;
  /** Base URL of the API (output `ApiUrl`; `https://<domainName>/` with a custom domain): `<url>t.js` is the beacon script, `<url>dashboard` the dashboard. */
  readonly apiUrl: string;
  /** The raw-event lake's bucket (`lake.bucket`). */
  readonly lakeBucket: Bucket;
  /** The SNS topic of the alarms (`monitoring.alarmTopic`). */
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: WebsiteAnalyticsProps = {}) {
    super(scope, id);
    const config = resolveConfig((key) => props[key as keyof WebsiteAnalyticsProps], 'prop');
    this.config = config;
    const removalPolicy = config.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    // Tables
    const keys = {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      removalPolicy,
    };
    this.eventsTable = new Table(this, 'EventsTable', { ...keys, timeToLiveAttribute: 'expires_at' });
    acknowledge(this.eventsTable, ['AwsSolutions-DDB3'], 'eventsTableBackup');
    // The counts and the keys cannot be rebuilt from anything else: point-in-time recovery (35 days).
    const recovery = { pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: config.pointInTimeRecovery } };
    this.aggregatesTable = new Table(this, 'AggregatesTable', { ...keys, ...recovery });
    this.sitesTable = new Table(this, 'SitesTable', { ...keys, ...recovery });
    if (!config.pointInTimeRecovery) {
      for (const table of [this.aggregatesTable, this.sitesTable]) acknowledge(table, ['AwsSolutions-DDB3'], 'backupSwitchedOff');
    }

    // The admin key of the stats API (reads every site): generated at deployment, never in the template.
    this.adminApiKey = new Secret(this, 'AdminApiKey', {
      description: 'Admin key of the stats API: send it as "Authorization: Bearer <key>" to read any site',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy,
    });
    acknowledge(this.adminApiKey, ['AwsSolutions-SMG4'], 'adminKeyRotation');

    // Queues: messages up to 1 MiB, so a POST /events batch (256 KB) is always one message;
    // encrypted at rest, and a queue policy refuses requests that do not use TLS.
    const maxMessageSizeBytes = QUEUE_MAX_MESSAGE_BYTES;
    const queueSecurity = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true };
    this.eventsDlq = new Queue(this, 'EventsDlq', {
      maxMessageSizeBytes,
      retentionPeriod: Duration.days(14),
      ...queueSecurity,
      removalPolicy,
    });
    this.eventsQueue = new Queue(this, 'EventsQueue', {
      maxMessageSizeBytes,
      visibilityTimeout: Duration.seconds(6 * config.processorTimeoutSeconds),
      deadLetterQueue: { queue: this.eventsDlq, maxReceiveCount: config.maxReceiveCount },
      ...queueSecurity,
      removalPolicy,
    });

    // Every counted event once, for Athena and for exports (GET /stats/export).
    this.lake = new Lake(this, 'Lake', { retentionDays: config.lakeRetentionDays, scanLimitMb: config.athenaScanLimitMb, removalPolicy });

    // Functions
    const logs = { logRetention: config.logRetention, logRemovalPolicy: removalPolicy, logLevel: config.logLevel };

    this.ingestFunction = new AnalyticsFunction(this, 'IngestFunction', {
      ...logs,
      service: SERVICES.ingest,
      // Restricted ingestion is its own entry, so open ingestion loads the DynamoDB client only for a back-dating request.
      entry: config.restrictIngestion ? 'functions/ingest/restricted-handler.ts' : 'functions/ingest/handler.ts',
      description: config.restrictIngestion
        ? 'Validates page events of registered sites and queues them (POST /event, POST /events)'
        : 'Validates page events and queues them (POST /event, POST /events)',
      memorySize: 128,
      timeout: Duration.seconds(5),
      // Invoked once per request: Lambda's START/END/REPORT lines would cost more in CloudWatch
      // Logs than the one metrics line it writes (docs/cost.md); its duration is in AWS/Lambda metrics.
      platformLogs: false,
      environment: {
        QUEUE_MAX_MESSAGE_BYTES: String(maxMessageSizeBytes),
        BOT_FILTER: String(config.botFilter),
        // A request that back-dates events over 7 days (an import) shows a site key or the admin key.
        ADMIN_API_KEY_SECRET_ARN: this.adminApiKey.secretArn,
      },
      // Visitors' countries are looked up at ingestion in the database the npm package ships.
      bundling: () => withCountryDatabase(),
      // With ingestion=function-url: its own entry, the beacon script, reserved concurrency.
      ...functionUrlIngestProps(config),
    })
      .useQueue(this.eventsQueue, 'QUEUE_URL', 'send')
      // GetItem: the key of a request that back-dates events, by hash; BatchGetItem: registrations, when restricted.
      .useTable(this.sitesTable, 'SITES_TABLE', config.restrictIngestion ? ['GetItem', 'BatchGetItem'] : ['GetItem']);
    this.adminApiKey.grantRead(this.ingestFunction);

    this.processorFunction = new AnalyticsFunction(this, 'ProcessorFunction', {
      ...logs,
      service: SERVICES.processor,
      entry: 'functions/processor/handler.ts',
      description: 'Counts queued events exactly once into the aggregates',
      memorySize: 512,
      timeout: Duration.seconds(config.processorTimeoutSeconds),
      environment: {
        RETENTION_DAYS: String(config.retentionDays),
        PATH_BUCKETS: String(config.pathBuckets),
        // A claim older than twice the timeout belongs to a dead invocation; it stays below the
        // queue's visibility timeout (6x), so a redelivered message always finds it stale.
        CLAIM_LEASE_SECONDS: String(config.processorTimeoutSeconds * 2),
      },
    })
      .useTable(this.eventsTable, 'EVENTS_TABLE', ['PutItem', 'UpdateItem', 'GetItem', 'ConditionCheckItem'])
      // TransactWriteItems is authorised per item: Put/Update/ConditionCheck on each table it touches.
      .useTable(this.aggregatesTable, 'AGGREGATES_TABLE', [...TABLE_READ, 'PutItem', 'UpdateItem', 'ConditionCheckItem'])
      // The sites' time zones (site registrations), one BatchGetItem per batch at most.
      .useTable(this.sitesTable, 'SITES_TABLE', ['BatchGetItem'])
      // Writes each commit unit's objects; lists and deletes those of units that never committed.
      .useBucket(this.lake.bucket, 'LAKE_BUCKET', LAKE_PREFIX, ['PutObject', 'DeleteObject'])
      .consumeQueue(this.eventsQueue, {
        batchSize: config.batchSize,
        maxBatchingWindow: Duration.seconds(config.batchWindowSeconds),
        reportBatchItemFailures: true,
        maxConcurrency: config.processorMaxConcurrency,
      });

    this.statsFunction = new AnalyticsFunction(this, 'StatsFunction', {
      ...logs,
      service: SERVICES.stats,
      entry: 'functions/stats/handler.ts',
      description: 'Reads site statistics (GET /stats) for holders of a site key or the admin key',
      memorySize: 256,
      timeout: Duration.seconds(STATS_TIMEOUT_SECONDS),
      // PATH_BUCKETS: a range of days reads each day's path buckets by key (store/read/range-partitions.ts).
      // LAKE_LIMIT_MS: a lake query is given up 2 s before the function's timeout, so a slow one
      // is answered 503 lake_timeout, not cut off by the timeout (a 502 from the API).
      environment: {
        ADMIN_API_KEY_SECRET_ARN: this.adminApiKey.secretArn,
        PATH_BUCKETS: String(config.pathBuckets),
        LAKE_LIMIT_MS: String((STATS_TIMEOUT_SECONDS - 2) * 1000),
        // GET /stats/realtime says how far behind the lake may be: a batch waits up to the processor's window.
        BATCH_WINDOW_SECONDS: String(config.batchWindowSeconds),
      },
    })
      .useTable(this.aggregatesTable, 'AGGREGATES_TABLE', 'read')
      // GetItem: keys by hash, and a site's goals (store/sites/goals.ts); BatchGetItem: sites' time zones (store/sites/site-zones.ts, as the processor reads them).
      .useTable(this.sitesTable, 'SITES_TABLE', ['GetItem', 'BatchGetItem'])
      // GET /stats/export lists a site's objects and signs URLs to them (the URLs carry this role's rights).
      .useBucket(this.lake.bucket, 'LAKE_BUCKET', LAKE_PREFIX, ['GetObject']);
    this.adminApiKey.grantRead(this.statsFunction);
    // Filtered figures and rows past the counters: Athena queries of the lake in its workgroup.
    this.lake.grantQueries(this.statsFunction);

    // Serves a constant: no access to tables or queues, only the logging settings every function gets.
    this.assetsFunction = new AnalyticsFunction(this, 'AssetsFunction', {
      ...logs,
      service: SERVICES.assets,
      entry: 'functions/assets/handler.ts',
      description: 'Serves the beacon script websites embed (GET /t.js) and the dashboard (GET /dashboard)',
      memorySize: 128,
      timeout: Duration.seconds(3),
      bundling: assetsBundling,
    });

    this.compactorFunction = lakeCompactor(this, { logs, config, lake: this.lake, eventsTable: this.eventsTable });

    // API: REST (default; what free LocalStack and `npm start` serve) or HTTP (cheaper on AWS)
    const functions = { ingest: this.ingestFunction, stats: this.statsFunction, assets: this.assetsFunction };
    this.api = config.apiType === 'http' ? httpApi(this, functions, config) : restApi(this, functions, config);
    // With ingestion=function-url, ingestion and t.js are the ingest function's URL's, not the API's.
    if (config.ingestion === 'function-url') this.ingestUrl = new FunctionUrlIngestion(this, 'IngestionUrl', { ingest: this.ingestFunction });

    this.apiUrl = this.api.url;
    this.lakeBucket = this.lake.bucket;

    this.monitoring = new Monitoring(this, 'Monitoring', {
      config,
      api: this.api,
      eventsQueue: this.eventsQueue,
      eventsDlq: this.eventsDlq,
      functions: {
        ingest: this.ingestFunction,
        processor: this.processorFunction,
        stats: this.statsFunction,
        assets: this.assetsFunction,
        compactor: this.compactorFunction,
      },
      tables: { events: this.eventsTable, aggregates: this.aggregatesTable, sites: this.sitesTable },
    });

    this.alarmTopic = this.monitoring.alarmTopic;

    // Outputs (operators, `npm start` and local/localstack/deploy.sh read these)
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the API (https://<domainName>/ with a custom domain)' });
    apiLinkOutputs(this, this.api, this.ingestUrl?.url);
    new CfnOutput(this, 'ApiId', { value: this.api.apiId, description: `${this.api.type === 'http' ? 'HTTP' : 'REST'} API id` });
    new CfnOutput(this, 'ApiStage', { value: this.api.stageName, description: 'API stage name' });
    new CfnOutput(this, 'EventsQueueUrl', { value: this.eventsQueue.queueUrl });
    new CfnOutput(this, 'EventsDlqUrl', { value: this.eventsDlq.queueUrl });
    new CfnOutput(this, 'EventsTableName', { value: this.eventsTable.tableName });
    new CfnOutput(this, 'AggregatesTableName', { value: this.aggregatesTable.tableName });
    new CfnOutput(this, 'SitesTableName', { value: this.sitesTable.tableName, description: 'Site API keys (npm run keys -- --table)' });
    new CfnOutput(this, 'LakeBucketName', { value: this.lake.bucket.bucketName, description: 'Raw-event lake (npm run export -- --bucket)' });
    new CfnOutput(this, 'LakeDatabase', { value: this.lake.databaseName, description: 'Glue database of the lake; its table is "events"' });
    new CfnOutput(this, 'LakeWorkGroup', { value: this.lake.workGroup.ref, description: 'Athena workgroup for lake queries' });
    new CfnOutput(this, 'AdminApiKeySecretArn', {
      value: this.adminApiKey.secretArn,
      description: 'aws secretsmanager get-secret-value --secret-id <arn> --query SecretString --output text',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.alarmTopic.topicArn,
      description: 'SNS topic of the alarms: aws sns subscribe --topic-arn <arn> --protocol email --notification-endpoint <address>',
    });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName, description: 'CloudWatch dashboard of the stack' });
  }
}
