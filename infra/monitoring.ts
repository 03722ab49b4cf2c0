import { Aws, Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS, SERVICES, metricsNamespace, type ServiceName } from '../functions/commons/metric-names.ts';
import type { AnalyticsApi } from './api.ts';
import type { StackConfig } from './config.ts';

export interface MonitoringProps {
  readonly config: Pick<StackConfig, 'alarmEmail' | 'alarmQueueAgeMinutes' | 'ingestion'>;
  readonly api: AnalyticsApi;
  readonly eventsQueue: IQueue;
  readonly eventsDlq: IQueue;
  readonly functions: Readonly<Record<ServiceName, IFunction>>;
  readonly tables: { readonly events: ITable; readonly aggregates: ITable; readonly sites: ITable };
}

/** The alarms of the stack, each sent to the alarm topic when it fires and when it clears. */
export interface MonitoringAlarms {
  /** A message reached the dead-letter queue. */
  readonly dlqMessages: Alarm;
  /** The oldest message of the events queue waited longer than `alarmQueueAgeMinutes`. */
  readonly queueAge: Alarm;
  /** A processor invocation failed as a whole (not a record it reported as failed). */
  readonly processorErrors: Alarm;
  /** Lambda refused to run the processor (account or function concurrency exhausted). */
  readonly processorThrottles: Alarm;
  /** An ingest invocation failed (errors the handler catches are 500s, seen by `apiServerErrors`). */
  readonly ingestErrors: Alarm;
  /** The API answered with a 5xx status. */
  readonly apiServerErrors: Alarm;
  /** A run of the lake's compactor failed; the next run finishes what it left. */
  readonly compactorErrors: Alarm;
  /** With ingestion=function-url: the function URL answered 429 (the ingest function's reserved concurrency is its throttle). */
  readonly ingestThrottles?: Alarm;
  /** With ingestion=function-url: the function URL answered with a 5xx status (api-5xx no longer sees ingestion). */
  readonly ingestUrlServerErrors?: Alarm;
}

interface AlarmSpec {
  /** Appended to the stack name: the alarm's name, and what the topic policy lets publish. */
  readonly name: string;
  readonly metric: IMetric;
  readonly threshold: number;
  /** Default: greater than or equal to the threshold. */
  readonly comparison?: ComparisonOperator;
  /** What the alarm means and what to do; CloudWatch includes it in the notification. */
  readonly description: string;
}

/** Sum over this period for the counting alarms (errors, throttles, 5xx). */
const COUNT_PERIOD = Duration.minutes(5);
/** SQS publishes queue metrics every minute. */
const QUEUE_PERIOD = Duration.minutes(1);
/** Resolution of the dashboard graphs (CloudWatch widens it for long time ranges). */
const GRAPH_PERIOD = Duration.minutes(1);

/**
 * Alarms on the pipeline's failure points, all sent to one SNS topic (optionally mailed to
 * context `alarmEmail`), and a dashboard of ingestion, processing, queues, functions and tables.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly alarms: MonitoringAlarms;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config, api, eventsQueue, eventsDlq, functions, tables } = props;
    const stackName = Stack.of(this).stackName;
    const apiMetrics = apiMetricsOf(api);

    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: `${stackName} alarms`, enforceSSL: true });
    // A topic policy replaces SNS's default one, which is what lets CloudWatch publish: allow it
    // again, for this stack's alarms only.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowAlarmsOfThisStack',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${stackName}-*` },
        },
      }),
    );
    if (config.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));
    const action = new SnsAction(this.alarmTopic);

    const alarm = (alarmId: string, spec: AlarmSpec) => {
      const created = new Alarm(this, alarmId, {
        alarmName: `${stackName}-${spec.name}`,
        alarmDescription: spec.description,
        metric: spec.metric,
        threshold: spec.threshold,
        comparisonOperator: spec.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // No data means no traffic (or an idle queue), which is not a failure.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      return created;
    };

    const queueAgeSeconds = config.alarmQueueAgeMinutes * 60;
    this.alarms = {
      dlqMessages: alarm('DlqMessagesAlarm', {
        name: 'dlq-messages',
        metric: eventsDlq.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: QUEUE_PERIOD }),
        threshold: 1,
        description:
          'Messages are in the dead-letter queue: events the processor failed maxReceiveCount times. ' +
          'Inspect them with `npm run dlq -- list`, fix the cause, then `npm run dlq -- redrive`.',
      }),
      queueAge: alarm('QueueAgeAlarm', {
        name: 'queue-age',
        metric: eventsQueue.metricApproximateAgeOfOldestMessage({ statistic: Stats.MAXIMUM, period: QUEUE_PERIOD }),
        threshold: queueAgeSeconds,
        comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
        description:
          `The oldest message of the events queue is older than ${config.alarmQueueAgeMinutes} minutes: ` +
          'the processor is failing, throttled or too slow for the traffic, and counts lag behind.',
      }),
      processorErrors: alarm('ProcessorErrorsAlarm', {
        name: 'processor-errors',
        metric: functions.processor.metricErrors({ statistic: Stats.SUM, period: COUNT_PERIOD }),
        threshold: 1,
        description:
          'Processor invocations failed as a whole (an exception, a timeout, out of memory): the batch returns to the queue ' +
          'and, after maxReceiveCount receives, goes to the dead-letter queue. Read the processor logs.',
      }),
      processorThrottles: alarm('ProcessorThrottlesAlarm', {
        name: 'processor-throttles',
        metric: functions.processor.metricThrottles({ statistic: Stats.SUM, period: COUNT_PERIOD }),
        threshold: 1,
        description: 'Lambda throttled the processor: the account or function concurrency is exhausted, so the queue drains slower.',
      }),
      ingestErrors: alarm('IngestErrorsAlarm', {
        name: 'ingest-errors',
        metric: functions.ingest.metricErrors({ statistic: Stats.SUM, period: COUNT_PERIOD }),
        threshold: 1,
        description:
          "Ingest invocations failed outside the handler's error handling (a timeout, out of memory, a cold start that could " +
          'not read its configuration): those requests got a 5xx and their events were not queued. Read the ingest logs.',
      }),
      apiServerErrors: alarm('ApiServerErrorsAlarm', {
        name: 'api-5xx',
        metric: apiMetrics.serverErrors,
        threshold: 1,
        description:
          'The API answered requests with a 5xx status: a function answered 500 (e.g. the queue refused a message), failed, ' +
          'timed out or was throttled. The Errors widget of the dashboard shows which function; read its logs.',
      }),
      compactorErrors: alarm('CompactorErrorsAlarm', {
        name: 'compactor-errors',
        metric: functions.compactor.metricErrors({ statistic: Stats.SUM, period: Duration.hours(1) }),
        threshold: 1,
        description:
          'A run of the lake compactor failed: the lake stays exact (the next run, an hour later, finishes the job), ' +
          'but Athena opens more files per day until one succeeds. Read the compactor logs.',
      }),
      ...(config.ingestion === 'function-url' && {
        ingestThrottles: alarm('IngestThrottlesAlarm', {
          name: 'ingest-throttles',
          metric: functions.ingest.metricThrottles({ statistic: Stats.SUM, period: COUNT_PERIOD }),
          threshold: 1,
          description:
            'Lambda throttled ingest requests of the function URL (answered 429, events not queued): traffic reached the reserved ' +
            'concurrency (-c ingestReservedConcurrency, about 10 requests/s per unit). Raise it if the traffic is real.',
        }),
        ingestUrlServerErrors: alarm('IngestUrlServerErrorsAlarm', {
          name: 'ingest-url-5xx',
          metric: functions.ingest.metric('Url5xxCount', { statistic: Stats.SUM, period: COUNT_PERIOD }),
          threshold: 1,
          description: 'The ingestion function URL answered requests with a 5xx status: the function answered 500, failed or timed out. Read the ingest logs.',
        }),
      }),
    };

    const namespace = metricsNamespace(stackName);
    const custom = (metricName: string, service: ServiceName, statistic: string, label: string) =>
      new Metric({ namespace, metricName, dimensionsMap: { service }, statistic, label, period: GRAPH_PERIOD });
    const perSecond = (id: string, metric: Metric, label: string) =>
      new MathExpression({ expression: `${id} / PERIOD(${id})`, usingMetrics: { [id]: metric }, label, period: GRAPH_PERIOD });
    const graph = { period: GRAPH_PERIOD, width: 8, height: 6 };
    const eachFunction = (metricOf: (fn: IFunction, label: string) => IMetric) =>
      Object.entries(functions).map(([service, fn]) => metricOf(fn, service));
    const tableEntries = Object.entries(tables);

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${stackName}-operations`, defaultInterval: Duration.hours(3) });
    const rows: IWidget[][] = [
      [new AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 24, height: 3 })],
      [
        new GraphWidget({
          ...graph,
          title: 'Ingestion rate (per second)',
          left: [
            perSecond('accepted', custom(METRICS.eventsAccepted, SERVICES.ingest, Stats.SUM, 'events accepted'), 'events accepted'),
            perSecond('requests', apiMetrics.requests, 'API requests'),
          ],
        }),
        new GraphWidget({
          ...graph,
          title: 'Events dropped at ingestion, by reason',
          left: [
            new MathExpression({
              expression: `SEARCH('{"${namespace}",reason,service} MetricName="${METRICS.eventsDropped}" service="${SERVICES.ingest}"', 'Sum', ${GRAPH_PERIOD.toSeconds()})`,
              usingMetrics: {},
              label: '',
              period: GRAPH_PERIOD,
            }),
          ],
        }),
        new GraphWidget({
          ...graph,
          title: 'Processing lag (received to counted, ms)',
          left: [Stats.p(50), Stats.p(99), Stats.MAXIMUM].map((statistic) =>
            custom(METRICS.processingLag, SERVICES.processor, statistic, statistic),
          ),
        }),
      ],
      [
        new GraphWidget({
          ...graph,
          title: 'Events queue depth',
          left: [
            eventsQueue.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: GRAPH_PERIOD, label: 'waiting' }),
            eventsQueue.metricApproximateNumberOfMessagesNotVisible({ statistic: Stats.MAXIMUM, period: GRAPH_PERIOD, label: 'in flight' }),
          ],
        }),
        new GraphWidget({
          ...graph,
          title: 'Events queue: age of the oldest message (s)',
          left: [eventsQueue.metricApproximateAgeOfOldestMessage({ statistic: Stats.MAXIMUM, period: GRAPH_PERIOD, label: 'oldest message' })],
          leftAnnotations: [{ value: queueAgeSeconds, label: 'alarm' }],
        }),
        new GraphWidget({
          ...graph,
          title: 'Dead-letter queue depth',
          left: [eventsDlq.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: GRAPH_PERIOD, label: 'messages' })],
          leftAnnotations: [{ value: 1, label: 'alarm' }],
        }),
      ],
      [
        new GraphWidget({
          ...graph,
          title: 'Processed events',
          left: [
            custom(METRICS.eventsCounted, SERVICES.processor, Stats.SUM, 'counted'),
            custom(METRICS.duplicateEvents, SERVICES.processor, Stats.SUM, 'duplicates'),
            custom(METRICS.invalidMessages, SERVICES.processor, Stats.SUM, 'invalid messages'),
          ],
          right: [custom(METRICS.batchSize, SERVICES.processor, Stats.MAXIMUM, 'largest batch')],
        }),
        new GraphWidget({
          ...graph,
          title: 'Errors',
          left: [
            apiMetrics.serverErrors.with({ period: GRAPH_PERIOD, label: 'API 5xx' }),
            ...eachFunction((fn, label) => fn.metricErrors({ statistic: Stats.SUM, period: GRAPH_PERIOD, label: `${label} errors` })),
          ],
        }),
        new GraphWidget({
          ...graph,
          title: 'Function throttles',
          left: eachFunction((fn, label) => fn.metricThrottles({ statistic: Stats.SUM, period: GRAPH_PERIOD, label })),
        }),
      ],
      [
        new GraphWidget({
          ...graph,
          title: 'Function duration p99 (ms)',
          left: eachFunction((fn, label) => fn.metricDuration({ statistic: Stats.p(99), period: GRAPH_PERIOD, label })),
          right: [custom(METRICS.statsLatency, SERVICES.stats, Stats.p(99), 'stats answer p99')],
        }),
        new GraphWidget({
          ...graph,
          title: 'DynamoDB consumed capacity units',
          left: tableEntries.map(([label, table]) =>
            table.metricConsumedWriteCapacityUnits({ statistic: Stats.SUM, period: GRAPH_PERIOD, label: `${label} write` }),
          ),
          right: tableEntries.map(([label, table]) =>
            table.metricConsumedReadCapacityUnits({ statistic: Stats.SUM, period: GRAPH_PERIOD, label: `${label} read` }),
          ),
        }),
        new GraphWidget({
          ...graph,
          title: 'DynamoDB throttled requests',
          left: tableEntries.flatMap(([label, table]) =>
            (['Write', 'Read'] as const).map((kind) =>
              table.metric(`${kind}ThrottleEvents`, { statistic: Stats.SUM, period: GRAPH_PERIOD, label: `${label} ${kind.toLowerCase()}` }),
            ),
          ),
        }),
      ],
    ];
    for (const row of rows) this.dashboard.addWidgets(...row);
  }
}

/** The API's 5xx count and request count, with the dimensions of its type. */
function apiMetricsOf(api: AnalyticsApi): { serverErrors: Metric; requests: Metric } {
  if (api.type === 'rest') {
    // Dimensions ApiName and Stage; the metric name is 5XXError.
    const stage = api.api.deploymentStage;
    return {
      serverErrors: stage.metricServerError({ statistic: Stats.SUM, period: COUNT_PERIOD }),
      requests: stage.metricCount({ statistic: Stats.SUM, period: GRAPH_PERIOD, label: 'API requests' }),
    };
  }
  // HTTP APIs publish 5xx and Count with dimensions ApiId and Stage.
  const dimensionsMap = { ApiId: api.apiId, Stage: api.stageName };
  const metric = (metricName: string, period: Duration) =>
    new Metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap, statistic: Stats.SUM, period });
  return { serverErrors: metric('5xx', COUNT_PERIOD), requests: metric('Count', GRAPH_PERIOD) };
}
