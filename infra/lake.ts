import { Aws, Duration, RemovalPolicy, Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LAKE_PREFIX } from '../functions/domain/lake.ts';
import { acknowledge } from './acknowledgments.ts';

export interface LakeProps {
  /** Days an object is kept; 0 keeps them. */
  readonly retentionDays: number;
  /** Megabytes one query may scan. */
  readonly scanLimitMb: number;
  readonly removalPolicy: RemovalPolicy;
}

/** Where the workgroup writes query results, in the lake's bucket (kept a week). */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';
const RESULTS_DAYS = 7;

/** The columns of a lake line (functions/domain/lake.ts, LakeRecord); site_id and date are the partitions. */
export const LAKE_COLUMNS = [
  { name: 'event_id', type: 'string' },
  { name: 'event_type', type: 'string' },
  { name: 'path', type: 'string' },
  { name: 'user_id', type: 'string' },
  { name: 'timestamp', type: 'string', comment: 'UTC, ISO 8601: from_iso8601_timestamp("timestamp")' },
  { name: 'received_at', type: 'string', comment: 'UTC, ISO 8601' },
  { name: 'device', type: 'string' },
  { name: 'browser', type: 'string' },
  { name: 'os', type: 'string' },
  { name: 'country', type: 'string' },
  {
    name: 'visit',
    type: 'struct<page:int,gap_ms:int,entry_page:string,source:string,utm_medium:string,utm_campaign:string,id:string>',
  },
  { name: 'props', type: 'map<string,string>', comment: "custom properties: element_at(props, 'plan')" },
];

/** The Hive partitions of the lake's keys (`events/site_id=S/date=D/`). */
export const LAKE_PARTITION_KEYS = [
  { name: 'site_id', type: 'string' },
  { name: 'date', type: 'string', comment: 'YYYY-MM-DD in the site time zone' },
];

/**
 * The raw-event lake: a bucket the processor writes every counted event to (gzipped NDJSON,
 * `events/site_id=S/date=D/`), a Glue table over it with partition projection (no crawler, no
 * partitions to add), and an Athena workgroup that writes its results beside it and stops any
 * query that would scan more than the limit.
 */
export class Lake extends Construct {
  readonly bucket: Bucket;
  readonly databaseName: string;
  readonly tableName = 'events';
  readonly workGroup: CfnWorkGroup;

  constructor(scope: Construct, id: string, props: LakeProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: false,
      lifecycleRules: [
        ...(props.retentionDays > 0 ? [{ id: 'events', prefix: LAKE_PREFIX, expiration: Duration.days(props.retentionDays) }] : []),
        { id: 'athena-results', prefix: ATHENA_RESULTS_PREFIX, expiration: Duration.days(RESULTS_DAYS) },
        { id: 'incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    acknowledge(this.bucket, ['AwsSolutions-S1'], 'lakeAccessLogs');

    // Glue names: lower case, digits and underscores.
    this.databaseName = `${Stack.of(this).stackName.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_lake`;
    const database = new CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: 'Raw events of the analytics stack, one line per counted event' },
    });
    const location = `s3://${this.bucket.bucketName}/${LAKE_PREFIX}`;
    const table = new CfnTable(this, 'Table', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: this.tableName,
        description: 'Every counted event once; query with WHERE site_id = ... (and a date range)',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: LAKE_PARTITION_KEYS,
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          'projection.enabled': 'true',
          // Any site id a query names: no list of sites to keep up to date.
          'projection.site_id.type': 'injected',
          'projection.date.type': 'date',
          'projection.date.format': 'yyyy-MM-dd',
          'projection.date.range': '2020-01-01,NOW+1DAYS',
          'projection.date.interval': '1',
          'projection.date.interval.unit': 'DAYS',
          'storage.location.template': `${location}site_id=\${site_id}/date=\${date}/`,
        },
        storageDescriptor: {
          location,
          columns: LAKE_COLUMNS,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', parameters: { 'ignore.malformed.json': 'false' } },
        },
      },
    });
    table.addDependency(database);

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: `${Stack.of(this).stackName}-lake`,
      description: 'Queries of the raw-event lake',
      state: 'ENABLED',
      recursiveDeleteOption: props.removalPolicy === RemovalPolicy.DESTROY,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.scanLimitMb * 1024 * 1024,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.bucket.bucketName}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
  }

  /**
   * Lets a function run queries in the workgroup (env LAKE_WORKGROUP, LAKE_DATABASE) and nothing
   * more: Athena calls on this workgroup only; Glue reads of this database and table; S3 reads of
   * the events under `events/` and read/write of the workgroup's results under `athena-results/`,
   * which Athena does with the caller's rights.
   */
  grantQueries(fn: LambdaFunction): void {
    const stack = Stack.of(this);
    const workGroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroup.ref });
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution'],
        resources: [workGroupArn],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/${this.tableName}` }),
        ],
      }),
    );
    const prefixes = [LAKE_PREFIX, ATHENA_RESULTS_PREFIX].map((prefix) => `${prefix}*`);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${LAKE_PREFIX}*`)] }));
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [this.bucket.arnForObjects(`${ATHENA_RESULTS_PREFIX}*`)],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn], conditions: { StringLike: { 's3:prefix': prefixes } } }),
    );
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [this.bucket.bucketArn] }));
    fn.addEnvironment('LAKE_WORKGROUP', this.workGroup.ref);
    fn.addEnvironment('LAKE_DATABASE', this.databaseName);
    const bucketId = stack.resolve((this.bucket.node.defaultChild as CfnResource).logicalId) as string;
    acknowledge(fn.role!, [`AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${LAKE_PREFIX}*]`], 'bucketPrefix');
    acknowledge(fn.role!, [`AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${ATHENA_RESULTS_PREFIX}*]`], 'athenaResults');
  }
}
