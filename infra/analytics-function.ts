import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, type CfnResource } from 'aws-cdk-lib';
import { acknowledge } from './acknowledgments.ts';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource, type SqsEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat, type BundlingOptions, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { metricsNamespace, type ServiceName } from '../functions/commons/metric-names.ts';
import type { LogLevel } from './config.ts';
import { prebuiltCode } from './prebuilt-code.ts';

/**
 * The repository root: entries, package-lock.json and tsconfig.json are resolved from here. In
 * the npm package it is the package's `dist/`, which holds the prebuilt bundles instead.
 */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the npm package keeps the functions' prebuilt bundles, under {@link PROJECT_ROOT} (infra/package/build.ts). */
export const PREBUILT_DIR = 'lambda-bundles';

/** The folder name of an entry's bundle: `functions/ingest/handler.ts` -> `ingest-handler`. */
export function bundleNameOf(entry: string): string {
  return entry.replace(/^functions\//, '').replace(/\.ts$/, '').replaceAll('/', '-');
}

/** The prebuilt bundle of `entry` when this code runs from the npm package; undefined in the repository. */
function prebuiltBundle(entry: string): string | undefined {
  const dir = path.join(PROJECT_ROOT, PREBUILT_DIR, bundleNameOf(entry));
  return existsSync(path.join(dir, 'index.mjs')) ? dir : undefined;
}

/**
 * Lets CommonJS dependencies that call `require` (for Node built-ins) run inside the ESM bundle.
 * `createRequire` is imported under a private name so it cannot clash with bundled code.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __analyticsCreateRequire } from 'node:module'; const require = __analyticsCreateRequire(import.meta.url);";

/** DynamoDB data-plane actions a function may be granted on a table. */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem';

/** Read-only access: point reads, batched reads and queries (no scans). */
export const TABLE_READ: readonly TableAction[] = ['GetItem', 'BatchGetItem', 'Query'];

/** `'read'` for {@link TABLE_READ}, or the exact list of actions to allow. */
export type TableAccess = 'read' | readonly TableAction[];

/** S3 object actions a function may be granted on a bucket's prefix. */
export type BucketAction = 'GetObject' | 'PutObject' | 'DeleteObject';

/** `'send'`: sqs:SendMessage only (also covers SendMessageBatch). */
export type QueueAccess = 'send';

export interface AnalyticsFunctionProps
  extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture' | 'logGroup' | 'logRetention' | 'role' | 'bundling' | 'code'> {
  /** Handler source, relative to the repository root (e.g. `functions/ingest/handler.ts`). */
  readonly entry: string;
  /** Retention of the function's log group. */
  readonly logRetention: RetentionDays;
  /** What happens to the log group when it leaves the stack. Default: retain. */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** The function's role: the `service` of its log lines and the `service` dimension of its metrics. */
  readonly service: ServiceName;
  /** The lowest level the function logs. */
  readonly logLevel: LogLevel;
  /**
   * Lambda's own START, END and REPORT lines (system logs at INFO). Default: kept. A function
   * invoked once per event turns them off: they would be most of its CloudWatch Logs bill.
   */
  readonly platformLogs?: boolean;
  /**
   * esbuild options on top of the project's; a function is called only when the entry is bundled
   * at synth (in the repository), not when the npm package's prebuilt bundle is used.
   */
  readonly bundling?: BundlingOptions | (() => BundlingOptions);
}

/**
 * A Node.js Lambda function with this project's defaults: nodejs24.x on arm64, an ESM bundle
 * built by the locally installed esbuild (minified, with source maps, AWS SDK left to the
 * runtime), its own log group with a retention, an execution role that may write to that log
 * group only, logs and metrics settings for Powertools (its service, the stack's metric
 * namespace, the log level), and 256 MB unless told otherwise. From the npm package, the bundle
 * built when the package was packed (infra/package/build.ts) is deployed as it is.
 */
export class AnalyticsFunction extends NodejsFunction {
  /** The name of the function's bundle (its entry's, see {@link bundleNameOf}). */
  readonly bundleName: string;

  constructor(scope: Construct, id: string, props: AnalyticsFunctionProps) {
    const { entry, logRetention, logRemovalPolicy, service, logLevel, platformLogs = true, bundling, environment, ...rest } = props;
    const prebuilt = prebuiltBundle(entry);
    if (!prebuilt) assertLocalEsbuild(scope);

    // A sibling of the function, so it exists before the function that writes to it.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: logRetention,
      removalPolicy: logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    // Instead of the managed AWSLambdaBasicExecutionRole (create log groups, write to any of them):
    // the log group exists, so the function only creates streams in it and writes to them.
    // An inline policy of the role, apart from its default policy, which holds the grants (useTable, useQueue).
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        Logs: new PolicyDocument({
          statements: [new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] })],
        }),
      },
    });

    super(scope, id, {
      memorySize: 256,
      timeout: Duration.seconds(10),
      ...rest,
      ...(prebuilt ? { code: prebuiltCode(prebuilt), handler: 'index.handler' } : bundledCode(entry, bundling)),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      logGroup,
      role,
      // JSON format, so that Lambda filters by level: its system logs at INFO (START, END, REPORT)
      // or only WARN, and the application logs at logLevel, which Lambda also hands to Powertools
      // (AWS_LAMBDA_LOG_LEVEL). Metric lines carry no level; Lambda reads them as INFO, which is
      // why logLevel goes no higher than INFO.
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[logLevel],
      systemLogLevelV2: platformLogs ? SystemLogLevel.INFO : SystemLogLevel.WARN,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: service,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(Stack.of(scope).stackName),
        POWERTOOLS_LOG_LEVEL: logLevel,
        ...environment,
      },
    });
    this.bundleName = bundleNameOf(entry);
  }

  /** Grants `access` on `table` and passes its name in the environment variable `envName`. */
  useTable(table: ITable, envName: string, access: TableAccess): this {
    const actions = access === 'read' ? TABLE_READ : access;
    if (actions.length === 0) throw new Error(`useTable(${envName}): no actions given`);
    table.grant(this, ...[...new Set(actions)].map((action) => `dynamodb:${action}`));
    this.addEnvironment(envName, table.tableName);
    return this;
  }

  /** Grants `access` on `queue` and passes its URL in the environment variable `envName`. */
  useQueue(queue: IQueue, envName: string, access: QueueAccess): this {
    if (access === 'send') queue.grant(this, 'sqs:SendMessage');
    this.addEnvironment(envName, queue.queueUrl);
    return this;
  }

  /**
   * Grants the S3 `actions` on the objects under `prefix` of `bucket` (and s3:ListBucket of that
   * prefix) and passes the bucket's name in the environment variable `envName`.
   */
  useBucket(bucket: IBucket, envName: string, prefix: string, actions: readonly BucketAction[]): this {
    this.addToRolePolicy(new PolicyStatement({ actions: actions.map((action) => `s3:${action}`), resources: [bucket.arnForObjects(`${prefix}*`)] }));
    this.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } }),
    );
    this.addEnvironment(envName, bucket.bucketName);
    // Objects are named per commit unit, so they can only be granted by prefix.
    const bucketId = Stack.of(this).resolve((bucket.node.defaultChild as CfnResource).logicalId) as string;
    acknowledge(this.role!, [`AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`], 'bucketPrefix');
    return this;
  }

  /** Invokes this function with batches from `queue` (grants receive/delete/visibility on it). */
  consumeQueue(queue: IQueue, props: SqsEventSourceProps): this {
    this.addEventSource(new SqsEventSource(queue, props));
    return this;
  }
}

/** NodejsFunction's props that bundle `entry` from the repository with the locally installed esbuild. */
function bundledCode(entry: string, bundling: AnalyticsFunctionProps['bundling']): NodejsFunctionProps {
  return {
    entry: path.join(PROJECT_ROOT, entry),
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
    bundling: {
      format: OutputFormat.ESM,
      mainFields: ['module', 'main'],
      banner: ESM_REQUIRE_BANNER,
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      externalModules: ['@aws-sdk/*'],
      forceDockerBundling: false,
      tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
      ...(typeof bundling === 'function' ? bundling() : bundling),
    },
  };
}

/**
 * The esbuild installed in the repository, loaded when something is bundled: the npm package
 * ships its functions prebuilt and does not depend on esbuild (nor on its types: internal).
 * @internal
 */
export function localEsbuild(): typeof import('esbuild') {
  return createRequire(path.join(PROJECT_ROOT, 'package.json'))('esbuild') as typeof import('esbuild');
}

/**
 * NodejsFunction silently switches to Docker when it cannot find esbuild. Docker is not part of
 * this project's toolchain, so a missing esbuild is an error (only when this stack is bundled).
 */
function assertLocalEsbuild(scope: Construct): void {
  if (!Stack.of(scope).bundlingRequired) return;
  try {
    createRequire(path.join(PROJECT_ROOT, 'package.json')).resolve('esbuild/package.json');
  } catch {
    throw new Error('esbuild is not installed in this project (npm ci): functions are bundled with the local esbuild, never Docker');
  }
}
