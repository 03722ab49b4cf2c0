// Reads a synthesized CloudFormation template (cdk.out) and interprets the parts the local runtime
// emulates: DynamoDB tables, S3 buckets, SQS queues, Lambda functions (bundled assets), SQS event
// source mappings and REST API (v1) routes. Nothing here talks to an emulator: names, ARNs and
// queue URLs of the local resources are computed (template-resolver.ts, localBindings) and
// intrinsic functions are resolved against them. The shapes are in template-model.ts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  apiIdFor,
  literalString,
  localPhysicalName,
  type AttributeDefinition,
  type BucketModel,
  type KeySchemaElement,
  type SecondaryIndex,
  type CfnResource,
  type CfnTemplate,
  type EventSourceMappingModel,
  type FunctionModel,
  type GatewayResponseModel,
  type IntegrationModel,
  type QueueModel,
  type RestApiModel,
  type RouteModel,
  type StageModel,
  type TableModel,
  type TemplateModel,
  LOCAL_REGION,
  LOCAL_ACCOUNT_ID,
} from './template-model.ts';
import { functionReference, isRootReference, mustReference, referencedLogicalId } from './template-references.ts';
import { Resolver } from './template-resolver.ts';

export * from './template-model.ts';
export * from './template-resolver.ts';
export { referencedLogicalId } from './template-references.ts';

// ---------------------------------------------------------------------------------------------
// Loading

interface CloudAssemblyManifest {
  artifacts?: Record<string, { type: string; displayName?: string; properties?: { templateFile?: string } }>;
}

/** Lists the stacks of a cloud assembly: artifact id -> template file (absolute). */
export function listStacks(cdkOut: string): Record<string, string> {
  const manifestFile = path.join(cdkOut, 'manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`No cloud assembly at ${cdkOut} (manifest.json missing): run cdk synth first`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as CloudAssemblyManifest;
  const stacks: Record<string, string> = {};
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      stacks[id] = path.join(cdkOut, artifact.properties.templateFile);
    }
  }
  return stacks;
}

/**
 * Loads and interprets one stack of a synthesized cloud assembly. Without `stackName` the
 * assembly must hold exactly one stack.
 */
export function loadTemplate(cdkOut: string, opts: { stackName?: string } = {}): TemplateModel {
  const dir = path.resolve(cdkOut);
  const stacks = listStacks(dir);
  const names = Object.keys(stacks);
  let stackName = opts.stackName;
  if (!stackName) {
    if (names.length !== 1) {
      throw new Error(`The cloud assembly at ${dir} holds ${names.length} stacks (${names.join(', ')}); choose one with stackName`);
    }
    stackName = names[0]!;
  }
  const templateFile = stacks[stackName];
  if (!templateFile) throw new Error(`Stack ${stackName} not found in ${dir} (found: ${names.join(', ') || 'none'})`);
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as CfnTemplate;
  return interpretTemplate(template, { stackName, cdkOut: dir, templateFile });
}

// ---------------------------------------------------------------------------------------------
// Interpretation

const EMULATED_OR_IRRELEVANT = new Set([
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
  'AWS::S3::Bucket',
  // The emulator neither checks policies nor TLS.
  'AWS::S3::BucketPolicy',
  'AWS::Lambda::Function',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::Permission',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::Account',
  'AWS::ApiGateway::GatewayResponse',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::Logs::LogGroup',
  'AWS::CDK::Metadata',
  // Alarms, their topic and the dashboard watch AWS's metrics; locally there are none to watch.
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::Dashboard',
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
  'AWS::SNS::Subscription',
]);

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
const FUNCTION_PROPERTIES = [
  'FunctionName',
  'Handler',
  'Runtime',
  'Architectures',
  'Timeout',
  'MemorySize',
  'EphemeralStorage',
  'ReservedConcurrentExecutions',
  'PackageType',
  'LoggingConfig',
];

function pick(props: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (props[key] !== undefined) out[key] = props[key];
  return out;
}

export function interpretTemplate(
  template: CfnTemplate,
  opts: { stackName: string; cdkOut: string; templateFile?: string; region?: string; accountId?: string },
): TemplateModel {
  const resources = template.Resources ?? {};
  const model: TemplateModel = {
    stackName: opts.stackName,
    cdkOut: path.resolve(opts.cdkOut),
    templateFile: opts.templateFile ?? '',
    template,
    region: opts.region ?? LOCAL_REGION,
    accountId: opts.accountId ?? LOCAL_ACCOUNT_ID,
    tables: {},
    queues: {},
    functions: {},
    eventSourceMappings: {},
    restApis: {},
    buckets: {},
    ignoredResourceTypes: [],
  };
  // Properties may use pseudo parameters or conditions; resolve what is needed with names only.
  const nameResolver = new Resolver(model, undefined);
  const ignored = new Set<string>();

  const active = Object.entries(resources).filter(([, r]) => !r.Condition || nameResolver.condition(r.Condition));
  // Pass 1: tables and queues (others refer to them). Pass 2: functions. Pass 3: wiring.
  for (const [logicalId, resource] of active) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::DynamoDB::Table' || resource.Type === 'AWS::DynamoDB::GlobalTable') {
      model.tables[logicalId] = interpretTable(model, logicalId, resource.Type, nameResolver.resolve(pick(props, TABLE_PROPERTIES)) as Record<string, unknown>);
    } else if (resource.Type === 'AWS::SQS::Queue') {
      model.queues[logicalId] = interpretQueue(model, logicalId, props, nameResolver);
    } else if (resource.Type === 'AWS::S3::Bucket') {
      model.buckets[logicalId] = interpretBucket(model, logicalId, props, nameResolver);
    } else if (!EMULATED_OR_IRRELEVANT.has(resource.Type)) {
      ignored.add(resource.Type);
    }
  }
  for (const [logicalId, resource] of active) {
    if (resource.Type === 'AWS::Lambda::Function') model.functions[logicalId] = interpretFunction(model, logicalId, resource, nameResolver);
  }
  for (const [logicalId, resource] of active) {
    if (resource.Type === 'AWS::Lambda::EventSourceMapping') {
      const mapping = interpretEventSourceMapping(model, logicalId, resource.Properties ?? {});
      if (mapping) model.eventSourceMappings[logicalId] = mapping;
      else ignored.add('AWS::Lambda::EventSourceMapping (non-SQS source)');
    }
    if (resource.Type === 'AWS::ApiGateway::RestApi') {
      model.restApis[logicalId] = interpretRestApi(model, logicalId, resource.Properties ?? {}, nameResolver);
    }
  }
  model.ignoredResourceTypes = [...ignored].sort();
  return model;
}

function interpretTable(model: TemplateModel, logicalId: string, type: TableModel['type'], props: Record<string, unknown>): TableModel {
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

function interpretBucket(model: TemplateModel, logicalId: string, rawProps: Record<string, unknown>, resolver: Resolver): BucketModel {
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

function interpretQueue(model: TemplateModel, logicalId: string, rawProps: Record<string, unknown>, resolver: Resolver): QueueModel {
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

/** A function's LoggingConfig as Lambda applies it: Text by default; JSON filters at INFO unless told. */
function loggingOf(config: { LogFormat?: string; ApplicationLogLevel?: string; SystemLogLevel?: string } | undefined): FunctionModel['logging'] {
  if (config?.LogFormat !== 'JSON') return { format: 'Text' };
  return { format: 'JSON', applicationLogLevel: config.ApplicationLogLevel ?? 'INFO', systemLogLevel: config.SystemLogLevel ?? 'INFO' };
}

function interpretFunction(model: TemplateModel, logicalId: string, resource: CfnResource, resolver: Resolver): FunctionModel {
  const raw = resource.Properties ?? {};
  const rawEnvironment = raw.Environment;
  const props = resolver.resolve(pick(raw, FUNCTION_PROPERTIES)) as Record<string, unknown>;
  const handler = literalString(props.Handler) ?? 'index.handler';
  const dot = handler.lastIndexOf('.');
  const handlerModule = dot > 0 ? handler.slice(0, dot) : handler;
  const handlerExport = dot > 0 ? handler.slice(dot + 1) : 'handler';
  const fn: FunctionModel = {
    logicalId,
    name: literalString(props.FunctionName) ?? localPhysicalName(model.stackName, logicalId, 64),
    runtime: literalString(props.Runtime),
    architectures: (props.Architectures as string[] | undefined) ?? ['x86_64'],
    handler,
    handlerExport,
    timeoutSeconds: Number(props.Timeout ?? 3),
    memorySizeMb: Number(props.MemorySize ?? 128),
    ephemeralStorageMb: Number((props.EphemeralStorage as { Size?: number } | undefined)?.Size ?? 512),
    reservedConcurrency: props.ReservedConcurrentExecutions === undefined ? undefined : Number(props.ReservedConcurrentExecutions),
    environment: ((rawEnvironment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>,
    logging: loggingOf(props.LoggingConfig as Parameters<typeof loggingOf>[0]),
  };
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (props.PackageType === 'Image') {
    fn.codeProblem = 'container image functions are not supported locally';
  } else if (typeof assetPath !== 'string') {
    fn.codeProblem = "no 'aws:asset:path' metadata: only functions with bundled asset code can run locally";
  } else if (fn.runtime && !fn.runtime.startsWith('nodejs')) {
    fn.codeProblem = `runtime ${fn.runtime} is not supported locally (Node.js only)`;
  } else {
    fn.assetDir = path.resolve(model.cdkOut, assetPath);
    const candidates = ['.mjs', '.js', '.cjs'].map((ext) => path.join(fn.assetDir!, handlerModule + ext));
    fn.handlerFile = candidates.find((file) => existsSync(file));
    if (!fn.handlerFile) {
      fn.codeProblem = `handler module not found: ${candidates.map((c) => path.relative(model.cdkOut, c)).join(' | ')}`;
    } else {
      fn.moduleFormat = moduleFormatOf(fn.handlerFile, fn.assetDir);
    }
  }
  return fn;
}

/** How Node (and Lambda) load the file: .mjs is ESM, .cjs CommonJS, .js by the nearest package.json "type". */
export function moduleFormatOf(file: string, stopAt: string): 'esm' | 'cjs' {
  if (file.endsWith('.mjs')) return 'esm';
  if (file.endsWith('.cjs')) return 'cjs';
  let dir = path.dirname(file);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      const type = (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: string }).type;
      return type === 'module' ? 'esm' : 'cjs';
    }
    if (dir === stopAt || path.dirname(dir) === dir) return 'cjs';
    dir = path.dirname(dir);
  }
}

function interpretEventSourceMapping(model: TemplateModel, logicalId: string, props: Record<string, unknown>): EventSourceMappingModel | undefined {
  const queueLogicalId = referencedLogicalId(props.EventSourceArn, model.template, 'AWS::SQS::Queue');
  if (!queueLogicalId) return undefined;
  const functionLogicalId = functionReference(props.FunctionName, model.template);
  if (!functionLogicalId) {
    throw new Error(`EventSourceMapping ${logicalId}: FunctionName must reference a function of this stack`);
  }
  const filters = ((props.FilterCriteria as { Filters?: { Pattern?: string }[] } | undefined)?.Filters ?? [])
    .map((filter) => (filter.Pattern ? (JSON.parse(filter.Pattern) as unknown) : undefined))
    .filter((pattern) => pattern !== undefined);
  const scaling = props.ScalingConfig as { MaximumConcurrency?: number } | undefined;
  return {
    logicalId,
    functionLogicalId,
    queueLogicalId,
    enabled: props.Enabled !== false && props.Enabled !== 'false',
    batchSize: Number(props.BatchSize ?? 10),
    maximumBatchingWindowSeconds: Number(props.MaximumBatchingWindowInSeconds ?? 0),
    reportBatchItemFailures: ((props.FunctionResponseTypes as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
    maximumConcurrency: scaling?.MaximumConcurrency === undefined ? undefined : Number(scaling.MaximumConcurrency),
    filterPatterns: filters,
  };
}

function interpretRestApi(model: TemplateModel, logicalId: string, rawProps: Record<string, unknown>, resolver: Resolver): RestApiModel {
  const resources = model.template.Resources;
  if (rawProps.Body !== undefined || rawProps.BodyS3Location !== undefined) {
    throw new Error(`RestApi ${logicalId}: APIs defined by an OpenAPI body are not supported locally`);
  }
  const props = resolver.resolve(pick(rawProps, ['Name', 'BinaryMediaTypes'])) as Record<string, unknown>;
  const id = apiIdFor(model.stackName, logicalId);
  const rootResourceId = `${id.slice(0, 6)}root`;
  const belongs = (p: Record<string, unknown>): boolean => referencedLogicalId(p.RestApiId, model.template) === logicalId;

  // Resource paths: walk ParentId chains up to the root (Fn::GetAtt [api, RootResourceId]).
  const paths = new Map<string, string>();
  const pathOf = (resourceLogicalId: string, seen = new Set<string>()): string => {
    const known = paths.get(resourceLogicalId);
    if (known !== undefined) return known;
    if (seen.has(resourceLogicalId)) throw new Error(`RestApi ${logicalId}: resource cycle at ${resourceLogicalId}`);
    seen.add(resourceLogicalId);
    const resource = resources[resourceLogicalId];
    if (resource?.Type !== 'AWS::ApiGateway::Resource') throw new Error(`RestApi ${logicalId}: ${resourceLogicalId} is not an API resource`);
    const p = resource.Properties ?? {};
    const parentPath = isRootReference(p.ParentId, logicalId) ? '' : pathOf(mustReference(p.ParentId, `${resourceLogicalId}.ParentId`), seen);
    const full = `${parentPath}/${String(p.PathPart)}`;
    paths.set(resourceLogicalId, full);
    return full;
  };

  const routes: RouteModel[] = [];
  for (const [methodLogicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::ApiGateway::Method') continue;
    const p = resource.Properties ?? {};
    if (!belongs(p)) continue;
    const onRoot = isRootReference(p.ResourceId, logicalId);
    const resourceLogicalId = onRoot ? '(root)' : mustReference(p.ResourceId, `${methodLogicalId}.ResourceId`);
    routes.push({
      apiLogicalId: logicalId,
      methodLogicalId,
      resourceLogicalId,
      resourcePath: onRoot ? '/' : pathOf(resourceLogicalId),
      httpMethod: String(p.HttpMethod).toUpperCase(),
      authorizationType: String(p.AuthorizationType ?? 'NONE'),
      apiKeyRequired: p.ApiKeyRequired === true || p.ApiKeyRequired === 'true',
      integration: interpretIntegration(model, p.Integration as Record<string, unknown> | undefined, resolver),
    });
  }
  routes.sort((a, b) => a.resourcePath.localeCompare(b.resourcePath) || a.httpMethod.localeCompare(b.httpMethod));

  const stages: StageModel[] = [];
  for (const [stageLogicalId, resource] of Object.entries(resources)) {
    const p = resource.Properties ?? {};
    if (resource.Type === 'AWS::ApiGateway::Stage' && belongs(p)) {
      stages.push({
        logicalId: stageLogicalId,
        name: String(resolver.resolve(p.StageName)),
        variables: (resolver.resolve(p.Variables ?? {}) as Record<string, string>) ?? {},
      });
    }
    // A Deployment with StageName creates its stage implicitly.
    if (resource.Type === 'AWS::ApiGateway::Deployment' && belongs(p) && p.StageName !== undefined) {
      stages.push({ logicalId: stageLogicalId, name: String(resolver.resolve(p.StageName)), variables: {} });
    }
  }
  return {
    logicalId,
    name: literalString(props.Name) ?? logicalId,
    id,
    rootResourceId,
    binaryMediaTypes: ((props.BinaryMediaTypes as string[] | undefined) ?? []).map((t) => t.replace('~1', '/')),
    stages,
    routes,
    gatewayResponses: interpretGatewayResponses(resources, belongs, resolver),
  };
}

function interpretGatewayResponses(
  resources: Record<string, CfnResource>,
  belongs: (p: Record<string, unknown>) => boolean,
  resolver: Resolver,
): Record<string, GatewayResponseModel> {
  const responses: Record<string, GatewayResponseModel> = {};
  for (const resource of Object.values(resources)) {
    const p = resource.Properties ?? {};
    if (resource.Type !== 'AWS::ApiGateway::GatewayResponse' || !belongs(p)) continue;
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries((resolver.resolve(p.ResponseParameters ?? {}) as Record<string, unknown>) ?? {})) {
      const header = /^gatewayresponse\.header\.(.+)$/.exec(key)?.[1];
      if (header && typeof value === 'string' && /^'.*'$/s.test(value)) headers[header] = value.slice(1, -1);
    }
    const templates = (p.ResponseTemplates as Record<string, string> | undefined) ?? {};
    responses[String(p.ResponseType)] = {
      statusCode: p.StatusCode === undefined ? undefined : Number(p.StatusCode),
      headers,
      template: templates['application/json'],
    };
  }
  return responses;
}

function interpretIntegration(model: TemplateModel, integration: Record<string, unknown> | undefined, resolver: Resolver): IntegrationModel {
  const type = String(integration?.Type ?? 'NONE');
  if (type === 'AWS_PROXY') {
    const functionLogicalId = functionReference(integration?.Uri, model.template);
    if (!functionLogicalId) return { type: 'UNSUPPORTED', detail: 'AWS_PROXY integration whose Uri names no function of this stack' };
    return { type, functionLogicalId, timeoutMs: Number(integration?.TimeoutInMillis ?? 29_000) };
  }
  if (type === 'MOCK') {
    const responses = (integration?.IntegrationResponses as { StatusCode?: string; ResponseParameters?: Record<string, unknown>; ResponseTemplates?: Record<string, string>; SelectionPattern?: string }[] | undefined) ?? [];
    const response = responses.find((r) => !r.SelectionPattern) ?? responses[0];
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries((resolver.resolve(response?.ResponseParameters ?? {}) as Record<string, unknown>) ?? {})) {
      const header = /^method\.response\.header\.(.+)$/.exec(key)?.[1];
      // Static values are quoted ('...'); other mappings need a request context we do not evaluate.
      if (header && typeof value === 'string' && /^'.*'$/s.test(value)) headers[header] = value.slice(1, -1);
    }
    const template = response?.ResponseTemplates?.['application/json'];
    return { type, statusCode: Number(response?.StatusCode ?? 200), headers, ...(template && !template.includes('$') ? { body: template } : {}) };
  }
  return { type: 'UNSUPPORTED', detail: `${type} integrations are not emulated locally` };
}

