// Reads a synthesized CloudFormation template (cdk.out) and interprets the parts the local runtime
// emulates: DynamoDB tables, SQS queues, Lambda functions (bundled assets), SQS event source
// mappings and REST API (v1) routes. Nothing here talks to an emulator: names, ARNs and queue URLs
// of the local resources are computed (see localBindings) and intrinsic functions are resolved
// against them.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const LOCAL_REGION = 'us-east-1';
/** The account id fauxqs puts in queue URLs and ARNs; used for every local ARN. */
export const LOCAL_ACCOUNT_ID = '000000000000';

// ---------------------------------------------------------------------------------------------
// Raw CloudFormation shapes

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string; Export?: unknown; Condition?: string }>;
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

// ---------------------------------------------------------------------------------------------
// Interpreted model

export interface KeySchemaElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}
export interface AttributeDefinition {
  AttributeName: string;
  AttributeType: 'S' | 'N' | 'B';
}
export interface SecondaryIndex {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: { ProjectionType?: string; NonKeyAttributes?: string[] };
  ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
}

export interface TableModel {
  logicalId: string;
  type: 'AWS::DynamoDB::Table' | 'AWS::DynamoDB::GlobalTable';
  name: string;
  keySchema: KeySchemaElement[];
  attributeDefinitions: AttributeDefinition[];
  billingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
  provisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
  globalSecondaryIndexes: SecondaryIndex[];
  localSecondaryIndexes: SecondaryIndex[];
  timeToLive?: { attributeName: string; enabled: boolean };
  streamViewType?: string;
}

export interface BucketModel {
  logicalId: string;
  /** A valid S3 bucket name: the template's BucketName, else the stack and logical id in lower case. */
  name: string;
}

export interface QueueModel {
  logicalId: string;
  name: string;
  fifo: boolean;
  /** SQS attributes set by the template (as CreateQueue expects them), without RedrivePolicy. */
  attributes: Record<string, string>;
  redrive?: { deadLetterQueueLogicalId: string; maxReceiveCount: number };
  /** RedriveAllowPolicy with queue references still unresolved. */
  redriveAllowPolicy?: unknown;
}

export interface FunctionModel {
  logicalId: string;
  name: string;
  runtime?: string;
  architectures: string[];
  /** The Handler property, e.g. "index.handler". */
  handler: string;
  /** Absolute folder of the bundled asset (cdk.out/asset.<hash>), when the code is an asset. */
  assetDir?: string;
  /** Absolute path of the module the handler lives in. */
  handlerFile?: string;
  /** The exported function, e.g. "handler". */
  handlerExport: string;
  moduleFormat?: 'esm' | 'cjs';
  /** Why the code cannot be run locally, when it cannot. */
  codeProblem?: string;
  timeoutSeconds: number;
  memorySizeMb: number;
  ephemeralStorageMb: number;
  reservedConcurrency?: number;
  /** Environment.Variables as written in the template (intrinsics unresolved). */
  environment: Record<string, unknown>;
  /** LoggingConfig: the log format and, with JSON, the levels Lambda filters the application's and its own lines at. */
  logging: { format: 'Text' | 'JSON'; applicationLogLevel?: string; systemLogLevel?: string };
}

export interface EventSourceMappingModel {
  logicalId: string;
  functionLogicalId: string;
  queueLogicalId: string;
  enabled: boolean;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  maximumConcurrency?: number;
  /** FilterCriteria.Filters[].Pattern, parsed. */
  filterPatterns: unknown[];
}

export type IntegrationModel =
  | { type: 'AWS_PROXY'; functionLogicalId: string; timeoutMs: number }
  | { type: 'MOCK'; statusCode: number; headers: Record<string, string>; body?: string }
  | { type: 'UNSUPPORTED'; detail: string };

export interface RouteModel {
  apiLogicalId: string;
  methodLogicalId: string;
  resourceLogicalId: string;
  /** API Gateway resource path, e.g. "/items/{id}" or "/files/{proxy+}". */
  resourcePath: string;
  /** GET, POST, ... or ANY. */
  httpMethod: string;
  authorizationType: string;
  apiKeyRequired: boolean;
  integration: IntegrationModel;
}

export interface StageModel {
  logicalId: string;
  name: string;
  variables: Record<string, string>;
}

export interface RestApiModel {
  logicalId: string;
  name: string;
  /** A 10-character id standing in for the API id AWS would assign. */
  id: string;
  rootResourceId: string;
  binaryMediaTypes: string[];
  stages: StageModel[];
  routes: RouteModel[];
  /** AWS::ApiGateway::GatewayResponse by ResponseType (DEFAULT_4XX, THROTTLED, ...). */
  gatewayResponses: Record<string, GatewayResponseModel>;
}

/** What API Gateway answers in place of its own error response of one type. */
export interface GatewayResponseModel {
  statusCode?: number;
  /** Static headers ('value' in the template). */
  headers: Record<string, string>;
  /** The application/json template, if any. */
  template?: string;
}

export interface TemplateModel {
  stackName: string;
  /** Absolute cdk.out folder. */
  cdkOut: string;
  templateFile: string;
  template: CfnTemplate;
  region: string;
  accountId: string;
  tables: Record<string, TableModel>;
  queues: Record<string, QueueModel>;
  functions: Record<string, FunctionModel>;
  eventSourceMappings: Record<string, EventSourceMappingModel>;
  restApis: Record<string, RestApiModel>;
  buckets: Record<string, BucketModel>;
  /** Resource types present in the template that the local runtime does not emulate (excluding IAM, logs and CDK metadata). */
  ignoredResourceTypes: string[];
}

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
// Names

/** A local physical name like CloudFormation's `<stack>-<logicalId>`, without the random suffix. */
export function localPhysicalName(stackName: string, logicalId: string, maxLength: number, suffix = ''): string {
  const base = `${stackName}-${logicalId}`.replace(/[^A-Za-z0-9_-]/g, '-');
  return base.slice(0, maxLength - suffix.length) + suffix;
}

function apiIdFor(stackName: string, logicalId: string): string {
  const digest = createHash('sha256').update(`${stackName}/${logicalId}`).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < 10; i++) id += alphabet[digest[i]! % alphabet.length];
  return id;
}

function literalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
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

// ---------------------------------------------------------------------------------------------
// References between resources

function isRootReference(value: unknown, apiLogicalId: string): boolean {
  const getAtt = (value as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  const [target, attr] = parseGetAtt(getAtt);
  return target === apiLogicalId && attr === 'RootResourceId';
}

function mustReference(value: unknown, where: string): string {
  const ref = (value as { Ref?: unknown } | undefined)?.Ref;
  if (typeof ref !== 'string') throw new Error(`${where}: expected a Ref to a resource of this stack`);
  return ref;
}

function parseGetAtt(getAtt: unknown): [string | undefined, string | undefined] {
  if (Array.isArray(getAtt)) return [String(getAtt[0]), String(getAtt[1])];
  if (typeof getAtt === 'string') {
    const dot = getAtt.indexOf('.');
    return [getAtt.slice(0, dot), getAtt.slice(dot + 1)];
  }
  return [undefined, undefined];
}

/** The logical id a value refers to with Ref or Fn::GetAtt (optionally of one resource type). */
export function referencedLogicalId(value: unknown, template: CfnTemplate, type?: string): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const obj = value as Record<string, unknown>;
  let id: string | undefined;
  if (typeof obj.Ref === 'string') id = obj.Ref;
  else if (obj['Fn::GetAtt'] !== undefined) id = parseGetAtt(obj['Fn::GetAtt'])[0];
  if (!id || !template.Resources[id]) return undefined;
  if (type && template.Resources[id]!.Type !== type) return undefined;
  return id;
}

/**
 * The function a value designates: a Ref/GetAtt to a function, or to a version or alias of it,
 * possibly inside a Fn::Join / Fn::Sub (API Gateway integration URIs).
 */
function functionReference(value: unknown, template: CfnTemplate): string | undefined {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') {
      if (typeof v === 'string') {
        // "${Fn.Arn}" inside Fn::Sub
        for (const match of v.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}/g)) consider(match[1]!);
      }
      return;
    }
    const id = referencedLogicalId(v, template);
    if (id) consider(id);
    Object.values(v as Record<string, unknown>).forEach(visit);
  };
  const consider = (id: string): void => {
    const resource = template.Resources[id];
    if (!resource) return;
    if (resource.Type === 'AWS::Lambda::Function') found.add(id);
    if (resource.Type === 'AWS::Lambda::Alias' || resource.Type === 'AWS::Lambda::Version') {
      const target = referencedLogicalId(resource.Properties?.FunctionName, template, 'AWS::Lambda::Function');
      if (target) found.add(target);
    }
  };
  visit(value);
  return found.size === 1 ? [...found][0] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Local bindings and intrinsic functions

/** What each logical id stands for locally: its Ref value and its Fn::GetAtt attributes. */
export interface LocalBindings {
  region: string;
  accountId: string;
  stackName: string;
  tables: Record<string, { name: string; arn: string; streamArn?: string }>;
  queues: Record<string, { name: string; url: string; arn: string }>;
  functions: Record<string, { name: string; arn: string }>;
  restApis: Record<string, { id: string; rootResourceId: string; url?: string }>;
}

/**
 * The names, ARNs and URLs the local resources get. Queue URLs follow fauxqs's format
 * (http://sqs.<region>.localhost:<port>/<account>/<name>), so `sqsEndpoint` gives the port.
 */
export function localBindings(model: TemplateModel, opts: { sqsEndpoint?: string; apiUrls?: Record<string, string> } = {}): LocalBindings {
  const { region, accountId } = model;
  const sqsPort = opts.sqsEndpoint ? new URL(opts.sqsEndpoint).port : '';
  const bindings: LocalBindings = { region, accountId, stackName: model.stackName, tables: {}, queues: {}, functions: {}, restApis: {} };
  for (const table of Object.values(model.tables)) {
    const arn = `arn:aws:dynamodb:${region}:${accountId}:table/${table.name}`;
    bindings.tables[table.logicalId] = { name: table.name, arn, streamArn: table.streamViewType ? `${arn}/stream/1970-01-01T00:00:00.000` : undefined };
  }
  for (const queue of Object.values(model.queues)) {
    bindings.queues[queue.logicalId] = {
      name: queue.name,
      url: `http://sqs.${region}.localhost${sqsPort ? `:${sqsPort}` : ''}/${accountId}/${queue.name}`,
      arn: `arn:aws:sqs:${region}:${accountId}:${queue.name}`,
    };
  }
  for (const fn of Object.values(model.functions)) {
    bindings.functions[fn.logicalId] = { name: fn.name, arn: `arn:aws:lambda:${region}:${accountId}:function:${fn.name}` };
  }
  for (const api of Object.values(model.restApis)) {
    bindings.restApis[api.logicalId] = { id: api.id, rootResourceId: api.rootResourceId, url: opts.apiUrls?.[api.logicalId] };
  }
  return bindings;
}

const NO_VALUE = Symbol('AWS::NoValue');

export class Resolver {
  private fallbackBindings: LocalBindings | undefined;

  constructor(
    private readonly model: TemplateModel,
    private readonly bindings: LocalBindings | undefined,
  ) {}

  /** Names and ARNs from the model, for references made before any resource exists. */
  private get fallback(): LocalBindings {
    this.fallbackBindings ??= localBindings(this.model);
    return this.fallbackBindings;
  }

  /** Resolves every intrinsic function inside `value`. */
  resolve(value: unknown, where = ''): unknown {
    const result = this.resolveInner(value, where);
    return result === NO_VALUE ? undefined : result;
  }

  /** Resolves a value and requires a string. */
  resolveString(value: unknown, where: string): string {
    const resolved = this.resolve(value, where);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new Error(`${where}: expected a string, got ${JSON.stringify(resolved)}`);
  }

  condition(name: string): boolean {
    const body = this.model.template.Conditions?.[name];
    if (body === undefined) throw new Error(`Unknown condition ${name}`);
    return Boolean(this.resolve(body, `Conditions.${name}`));
  }

  private resolveInner(value: unknown, where: string): unknown {
    if (Array.isArray(value)) {
      return value.map((v, i) => this.resolveInner(v, `${where}[${i}]`)).filter((v) => v !== NO_VALUE);
    }
    if (!value || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const key = keys[0]!;
      const arg = obj[key];
      if (key === 'Ref') return this.ref(String(arg), where);
      if (key === 'Condition' && typeof arg === 'string' && this.model.template.Conditions?.[arg] !== undefined) return this.condition(arg);
      if (key.startsWith('Fn::')) return this.intrinsic(key, arg, where);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const resolved = this.resolveInner(v, where ? `${where}.${k}` : k);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  }

  private intrinsic(fn: string, arg: unknown, where: string): unknown {
    const at = `${where} (${fn})`;
    switch (fn) {
      case 'Fn::GetAtt': {
        const [target, attr] = parseGetAtt(arg);
        if (!target || !attr) throw new Error(`${at}: malformed Fn::GetAtt`);
        return this.getAtt(target, attr, at);
      }
      case 'Fn::Join': {
        const [sep, list] = arg as [string, unknown];
        const items = this.resolveInner(list, at);
        if (!Array.isArray(items)) throw new Error(`${at}: Fn::Join needs a list`);
        return items.map((item) => this.scalar(item, at)).join(sep);
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? [arg[0] as string, arg[1] as Record<string, unknown>] : [arg as string, {}];
        const resolvedVars = (this.resolveInner(vars ?? {}, at) as Record<string, unknown>) ?? {};
        return text.replace(/\$\{(!?)([^}]*)\}/g, (_m, bang: string, name: string) => {
          if (bang) return `\${${name}}`;
          if (name in resolvedVars) return this.scalar(resolvedVars[name], at);
          const dot = name.indexOf('.');
          if (dot > 0 && !name.startsWith('AWS::')) return this.scalar(this.getAtt(name.slice(0, dot), name.slice(dot + 1), at), at);
          return this.scalar(this.ref(name, at), at);
        });
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = this.resolveInner(list, at);
        const i = Number(this.resolveInner(index, at));
        if (!Array.isArray(items) || items[i] === undefined) throw new Error(`${at}: index ${i} out of range`);
        return items[i];
      }
      case 'Fn::Split': {
        const [sep, source] = arg as [string, unknown];
        return this.scalar(this.resolveInner(source, at), at).split(sep);
      }
      case 'Fn::Base64':
        return Buffer.from(this.scalar(this.resolveInner(arg, at), at)).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.model.region}${zone}`);
      case 'Fn::FindInMap': {
        const [map, top, second] = (this.resolveInner(arg, at) as string[]) ?? [];
        const found = this.model.template.Mappings?.[map!]?.[top!]?.[second!];
        if (found === undefined) throw new Error(`${at}: no mapping ${map}.${top}.${second}`);
        return found;
      }
      case 'Fn::If': {
        const [cond, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return this.resolveInner(this.condition(cond) ? whenTrue : whenFalse, at);
      }
      case 'Fn::Equals': {
        const [a, b] = (this.resolveInner(arg, at) as unknown[]) ?? [];
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not':
        return !(this.resolveInner(arg, at) as unknown[])[0];
      case 'Fn::And':
        return (this.resolveInner(arg, at) as unknown[]).every(Boolean);
      case 'Fn::Or':
        return (this.resolveInner(arg, at) as unknown[]).some(Boolean);
      case 'Fn::ToJsonString':
        return JSON.stringify(this.resolveInner(arg, at));
      default:
        throw new Error(`${at}: ${fn} cannot be resolved locally`);
    }
  }

  private scalar(value: unknown, where: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new Error(`${where}: expected a string, got ${JSON.stringify(value)}`);
  }

  private ref(name: string, where: string): unknown {
    const { model } = this;
    switch (name) {
      case 'AWS::Region':
        return model.region;
      case 'AWS::AccountId':
        return model.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return model.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${model.region}:${model.accountId}:stack/${model.stackName}/00000000-0000-0000-0000-000000000000`;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    const parameter = model.template.Parameters?.[name];
    if (parameter) {
      if (parameter.Default === undefined) throw new Error(`${where}: parameter ${name} has no default`);
      return parameter.Default;
    }
    const resource = model.template.Resources[name];
    if (!resource) throw new Error(`${where}: Ref to unknown ${name}`);
    const b = this.bindings;
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return b?.tables[name]?.name ?? model.tables[name]?.name;
      case 'AWS::S3::Bucket':
        return model.buckets[name]?.name;
      case 'AWS::SQS::Queue':
        if (!b?.queues[name]) throw new Error(`${where}: the URL of queue ${name} is known only once the queue exists`);
        return b.queues[name].url;
      case 'AWS::Lambda::Function':
        return b?.functions[name]?.name ?? model.functions[name]?.name;
      case 'AWS::ApiGateway::RestApi':
        return model.restApis[name]?.id;
      case 'AWS::ApiGateway::Stage':
        return String(this.resolve(resource.Properties?.StageName, where));
      case 'AWS::SNS::Topic':
        // A topic's Ref is its ARN.
        return `arn:aws:sns:${model.region}:${model.accountId}:${localPhysicalName(model.stackName, name, 256)}`;
      case 'AWS::CloudWatch::Dashboard':
        return literalString(resource.Properties?.DashboardName) ?? localPhysicalName(model.stackName, name, 255);
      default:
        return localPhysicalName(model.stackName, name, 64);
    }
  }

  private getAtt(target: string, attr: string, where: string): unknown {
    const { model } = this;
    const resource = model.template.Resources[target];
    if (!resource) throw new Error(`${where}: Fn::GetAtt of unknown resource ${target}`);
    const b = this.bindings;
    const fallback = this.fallback;
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable': {
        const table = b?.tables[target] ?? fallback.tables[target];
        if (attr === 'Arn' && table) return table.arn;
        if (attr === 'StreamArn' && table?.streamArn) return table.streamArn;
        break;
      }
      case 'AWS::SQS::Queue': {
        const queue = b?.queues[target] ?? fallback.queues[target];
        if (!queue) break;
        if (attr === 'Arn') return queue.arn;
        if (attr === 'QueueName') return queue.name;
        if (attr === 'QueueUrl') {
          if (!b?.queues[target]) throw new Error(`${where}: the URL of queue ${target} is known only once the queue exists`);
          return queue.url;
        }
        break;
      }
      case 'AWS::S3::Bucket': {
        const bucket = model.buckets[target];
        if (attr === 'Arn' && bucket) return `arn:aws:s3:::${bucket.name}`;
        break;
      }
      case 'AWS::Lambda::Function': {
        const fn = b?.functions[target] ?? fallback.functions[target];
        if (attr === 'Arn' && fn) return fn.arn;
        break;
      }
      case 'AWS::ApiGateway::RestApi': {
        const api = model.restApis[target];
        if (attr === 'RootResourceId' && api) return api.rootResourceId;
        break;
      }
      default:
        if (attr === 'Arn') {
          const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
          return `arn:aws:${service}:${model.region}:${model.accountId}:${localPhysicalName(model.stackName, target, 64)}`;
        }
    }
    throw new Error(`${where}: Fn::GetAtt ${target}.${attr} (${resource.Type}) cannot be resolved locally`);
  }
}

/** A function's Environment.Variables with every intrinsic resolved against the local bindings. */
export function resolveEnvironment(model: TemplateModel, fn: FunctionModel, bindings: LocalBindings): Record<string, string> {
  const resolver = new Resolver(model, bindings);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(fn.environment)) {
    const resolved = resolver.resolve(value, `${fn.logicalId}.Environment.Variables.${key}`);
    if (resolved === undefined) continue;
    env[key] = typeof resolved === 'string' ? resolved : typeof resolved === 'object' ? JSON.stringify(resolved) : String(resolved);
  }
  return env;
}

/**
 * Stack outputs resolved locally. Values pointing at the deployed REST API
 * (https://<id>.execute-api.<region>.amazonaws.com/<stage>/...) are rewritten to the local API URL.
 */
export function resolveOutputs(model: TemplateModel, bindings: LocalBindings): Record<string, string> {
  const resolver = new Resolver(model, bindings);
  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(model.template.Outputs ?? {})) {
    if (output.Condition && !resolver.condition(output.Condition)) continue;
    let value: string;
    try {
      value = resolver.resolveString(output.Value, `Outputs.${name}`);
    } catch (error) {
      value = `<not resolvable locally: ${(error as Error).message}>`;
    }
    for (const api of Object.values(bindings.restApis)) {
      if (!api.url) continue;
      const remote = `https://${api.id}.execute-api.${model.region}.amazonaws.com`;
      if (value.startsWith(remote)) value = api.url + value.slice(remote.length);
    }
    outputs[name] = value;
  }
  return outputs;
}
