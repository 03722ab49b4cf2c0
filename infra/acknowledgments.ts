import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Where this stack departs from a cdk-nag AwsSolutions rule, and why. Each reason is applied
 * with {@link acknowledge} to the narrowest construct it concerns (a method, a route, a table),
 * never to the whole stack, so a new resource breaking a rule still fails test/unit/infra/nag.test.ts.
 */
export const REASONS = {
  /** AwsSolutions-APIG4, AwsSolutions-COG4 on POST /event and POST /events. */
  publicIngestion:
    'Ingestion is public by design: browsers on any website post beacons without credentials. ' +
    'It is bounded by the stage throttle, the bot filter, the optional WAF rate limit (wafRateLimit) and, ' +
    'with restrictIngestion=true, by site registrations and allowed origins checked in the function.',
  /** AwsSolutions-APIG4, AwsSolutions-COG4 on GET /t.js. */
  publicScript: 'GET /t.js is the beacon script websites load with a <script> tag: the same public file for everyone.',
  /** AwsSolutions-APIG4, AwsSolutions-COG4 on GET /dashboard and its files. */
  publicDashboard:
    'GET /dashboard serves the same static page, script and stylesheet to everyone; the page asks for a key and sends it to the stats routes, which check it.',
  /** AwsSolutions-APIG4, AwsSolutions-COG4 on GET /stats, GET /stats/timeseries and GET /stats/breakdown. */
  statsKeys:
    'The stats function checks "Authorization: Bearer" keys itself (site keys by SHA-256 hash in SitesTable, ' +
    'the admin key from Secrets Manager) and answers the documented 401/403 JSON errors. An authorizer would ' +
    'invoke a second function per uncached request and answer with API Gateway bodies; Cognito user pools are ' +
    'for people signing in, not for the per-site keys that scripts and dashboards hold.',
  /** AwsSolutions-APIG2 on the REST API. */
  requestValidation:
    'Requests are validated in the functions (zod schemas), which answer {"error":{code,message,details}} with ' +
    'per-field details, and the stats function checks the key before the query (401 before 400). An API Gateway ' +
    'validator would answer first with its own 400 (no details, before the key check), and the HTTP API has no ' +
    'validators, so the two API types would no longer answer alike.',
  /** AwsSolutions-APIG6 on the REST API stage. */
  executionLogs:
    'The stage writes an access log (status, error message, latency of every request, no IP addresses) to a ' +
    'log group of this stack with the configured retention. Execution logs would go to a log group API Gateway ' +
    'creates itself (API-Gateway-Execution-Logs_<id>/<stage>), outside the stack, never expiring and not removed with it.',
  /** AwsSolutions-APIG3 on the REST API stage while wafRateLimit is unset. */
  wafOff:
    'AWS WAF is opt-in (-c wafRateLimit=N): a web ACL costs $5 a month plus $1 per rule and $0.60 per million ' +
    'requests, more than the rest of a small deployment. Without it the stage throttle (throttleRateLimit) bounds traffic.',
  /** AwsSolutions-IAM4 on the REST API's CloudWatch role. */
  apiGatewayLogsRole:
    'API Gateway needs an account-level role to write REST API access logs. AmazonAPIGatewayPushToCloudWatchLogs ' +
    'is the policy AWS maintains for it; the role serves every REST API of the account and region, so it cannot be ' +
    'narrowed to this stack\'s log group.',
  /** AwsSolutions-SMG4 on the admin key. */
  adminKeyRotation:
    'The admin key is a bearer key held by operators and scripts, not a credential of another service that a ' +
    'rotation function could update; the stats function reads it once per instance, so rotating it would leave ' +
    'warm instances refusing the new key. Replace it by hand (put-secret-value) when needed.',
  /** AwsSolutions-DDB3 on EventsTable. */
  eventsTableBackup:
    'EventsTable holds raw events and commit markers that expire (retentionDays) and are never read for stats; the ' +
    'counts live in AggregatesTable, which has point-in-time recovery. It is the largest table, and recovery is ' +
    'billed per GB, for data that only guards against counting an event twice.',
  /** AwsSolutions-IAM5 on a function's access to a bucket prefix (useBucket). */
  bucketPrefix:
    'The lake holds one object per commit unit and day, named when it is written; access is granted to the ' +
    'prefix that holds them (events/) and to no other object of the bucket.',
  /** AwsSolutions-IAM5 on the stats function's access to the workgroup's results (Lake.grantQueries). */
  athenaResults:
    'Athena writes each query\'s results under the workgroup\'s output location (athena-results/<query id>.csv and ' +
    '.metadata) with the rights of the caller, who then reads them back; the object names are made by Athena per ' +
    'query, so access is granted to that prefix and to no other object of the bucket.',
  /** AwsSolutions-S1 on the lake bucket. */
  lakeAccessLogs:
    'The lake bucket is written by the processor and read through pre-signed URLs from GET /stats/export and by ' +
    'Athena; server access logs would add a second bucket and one log object per few requests. Who reads the ' +
    'lake is recorded where access is granted: the stats function logs every export request, and Athena keeps its query history.',
  /** AwsSolutions-DDB3 on AggregatesTable and SitesTable with pointInTimeRecovery=false. */
  backupSwitchedOff: 'Point-in-time recovery was turned off on purpose with -c pointInTimeRecovery=false.',
} as const;

/** The name of one of the {@link REASONS}. */
export type Reason = keyof typeof REASONS;

/** Acknowledges `rules` on `construct` (and what it contains) with one of the {@link REASONS}. */
export function acknowledge(construct: IConstruct, rules: readonly string[], reason: Reason): void {
  for (const id of rules) Validations.of(construct).acknowledge({ id, reason: REASONS[reason] });
}
