import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS, metricsNamespace } from '../../../functions/commons/metric-names.ts';
import type { MonitoringAlarms } from '../../../infra/monitoring.ts';
import { removeSynthOutputs, synth, type Synthesized } from './synth.ts';

afterAll(removeSynthOutputs);

type Properties = Record<string, any>;
type Dimension = { Name: string; Value: unknown };

const NAMESPACE = metricsNamespace('AnalyticsStack');

const propertiesOf = ({ template, idOf }: Synthesized, construct: IConstruct): Properties =>
  template.toJSON().Resources[idOf(construct)].Properties;

const alarmOf = (synthesized: Synthesized, key: keyof MonitoringAlarms): Properties =>
  propertiesOf(synthesized, synthesized.stack.monitoring.alarms[key] as Alarm);

/** The topic as an alarm action refers to it. */
const topicRef = ({ stack, idOf }: Synthesized) => ({ Ref: idOf(stack.monitoring.alarmTopic) });

/** A metric row of a dashboard graph, with its dimensions as a map. */
interface GraphedMetric {
  widget: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat?: string;
}

/**
 * The dashboard body parsed as JSON. It is an Fn::Join of text and references; each reference
 * becomes the text `{Ref:Id}` or `{Id.Attribute}` so the body parses and tests can look for it.
 */
function dashboardOf(synthesized: Synthesized): { widgets: { type: string; properties: Properties }[] } {
  const body = propertiesOf(synthesized, synthesized.stack.monitoring.dashboard).DashboardBody;
  const [separator, parts] = body['Fn::Join'] as [string, unknown[]];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      if (ref.Ref) return `{Ref:${ref.Ref}}`;
      if (ref['Fn::GetAtt']) return `{${ref['Fn::GetAtt'].join('.')}}`;
      throw new Error(`unexpected part of the dashboard body: ${JSON.stringify(part)}`);
    })
    .join(separator);
  return JSON.parse(text);
}

/** Every metric (not expression) graphed on the dashboard. */
function graphedMetrics(synthesized: Synthesized): GraphedMetric[] {
  return dashboardOf(synthesized).widgets.flatMap(({ type, properties }) => {
    if (type !== 'metric') return [];
    return (properties.metrics as unknown[][])
      .filter((row) => typeof row[0] === 'string')
      .map((row) => {
        const options = (typeof row.at(-1) === 'object' ? row.at(-1) : {}) as { stat?: string };
        const [namespace, metricName, ...rest] = row.filter((cell) => typeof cell === 'string') as string[];
        const dimensions: Record<string, string> = {};
        for (let i = 0; i < rest.length; i += 2) dimensions[rest[i]!] = rest[i + 1]!;
        return { widget: properties.title as string, namespace: namespace!, metricName: metricName!, dimensions, stat: options.stat };
      });
  });
}

const ref = (synthesized: Synthesized, construct: IConstruct) => `{Ref:${synthesized.idOf(construct)}}`;

/** The stage of the REST API (apiType=rest). */
function restStageOf({ stack }: Synthesized): IConstruct {
  if (stack.api.type !== 'rest') throw new Error('not a REST API');
  return stack.api.api.deploymentStage;
}

describe('Monitoring with default configuration (REST API)', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    // Prepare & Act
    synthesized = synth();
  }, 60_000);

  const queueDimension = (s: Synthesized, queue: IConstruct): Dimension[] => [
    { Name: 'QueueName', Value: { 'Fn::GetAtt': [s.idOf(queue), 'QueueName'] } },
  ];
  const functionDimension = (s: Synthesized, fn: IConstruct): Dimension[] => [{ Name: 'FunctionName', Value: { Ref: s.idOf(fn) } }];

  it.each<[keyof MonitoringAlarms, string, (s: Synthesized) => Properties]>([
    [
      'dlqMessages',
      'a message is in the dead-letter queue',
      (s) => ({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: queueDimension(s, s.stack.eventsDlq),
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    ],
    [
      'queueAge',
      'the oldest queued message is older than 10 minutes',
      (s) => ({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: queueDimension(s, s.stack.eventsQueue),
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 600,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    ],
    [
      'processorErrors',
      'a processor invocation fails',
      (s) => ({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: functionDimension(s, s.stack.processorFunction),
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    ],
    [
      'processorThrottles',
      'the processor is throttled',
      (s) => ({
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Dimensions: functionDimension(s, s.stack.processorFunction),
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    ],
    [
      'ingestErrors',
      'an ingest invocation fails',
      (s) => ({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: functionDimension(s, s.stack.ingestFunction),
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    ],
    [
      'compactorErrors',
      'a run of the lake compactor fails',
      (s) => ({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: functionDimension(s, s.stack.compactorFunction),
        Statistic: 'Sum',
        Period: 3600,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    ],
    [
      'apiServerErrors',
      'the REST API answers 5xx (5XXError by ApiName and Stage)',
      (s) => ({
        Namespace: 'AWS/ApiGateway',
        MetricName: '5XXError',
        Dimensions: [
          { Name: 'ApiName', Value: 'AnalyticsStack' },
          { Name: 'Stage', Value: { Ref: s.idOf(restStageOf(s)) } },
        ],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    ],
  ])('raises %s when %s, and tells the topic when it fires and clears', (key, _when, expected) => {
    // Act
    const alarm = alarmOf(synthesized, key);

    // Assess
    expect(alarm).toMatchObject(expected(synthesized));
    expect(alarm.EvaluationPeriods).toBe(1);
    expect(alarm.AlarmName).toMatch(/^AnalyticsStack-/);
    expect(alarm.AlarmDescription).toEqual(expect.any(String));
    expect(alarm.TreatMissingData).toBe('notBreaching');
    expect(alarm.AlarmActions).toEqual([topicRef(synthesized)]);
    expect(alarm.OKActions).toEqual([topicRef(synthesized)]);
  });

  it('has exactly these seven alarms, all on one topic', () => {
    // Assess
    const alarms = Object.values(synthesized.template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(7);
    expect(Object.keys(synthesized.stack.monitoring.alarms)).toHaveLength(7);
    synthesized.template.resourceCountIs('AWS::SNS::Topic', 1);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topicRef(synthesized)]);
  });

  it('names the REST API after the stack, the name its metrics are keyed by', () => {
    // Assess
    const { stack } = synthesized;
    expect(stack.api.type).toBe('rest');
    expect(propertiesOf(synthesized, stack.api.api).Name).toBe('AnalyticsStack');
  });

  it('points the DLQ alarm at the command that shows and redrives the messages', () => {
    // Assess
    expect(alarmOf(synthesized, 'dlqMessages').AlarmDescription).toContain('npm run dlq');
  });

  it('refuses publishing without TLS, and lets this stack\'s alarms publish', () => {
    // Prepare
    const { template, stack, idOf } = synthesized;
    const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));

    // Act
    const [policy] = policies;
    const statements = policy!.Properties.PolicyDocument.Statement as Properties[];

    // Assess
    expect(policies).toHaveLength(1);
    expect(policy!.Properties.Topics).toEqual([{ Ref: idOf(stack.monitoring.alarmTopic) }]);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    const allow = statements.find((statement) => statement.Effect === 'Allow')!;
    expect(allow).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' });
    expect(allow.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(JSON.stringify(allow.Condition.ArnLike)).toContain(':alarm:AnalyticsStack-*');
  });

  it('subscribes no address without alarmEmail', () => {
    // Assess
    synthesized.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('outputs the topic ARN and the dashboard name', () => {
    // Assess
    const { Outputs } = synthesized.template.toJSON();
    expect(Outputs.AlarmTopicArn.Value).toEqual(topicRef(synthesized));
    expect(Outputs.DashboardName.Value).toEqual({ Ref: synthesized.idOf(synthesized.stack.monitoring.dashboard) });
    expect(propertiesOf(synthesized, synthesized.stack.monitoring.dashboard).DashboardName).toBe('AnalyticsStack-operations');
  });

  it('shows the state of every alarm on the dashboard', () => {
    // Act
    const alarmWidget = dashboardOf(synthesized).widgets.find((widget) => widget.type === 'alarm')!;

    // Assess
    const { stack, idOf } = synthesized;
    expect(alarmWidget.properties.alarms).toEqual(Object.values(stack.monitoring.alarms).map((alarm) => `{${idOf(alarm)}.Arn}`));
  });

  it('graphs the ingestion rate: events accepted and API requests', () => {
    // Act
    const metrics = graphedMetrics(synthesized);

    // Assess
    expect(metrics).toContainEqual(
      expect.objectContaining({ namespace: NAMESPACE, metricName: METRICS.eventsAccepted, dimensions: { service: 'ingest' }, stat: 'Sum' }),
    );
    expect(metrics).toContainEqual(
      expect.objectContaining({
        namespace: 'AWS/ApiGateway',
        metricName: 'Count',
        dimensions: { ApiName: 'AnalyticsStack', Stage: ref(synthesized, restStageOf(synthesized)) },
      }),
    );
    expect(JSON.stringify(dashboardOf(synthesized))).toContain('accepted / PERIOD(accepted)');
  });

  it('graphs the processing lag and what the processor counted', () => {
    // Act
    const lag = graphedMetrics(synthesized).filter((m) => m.metricName === METRICS.processingLag);
    const processed = graphedMetrics(synthesized).filter((m) => m.widget === 'Processed events').map((m) => m.metricName);

    // Assess
    expect(lag.map((m) => m.stat)).toEqual(['p50', 'p99', 'Maximum']);
    for (const m of lag) expect(m).toMatchObject({ namespace: NAMESPACE, dimensions: { service: 'processor' } });
    expect(processed).toEqual([METRICS.eventsCounted, METRICS.duplicateEvents, METRICS.invalidMessages, METRICS.batchSize]);
  });

  it('graphs the queue depth and age and the dead-letter queue depth', () => {
    // Prepare
    const { stack } = synthesized;
    const queue = { QueueName: `{${synthesized.idOf(stack.eventsQueue)}.QueueName}` };
    const dlq = { QueueName: `{${synthesized.idOf(stack.eventsDlq)}.QueueName}` };

    // Act
    const sqs = graphedMetrics(synthesized).filter((m) => m.namespace === 'AWS/SQS');

    // Assess
    expect(sqs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ metricName: 'ApproximateNumberOfMessagesVisible', dimensions: queue }),
        expect.objectContaining({ metricName: 'ApproximateNumberOfMessagesNotVisible', dimensions: queue }),
        expect.objectContaining({ metricName: 'ApproximateAgeOfOldestMessage', dimensions: queue }),
        expect.objectContaining({ metricName: 'ApproximateNumberOfMessagesVisible', dimensions: dlq }),
      ]),
    );
  });

  it('graphs errors, throttles and durations of all five functions', () => {
    // Prepare
    const { stack } = synthesized;
    const lambda = graphedMetrics(synthesized).filter((m) => m.namespace === 'AWS/Lambda');

    for (const fn of [stack.ingestFunction, stack.processorFunction, stack.statsFunction, stack.assetsFunction, stack.compactorFunction]) {
      // Act
      const graphed = lambda.filter((m) => m.dimensions.FunctionName === ref(synthesized, fn)).map((m) => `${m.metricName} ${m.stat}`);

      // Assess
      expect(graphed.sort(), fn.node.id).toEqual(['Duration p99', 'Errors Sum', 'Throttles Sum']);
    }
  });

  it('graphs consumed capacity and throttled requests of all three tables', () => {
    // Prepare
    const { stack } = synthesized;
    const dynamodb = graphedMetrics(synthesized).filter((m) => m.namespace === 'AWS/DynamoDB');

    for (const table of [stack.eventsTable, stack.aggregatesTable, stack.sitesTable]) {
      // Act
      const graphed = dynamodb.filter((m) => m.dimensions.TableName === ref(synthesized, table)).map((m) => m.metricName);

      // Assess
      expect(graphed.sort(), table.node.id).toEqual([
        'ConsumedReadCapacityUnits',
        'ConsumedWriteCapacityUnits',
        'ReadThrottleEvents',
        'WriteThrottleEvents',
      ]);
    }
  });

  it('reads every custom metric with the stack\'s namespace and a service dimension', () => {
    // Act
    const custom = graphedMetrics(synthesized).filter((m) => m.namespace.startsWith('BeaconAnalytics/'));

    // Assess
    expect(custom.length).toBeGreaterThan(0);
    for (const m of custom) {
      expect(m.namespace).toBe(NAMESPACE);
      expect(Object.values(METRICS)).toContain(m.metricName);
      expect(Object.keys(m.dimensions)).toEqual(['service']);
    }
    // EventsDropped also has a `reason`: it is graphed by a search over both dimensions.
    expect(JSON.stringify(dashboardOf(synthesized))).toContain(`SEARCH('{\\"${NAMESPACE}\\",reason,service} MetricName=\\"EventsDropped\\"`);
  });
});

describe('Monitoring with apiType=http', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    // Prepare & Act
    synthesized = synth({ apiType: 'http' });
  }, 60_000);

  it('raises apiServerErrors on the HTTP API\'s 5xx metric (by ApiId and Stage), and tells the topic', () => {
    // Act
    const alarm = alarmOf(synthesized, 'apiServerErrors');

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [
        { Name: 'ApiId', Value: { Ref: synthesized.idOf(synthesized.stack.api.api) } },
        { Name: 'Stage', Value: '$default' },
      ],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef(synthesized)],
      OKActions: [topicRef(synthesized)],
    });
  });

  it('graphs the HTTP API\'s request count', () => {
    // Assess
    expect(graphedMetrics(synthesized)).toContainEqual(
      expect.objectContaining({
        namespace: 'AWS/ApiGateway',
        metricName: 'Count',
        dimensions: { ApiId: ref(synthesized, synthesized.stack.api.api), Stage: '$default' },
      }),
    );
  });
});

describe('Monitoring configured through context', () => {
  it('subscribes alarmEmail to the topic', () => {
    // Prepare & Act
    const synthesized = synth({ alarmEmail: 'ops@example.com' });

    // Assess
    synthesized.template.resourceCountIs('AWS::SNS::Subscription', 1);
    synthesized.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: topicRef(synthesized),
    });
  });

  it('sets the queue-age threshold from alarmQueueAgeMinutes, on the alarm and the dashboard', () => {
    // Prepare & Act
    const synthesized = synth({ alarmQueueAgeMinutes: '25' });
    const ageWidget = dashboardOf(synthesized).widgets.find((w) => /age of the oldest message/.test(w.properties.title))!;

    // Assess
    expect(synthesized.stack.config.alarmQueueAgeMinutes).toBe(25);
    expect(alarmOf(synthesized, 'queueAge').Threshold).toBe(1500);
    expect(alarmOf(synthesized, 'queueAge').AlarmDescription).toContain('25 minutes');
    expect(ageWidget.properties.annotations.horizontal).toEqual([expect.objectContaining({ value: 1500 })]);
  });

  it.each([
    ['alarmEmail', { alarmEmail: 'ops' }],
    ['alarmEmail', { alarmEmail: 'ops@example' }],
    ['alarmEmail', { alarmEmail: 'ops @example.com' }],
    ['alarmEmail', { alarmEmail: '' }],
    ['alarmEmail', { alarmEmail: true }],
    ['alarmQueueAgeMinutes', { alarmQueueAgeMinutes: '0' }],
    ['alarmQueueAgeMinutes', { alarmQueueAgeMinutes: '1441' }],
    ['alarmQueueAgeMinutes', { alarmQueueAgeMinutes: '2.5' }],
    ['alarmQueueAgeMinutes', { alarmQueueAgeMinutes: 'ten' }],
    // At or below the batching window, every batch would set the alarm off.
    ['alarmQueueAgeMinutes', { batchWindowSeconds: '300', alarmQueueAgeMinutes: '5' }],
  ])('refuses a bad value and names the key %s (%j)', (key, context) => {
    // Act & Assess
    expect(() => synth(context)).toThrow(`Invalid CDK context value for "${key}"`);
  });
});
