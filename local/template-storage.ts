// The data stores of a template as the local runtime creates them: DynamoDB tables (keys,
// indexes, billing, TTL, streams), SQS queues (attributes and redrive) and S3 buckets, with the
// local names CloudFormation would have given them.
import {
  literalString,
  localPhysicalName,
  pick,
  type AttributeDefinition,
  type BucketModel,
  type KeySchemaElement,
  type QueueModel,
  type SecondaryIndex,
  type TableModel,
  type TemplateModel,
} from './template-model.ts';
import { referencedLogicalId } from './template-references.ts';
import type { Resolver } from './template-resolver.ts';

const TABLE_PROPERTIES = [
  'TableName',
  'KeySchema',
  'AttributeDefinitions',
  'BillingMode',
  'ProvisionedThroughput',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
  'TimeToLiveSpecification',
  'StreamSpecification',
];
export function interpretTable(
  model: TemplateModel,
  logicalId: string,
  type: TableModel['type'],
  rawProps: Record<string, unknown>,
  resolver: Resolver,
): TableModel {
  const props = resolver.resolve(pick(rawProps, TABLE_PROPERTIES)) as Record<string, unknown>;
  const keySchema = props.KeySchema as KeySchemaElement[] | undefined;
  const attributeDefinitions = props.AttributeDefinitions as AttributeDefinition[] | undefined;
  if (!keySchema?.length || !attributeDefinitions?.length) {
    throw new Error(`Table ${logicalId}: KeySchema and AttributeDefinitions are required`);
  }
  const ttl = props.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
  const stream = props.StreamSpecification as { StreamViewType?: string; StreamEnabled?: boolean } | undefined;
  const billingMode =
    (props.BillingMode as TableModel['billingMode'] | undefined) ??
    // GlobalTable defaults to on-demand, Table to provisioned
    (type === 'AWS::DynamoDB::GlobalTable' ? 'PAY_PER_REQUEST' : 'PROVISIONED');
  const throughput = props.ProvisionedThroughput as TableModel['provisionedThroughput'];
  return {
    logicalId,
    type,
    name: literalString(props.TableName) ?? localPhysicalName(model.stackName, logicalId, 255),
    keySchema,
    attributeDefinitions,
    billingMode,
    provisionedThroughput:
      billingMode === 'PROVISIONED' ? (throughput ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 }) : undefined,
    globalSecondaryIndexes: ((props.GlobalSecondaryIndexes as SecondaryIndex[] | undefined) ?? []).map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
      ...(index.ProvisionedThroughput ? { ProvisionedThroughput: index.ProvisionedThroughput } : {}),
    })),
    localSecondaryIndexes: ((props.LocalSecondaryIndexes as SecondaryIndex[] | undefined) ?? []).map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
    })),
    timeToLive: ttl?.AttributeName ? { attributeName: ttl.AttributeName, enabled: ttl.Enabled !== false } : undefined,
    streamViewType: stream && stream.StreamEnabled !== false ? stream.StreamViewType : undefined,
  };
}

export function interpretBucket(model: TemplateModel, logicalId: string, rawProps: Record<string, unknown>, resolver: Resolver): BucketModel {
  // Lifecycle rules are not applied locally (the emulator stores them and never expires anything).
  const props = resolver.resolve(pick(rawProps, ['BucketName'])) as Record<string, unknown>;
  return {
    logicalId,
    name: literalString(props.BucketName) ?? localPhysicalName(model.stackName, logicalId, 63).toLowerCase().replace(/_/g, '-'),
  };
}

/** CloudFormation AWS::SQS::Queue properties that are SQS queue attributes of the same name. */
const QUEUE_ATTRIBUTE_PROPERTIES = [
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'DelaySeconds',
  'FifoQueue',
  'FifoThroughputLimit',
  'KmsDataKeyReusePeriodSeconds',
  'KmsMasterKeyId',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'SqsManagedSseEnabled',
  'VisibilityTimeout',
];

export function interpretQueue(model: TemplateModel, logicalId: string, rawProps: Record<string, unknown>, resolver: Resolver): QueueModel {
  const { RedrivePolicy: rawRedrive, RedriveAllowPolicy: redriveAllowPolicy } = rawProps;
  const props = resolver.resolve(pick(rawProps, [...QUEUE_ATTRIBUTE_PROPERTIES, 'QueueName'])) as Record<string, unknown>;
  const attributes: Record<string, string> = {};
  for (const key of QUEUE_ATTRIBUTE_PROPERTIES) {
    if (props[key] !== undefined && props[key] !== null) attributes[key] = String(props[key]);
  }
  const fifo = attributes.FifoQueue === 'true';
  let redrive: QueueModel['redrive'];
  if (rawRedrive !== undefined) {
    const policy = (typeof rawRedrive === 'string' ? JSON.parse(rawRedrive) : rawRedrive) as {
      deadLetterTargetArn?: unknown;
      maxReceiveCount?: unknown;
    };
    const target = referencedLogicalId(policy.deadLetterTargetArn, model.template, 'AWS::SQS::Queue');
    if (!target) {
      throw new Error(`Queue ${logicalId}: RedrivePolicy.deadLetterTargetArn must reference a queue of this stack`);
    }
    redrive = { deadLetterQueueLogicalId: target, maxReceiveCount: Number(policy.maxReceiveCount ?? 10) };
  }
  return {
    logicalId,
    name: literalString(props.QueueName) ?? localPhysicalName(model.stackName, logicalId, 80, fifo ? '.fifo' : ''),
    fifo,
    attributes,
    redrive,
    redriveAllowPolicy,
  };
}
