// Creates the template's DynamoDB tables and SQS queues in the emulators and returns what each
// logical id is bound to locally (names, ARNs, queue URLs).
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { Resolver, localBindings, type LocalBindings, type QueueModel, type TableModel, type TemplateModel } from './template.ts';

export interface CreateResourcesOptions {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  sqsEndpoint: string;
  /** The S3 emulator (fauxqs serves S3 beside SQS); without it, the template's buckets are not created. */
  s3?: S3Client;
  log?: (line: string) => void;
}

/** Creates every table, queue and bucket of the template (an existing table with the same key schema is reused). */
export async function createResources(model: TemplateModel, opts: CreateResourcesOptions): Promise<LocalBindings> {
  const bindings = localBindings(model, { sqsEndpoint: opts.sqsEndpoint });
  await Promise.all([
    ...Object.values(model.tables).map((table) => createTable(table, opts)),
    createQueues(model, bindings, opts),
    // CreateBucket is idempotent in the emulator.
    ...Object.values(model.buckets).map((bucket) => opts.s3?.send(new CreateBucketCommand({ Bucket: bucket.name }))),
  ]);
  return bindings;
}

export function createTableInput(table: TableModel): CreateTableCommandInput {
  const provisioned = table.billingMode === 'PROVISIONED';
  return {
    TableName: table.name,
    KeySchema: table.keySchema,
    AttributeDefinitions: table.attributeDefinitions,
    BillingMode: table.billingMode,
    ...(provisioned ? { ProvisionedThroughput: table.provisionedThroughput } : {}),
    ...(table.globalSecondaryIndexes.length
      ? {
          GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((index) => ({
            IndexName: index.IndexName,
            KeySchema: index.KeySchema,
            Projection: index.Projection as NonNullable<CreateTableCommandInput['GlobalSecondaryIndexes']>[number]['Projection'],
            ...(provisioned
              ? { ProvisionedThroughput: index.ProvisionedThroughput ?? table.provisionedThroughput }
              : {}),
          })),
        }
      : {}),
    ...(table.localSecondaryIndexes.length
      ? {
          LocalSecondaryIndexes: table.localSecondaryIndexes.map((index) => ({
            IndexName: index.IndexName,
            KeySchema: index.KeySchema,
            Projection: index.Projection as NonNullable<CreateTableCommandInput['LocalSecondaryIndexes']>[number]['Projection'],
          })),
        }
      : {}),
    ...(table.streamViewType
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.streamViewType as 'NEW_AND_OLD_IMAGES' } }
      : {}),
  };
}

async function createTable(table: TableModel, opts: CreateResourcesOptions): Promise<void> {
  const { dynamodb } = opts;
  try {
    await dynamodb.send(new CreateTableCommand(createTableInput(table)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    // Kept from an earlier run (-dbPath): fine if the keys did not change.
    const existing = await dynamodb.send(new DescribeTableCommand({ TableName: table.name }));
    const keys = (schema: { AttributeName?: string; KeyType?: string }[] | undefined): string =>
      JSON.stringify((schema ?? []).map((k) => [k.AttributeName, k.KeyType]));
    if (keys(existing.Table?.KeySchema) !== keys(table.keySchema)) {
      throw new Error(`Table ${table.name} already exists with a different key schema; delete the DynamoDB Local data folder`);
    }
    opts.log?.(`table ${table.name} already exists, reusing it`);
  }
  if (table.timeToLive?.enabled) {
    try {
      await dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: table.name,
          TimeToLiveSpecification: { AttributeName: table.timeToLive.attributeName, Enabled: true },
        }),
      );
    } catch (error) {
      if (!/already enabled/i.test((error as Error).message)) throw error;
    }
  }
}

/** Queues in creation order: every dead-letter queue before the queues that redrive to it. */
export function queueCreationOrder(model: TemplateModel): QueueModel[] {
  const ordered: QueueModel[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (queue: QueueModel): void => {
    const seen = state.get(queue.logicalId);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error(`Redrive cycle through queue ${queue.logicalId}`);
    state.set(queue.logicalId, 'visiting');
    const target = queue.redrive && model.queues[queue.redrive.deadLetterQueueLogicalId];
    if (queue.redrive && !target) throw new Error(`Queue ${queue.logicalId}: dead-letter queue ${queue.redrive.deadLetterQueueLogicalId} not found`);
    if (target) visit(target);
    state.set(queue.logicalId, 'done');
    ordered.push(queue);
  };
  Object.values(model.queues).forEach(visit);
  return ordered;
}

async function createQueues(model: TemplateModel, bindings: LocalBindings, opts: CreateResourcesOptions): Promise<void> {
  const resolver = new Resolver(model, bindings);
  for (const queue of queueCreationOrder(model)) {
    const attributes: Record<string, string> = { ...queue.attributes };
    if (queue.redrive) {
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: bindings.queues[queue.redrive.deadLetterQueueLogicalId]!.arn,
        maxReceiveCount: queue.redrive.maxReceiveCount,
      });
    }
    if (queue.redriveAllowPolicy !== undefined) {
      const policy = resolver.resolve(
        typeof queue.redriveAllowPolicy === 'string' ? JSON.parse(queue.redriveAllowPolicy) : queue.redriveAllowPolicy,
        `${queue.logicalId}.RedriveAllowPolicy`,
      );
      attributes.RedriveAllowPolicy = JSON.stringify(policy);
    }
    const created = await opts.sqs.send(new CreateQueueCommand({ QueueName: queue.name, Attributes: attributes }));
    const described = await opts.sqs.send(new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ['QueueArn'] }));
    const binding = bindings.queues[queue.logicalId]!;
    binding.url = created.QueueUrl!;
    binding.arn = described.Attributes?.QueueArn ?? binding.arn;
  }
}
