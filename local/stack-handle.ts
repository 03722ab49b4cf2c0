// One handle on the stack for the tests, the benchmarks and the operator commands: its resources
// by role (the events, aggregates and sites tables, the events queue and its dead-letter queue,
// the lake's bucket, each function's environment), found in one place by the logical ids
// infra/ gives them; the queue's depth; a site's API key. On the local runtime (in this
// process, or the running `npm start` its state file names) or deployed (names from the
// stack's outputs, reached with the default credentials and region).
import { existsSync, readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../functions/commons/dynamodb-client.ts';
import { hashApiKey, newApiKey } from '../functions/domain/api-keys.ts';
import { saveApiKey } from '../functions/store/sites/api-keys.ts';
import { localDynamoDbClient, localS3Client, localSqsClient } from './clients.ts';
import { resolveEnvironment, type LocalBindings, type TemplateModel } from './template.ts';

/** The logical-id prefix of each role's resource: the construct ids in infra/ (CDK appends a hash). */
export const ROLE_PREFIXES = {
  eventsTable: 'EventsTable',
  aggregatesTable: 'AggregatesTable',
  sitesTable: 'SitesTable',
  eventsQueue: 'EventsQueue',
  eventsDlq: 'EventsDlq',
  lakeBucket: 'LakeBucket',
  ingestFunction: 'IngestFunction',
  processorFunction: 'ProcessorFunction',
  statsFunction: 'StatsFunction',
} as const;
export type Role = keyof typeof ROLE_PREFIXES;
/** Roles with a name (a table's, a bucket's) or a URL (a queue's). */
export type ResourceRole = Exclude<Role, `${string}Function`>;
export type FunctionRole = Extract<Role, `${string}Function`>;

/** The value under the first logical id that starts with `prefix`, or undefined. */
export function findByPrefix<T>(byLogicalId: Record<string, T>, prefix: string): T | undefined {
  return Object.entries(byLogicalId).find(([id]) => id.startsWith(prefix))?.[1];
}

/** The value under the one logical id that starts with `prefix`; throws when there is none or more than one. */
export function oneByPrefix<T>(byLogicalId: Record<string, T>, prefix: string): T {
  const found = Object.entries(byLogicalId).filter(([id]) => id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one resource named ${prefix}*, found ${found.length}`);
  return found[0]![1];
}

/** The value of a role's logical id, or undefined. */
export const findByRole = <T>(byLogicalId: Record<string, T>, role: Role): T | undefined => findByPrefix(byLogicalId, ROLE_PREFIXES[role]);

/** What reaches a local stack: endpoints and names by logical id (a LocalRuntime has these, and so has the state file of `npm start`). */
export interface LocalStackState {
  apiUrl?: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  /** Default: sqsEndpoint (fauxqs serves S3 on its SQS port). */
  s3Endpoint?: string;
  /** Table names by logical id. */
  tables: Record<string, string>;
  /** Queue URLs by logical id. */
  queues: Record<string, string>;
  /** Bucket names by logical id. */
  buckets?: Record<string, string>;
  /** The template and what it is bound to locally: with them, the handle gives function environments. */
  model?: TemplateModel;
  bindings?: LocalBindings;
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
}

export interface StackHandle {
  /** The API's base URL, when known. */
  readonly apiUrl?: string;
  /** A table's or bucket's name, or a queue's URL, by role; undefined when the stack (or what was given of it) has none. */
  find(role: ResourceRole): string | undefined;
  /** Like find, but throws when there is none. */
  get(role: ResourceRole): string;
  /** The environment the template gives a function, resolved locally (local stacks with their model only). */
  functionEnv(prefix: string): Record<string, string>;
  /** Clients, made on first use; destroy() closes them. */
  readonly dynamodb: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly s3: S3Client;
  /** Visible and in-flight messages of a queue (NaN where SQS leaves a figure out). */
  queueDepth(role?: 'eventsQueue' | 'eventsDlq'): Promise<QueueDepth>;
  /** A new API key for a site, saved in the sites table as `npm run keys -- create` saves one. */
  newSiteKey(siteId: string): Promise<string>;
  destroy(): void;
}

interface Reach {
  apiUrl?: string;
  find(role: ResourceRole): string | undefined;
  functionEnv?(prefix: string): Record<string, string>;
  dynamodb(): DynamoDBClient;
  sqs(): SQSClient;
  s3(): S3Client;
}

function handle(reach: Reach): StackHandle {
  const made: { dynamodb?: DynamoDBClient; doc?: DynamoDBDocumentClient; sqs?: SQSClient; s3?: S3Client } = {};
  const get = (role: ResourceRole): string => {
    const found = reach.find(role);
    if (found === undefined) throw new Error(`the stack has no ${ROLE_PREFIXES[role]}`);
    return found;
  };
  const stack: StackHandle = {
    apiUrl: reach.apiUrl,
    find: (role) => reach.find(role),
    get,
    functionEnv(prefix) {
      if (!reach.functionEnv) throw new Error('function environments need the stack\'s template (a local stack with its model)');
      return reach.functionEnv(prefix);
    },
    get dynamodb() {
      return (made.dynamodb ??= reach.dynamodb());
    },
    get doc() {
      return (made.doc ??= createDocumentClient(stack.dynamodb));
    },
    get sqs() {
      return (made.sqs ??= reach.sqs());
    },
    get s3() {
      return (made.s3 ??= reach.s3());
    },
    async queueDepth(role = 'eventsQueue') {
      const { Attributes: a = {} } = await stack.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: get(role), AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      return { visible: Number(a.ApproximateNumberOfMessages ?? NaN), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? NaN) };
    },
    async newSiteKey(siteId) {
      const key = newApiKey();
      await saveApiKey(stack.doc, get('sitesTable'), siteId, hashApiKey(key));
      return key;
    },
    destroy() {
      made.doc?.destroy();
      made.dynamodb?.destroy();
      made.sqs?.destroy();
      made.s3?.destroy();
    },
  };
  return stack;
}

const KIND: Record<ResourceRole, 'tables' | 'queues' | 'buckets'> = {
  eventsTable: 'tables',
  aggregatesTable: 'tables',
  sitesTable: 'tables',
  eventsQueue: 'queues',
  eventsDlq: 'queues',
  lakeBucket: 'buckets',
};

/** A local stack: the runtime in this process (a LocalRuntime), or one its state file describes. */
export function localStack(state: LocalStackState): StackHandle {
  const { model, bindings } = state;
  return handle({
    apiUrl: state.apiUrl || undefined,
    find: (role) => findByRole(state[KIND[role]] ?? {}, role),
    functionEnv: model && bindings ? (prefix) => resolveEnvironment(model, oneByPrefix(model.functions, prefix), bindings) : undefined,
    dynamodb: () => localDynamoDbClient(state.dynamodbEndpoint),
    sqs: () => localSqsClient(state.sqsEndpoint),
    s3: () => localS3Client(state.s3Endpoint ?? state.sqsEndpoint),
  });
}

/** The names by logical id of a template's resources as created locally (what a LocalRuntime lists). */
export function localNames(model: TemplateModel, bindings: LocalBindings): Pick<LocalStackState, 'tables' | 'queues' | 'buckets'> {
  return {
    tables: Object.fromEntries(Object.entries(bindings.tables).map(([id, t]) => [id, t.name])),
    queues: Object.fromEntries(Object.entries(bindings.queues).map(([id, q]) => [id, q.url])),
    buckets: Object.fromEntries(Object.values(model.buckets).map((b) => [b.logicalId, b.name])),
  };
}

/** The running `npm start`'s stack, from its state file; undefined when there is no such file. */
export function runningStack(stateFile: string): StackHandle | undefined {
  if (!existsSync(stateFile)) return undefined;
  return localStack(JSON.parse(readFileSync(stateFile, 'utf8')) as LocalStackState);
}

/** A deployed stack: the resources given (from its outputs), with the default credentials and region. */
export function deployedStack(names: Partial<Record<ResourceRole, string>>, apiUrl?: string): StackHandle {
  return handle({
    apiUrl,
    find: (role) => names[role],
    dynamodb: () => new DynamoDBClient({}),
    // An explicit endpoint (an emulator, a VPC endpoint) is used as given, not the queue URL's host.
    sqs: () => new SQSClient(process.env.AWS_ENDPOINT_URL_SQS ? { useQueueUrlAsEndpoint: false } : {}),
    s3: () => new S3Client({}),
  });
}
