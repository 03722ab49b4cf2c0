// The shapes of a synthesized CloudFormation template and of what the local runtime makes of it
// (tables, buckets, queues, functions, event source mappings, REST APIs), the local names of
// resources and the picking of properties. Types and names only: reading a template is
// template.ts, resolving intrinsic functions template-resolver.ts.
import { createHash } from 'node:crypto';

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
// Names

/** A local physical name like CloudFormation's `<stack>-<logicalId>`, without the random suffix. */
export function localPhysicalName(stackName: string, logicalId: string, maxLength: number, suffix = ''): string {
  const base = `${stackName}-${logicalId}`.replace(/[^A-Za-z0-9_-]/g, '-');
  return base.slice(0, maxLength - suffix.length) + suffix;
}

export function apiIdFor(stackName: string, logicalId: string): string {
  const digest = createHash('sha256').update(`${stackName}/${logicalId}`).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < 10; i++) id += alphabet[digest[i]! % alphabet.length];
  return id;
}

export function literalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The properties of `keys` that are set, to resolve only what the local runtime reads. */
export function pick(props: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (props[key] !== undefined) out[key] = props[key];
  return out;
}

