import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeSynthOutputs, synth, type Synthesized } from './synth.ts';

afterAll(removeSynthOutputs);

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** Every IAM statement attached to a function's execution role, with actions as arrays. */
function statementsOf({ template, idOf }: Synthesized, fn: IConstruct & { role?: IConstruct }): Statement[] {
  const roleId = idOf(fn.role!);
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) },
  });
  return Object.values(policies).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as Statement[]).map((statement) => ({
      ...statement,
      Action: ([] as string[]).concat(statement.Action),
    })),
  );
}

function actionsOf(statements: Statement[]): string[] {
  return statements.flatMap((statement) => statement.Action as string[]);
}

/** The API Gateway method for `verb` on the top-level resource `pathPart`. */
function methodFor({ template }: Synthesized, pathPart: string, verb: string) {
  const resources = template.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: pathPart } });
  const [resourceId] = Object.keys(resources);
  expect(resourceId, `resource /${pathPart}`).toBeDefined();
  const methods = template.findResources('AWS::ApiGateway::Method', {
    Properties: { HttpMethod: verb, ResourceId: { Ref: resourceId } },
  });
  const found = Object.values(methods);
  expect(found, `${verb} /${pathPart}`).toHaveLength(1);
  return found[0]!.Properties;
}

describe('AnalyticsStack with default configuration', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    // Prepare & Act
    synthesized = synth();
  });

  it.each(['event', 'events'])('routes POST /%s to the ingest function through a Lambda proxy integration', (resource) => {
    // Act
    const method = methodFor(synthesized, resource, 'POST');

    // Assess
    expect(method.Integration.Type).toBe('AWS_PROXY');
    expect(method.Integration.IntegrationHttpMethod).toBe('POST');
    expect(JSON.stringify(method.Integration.Uri)).toContain(synthesized.idOf(synthesized.stack.ingestFunction));
  });

  it('lets queue messages be 1 MiB, so a POST /events batch is one message, and tells the ingest function', () => {
    // Assess
    const { Resources } = synthesized.template.toJSON();
    for (const queue of [synthesized.stack.eventsQueue, synthesized.stack.eventsDlq]) {
      expect(Resources[synthesized.idOf(queue)].Properties.MaximumMessageSize).toBe(1_048_576);
    }
    expect(Resources[synthesized.idOf(synthesized.stack.ingestFunction)].Properties.Environment.Variables.QUEUE_MAX_MESSAGE_BYTES).toBe('1048576');
  });

  it('routes GET /stats to the stats function through a Lambda proxy integration', () => {
    // Act
    const method = methodFor(synthesized, 'stats', 'GET');

    // Assess
    expect(method.Integration.Type).toBe('AWS_PROXY');
    expect(JSON.stringify(method.Integration.Uri)).toContain(synthesized.idOf(synthesized.stack.statsFunction));
  });

  it('serves a REST API stage named v1 with throttling and without metrics', () => {
    // Assess
    synthesized.template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    synthesized.template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    synthesized.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000, MetricsEnabled: false }),
      ]),
    });
  });

  it('outputs the API URL, queue URLs and table names', () => {
    // Assess
    for (const name of ['ApiUrl', 'ApiId', 'EventsQueueUrl', 'EventsDlqUrl', 'EventsTableName', 'AggregatesTableName']) {
      synthesized.template.hasOutput(name, {});
    }
  });

  it('runs every function on nodejs24.x, arm64, as an ESM bundle with source maps', () => {
    // Prepare
    const { stack, template, idOf } = synthesized;

    for (const fn of [stack.ingestFunction, stack.processorFunction, stack.statsFunction, stack.assetsFunction]) {
      // Act
      const props = template.toJSON().Resources[idOf(fn)].Properties;

      // Assess
      expect(props.Runtime).toBe('nodejs24.x');
      expect(props.Architectures).toEqual(['arm64']);
      expect(props.Handler).toBe('index.handler');
      expect(props.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(props.LoggingConfig.LogGroup).toBeDefined();
    }
  });

  it('sizes each function as specified', () => {
    // Prepare
    const { stack, template, idOf } = synthesized;
    const props = (fn: IConstruct) => template.toJSON().Resources[idOf(fn)].Properties;

    // Assess
    expect(props(stack.ingestFunction)).toMatchObject({ MemorySize: 128, Timeout: 5 });
    expect(props(stack.processorFunction)).toMatchObject({ MemorySize: 512, Timeout: 60 });
    expect(props(stack.statsFunction)).toMatchObject({ MemorySize: 256, Timeout: 10 });
    // A lake query ends before the function does: a slow one is a 503 lake_timeout, not a cut-off invocation.
    expect(props(stack.statsFunction).Environment.Variables.LAKE_LIMIT_MS).toBe('8000');
  });

  it('keeps function and API access logs for 30 days', () => {
    // Assess: one group per function, one for the API's access log
    const groups = Object.values(synthesized.template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(6);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(30);
  });

  it("gives every function its service, the stack's metric namespace and log level INFO", () => {
    // Prepare
    const { stack, template, idOf } = synthesized;
    const env = (fn: IConstruct) => template.toJSON().Resources[idOf(fn)].Properties.Environment.Variables;
    const functions = [
      [stack.ingestFunction, 'ingest'],
      [stack.processorFunction, 'processor'],
      [stack.statsFunction, 'stats'],
      [stack.assetsFunction, 'assets'],
      [stack.compactorFunction, 'compactor'],
    ] as const;

    // Assess
    for (const [fn, service] of functions) {
      expect(env(fn)).toMatchObject({
        POWERTOOLS_SERVICE_NAME: service,
        POWERTOOLS_METRICS_NAMESPACE: 'BeaconAnalytics/AnalyticsStack',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      });
    }
  });

  it('passes each function the names it needs and nothing more', () => {
    // Prepare
    const { stack, template, idOf } = synthesized;
    const env = (fn: IConstruct) => template.toJSON().Resources[idOf(fn)].Properties.Environment.Variables;
    const logging = ['POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME'];

    // Assess
    expect(Object.keys(env(stack.ingestFunction)).sort()).toEqual(
      ['ADMIN_API_KEY_SECRET_ARN', 'BOT_FILTER', 'NODE_OPTIONS', ...logging, 'QUEUE_MAX_MESSAGE_BYTES', 'QUEUE_URL', 'SITES_TABLE'],
    );
    expect(env(stack.ingestFunction)).toMatchObject({
      QUEUE_URL: { Ref: idOf(stack.eventsQueue) },
      SITES_TABLE: { Ref: idOf(stack.sitesTable) },
      ADMIN_API_KEY_SECRET_ARN: { Ref: idOf(stack.adminApiKey) },
    });
    expect(env(stack.processorFunction)).toMatchObject({
      EVENTS_TABLE: { Ref: idOf(stack.eventsTable) },
      AGGREGATES_TABLE: { Ref: idOf(stack.aggregatesTable) },
      SITES_TABLE: { Ref: idOf(stack.sitesTable) },
      RETENTION_DAYS: '90',
      PATH_BUCKETS: '4',
      CLAIM_LEASE_SECONDS: '120',
      LAKE_BUCKET: { Ref: idOf(stack.lake.bucket) },
    });
    expect(env(stack.compactorFunction)).toEqual({
      EVENTS_TABLE: { Ref: idOf(stack.eventsTable) },
      LAKE_BUCKET: { Ref: idOf(stack.lake.bucket) },
      // Twice the queue's visibility timeout (6 x 60 s) and the batching window (30 s).
      CLOSE_MARGIN_SECONDS: '780',
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'compactor',
      POWERTOOLS_METRICS_NAMESPACE: 'BeaconAnalytics/AnalyticsStack',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    expect(env(stack.statsFunction)).toEqual({
      LAKE_BUCKET: { Ref: idOf(stack.lake.bucket) },
      AGGREGATES_TABLE: { Ref: idOf(stack.aggregatesTable) },
      SITES_TABLE: { Ref: idOf(stack.sitesTable) },
      ADMIN_API_KEY_SECRET_ARN: { Ref: idOf(stack.adminApiKey) },
      PATH_BUCKETS: '4',
      LAKE_LIMIT_MS: '8000',
      BATCH_WINDOW_SECONDS: '30',
      LAKE_WORKGROUP: { Ref: Stack.of(stack).getLogicalId(stack.lake.workGroup) },
      LAKE_DATABASE: 'analyticsstack_lake',
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'stats',
      POWERTOOLS_METRICS_NAMESPACE: 'BeaconAnalytics/AnalyticsStack',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    expect(Object.keys(env(stack.assetsFunction)).sort()).toEqual(['NODE_OPTIONS', ...logging]);
  });

  it('feeds the processor from the queue in large batches that report partial failures', () => {
    // Prepare
    const { stack, template, idOf } = synthesized;

    // Assess
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: idOf(stack.processorFunction) },
      EventSourceArn: { 'Fn::GetAtt': [idOf(stack.eventsQueue), 'Arn'] },
      BatchSize: 10000,
      MaximumBatchingWindowInSeconds: 30,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('moves a message to the dead-letter queue after 5 receives, and keeps it there 14 days', () => {
    // Prepare
    const { stack, template, idOf } = synthesized;

    // Assess
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [idOf(stack.eventsDlq), 'Arn'] }, maxReceiveCount: 5 },
      SqsManagedSseEnabled: true,
    });
    expect(template.toJSON().Resources[idOf(stack.eventsDlq)].Properties).toMatchObject({
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
  });

  it('hides a received message for at least six times the processor timeout', () => {
    // Prepare
    const { stack, template, idOf } = synthesized;
    const resources = template.toJSON().Resources;

    // Act
    const visibility = resources[idOf(stack.eventsQueue)].Properties.VisibilityTimeout;
    const timeout = resources[idOf(stack.processorFunction)].Properties.Timeout;

    // Assess
    expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('keys both tables by pk and sk, on demand, and expires only raw events', () => {
    // Prepare
    const { stack, template, idOf } = synthesized;
    const resources = template.toJSON().Resources;
    const keySchema = {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    };

    // Assess
    expect(resources[idOf(stack.eventsTable)].Properties).toMatchObject({
      ...keySchema,
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
    });
    expect(resources[idOf(stack.aggregatesTable)].Properties).toMatchObject(keySchema);
    expect(resources[idOf(stack.aggregatesTable)].Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it('retains tables, queues and log groups when the stack is deleted', () => {
    // Prepare
    const { template } = synthesized;

    // Assess
    for (const type of ['AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::Logs::LogGroup']) {
      for (const resource of Object.values(template.findResources(type))) {
        expect(resource.DeletionPolicy, type).toBe('Retain');
      }
    }
  });

  it('lets the ingest function send to the queue, look keys up by hash and read the admin key (for back-dated events), nothing more', () => {
    // Prepare
    const { stack, idOf } = synthesized;

    // Act
    const statements = statementsOf(synthesized, stack.ingestFunction);
    const on = (resource: IConstruct) =>
      actionsOf(statements.filter((statement) => JSON.stringify(statement.Resource).includes(idOf(resource)))).sort();

    // Assess
    expect(on(stack.eventsQueue)).toEqual(['sqs:SendMessage']);
    expect(on(stack.sitesTable)).toEqual(['dynamodb:GetItem']);
    expect(on(stack.adminApiKey)).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    expect(actionsOf(statements)).toHaveLength(4);
    for (const table of [stack.eventsTable, stack.aggregatesTable]) expect(JSON.stringify(statements)).not.toContain(idOf(table));
  });

  it("lets the stats function read the aggregates, look keys up by hash, read sites' zones, the admin key and query the lake, nothing more", () => {
    // Prepare
    const { stack, idOf } = synthesized;

    // Act
    const statements = statementsOf(synthesized, stack.statsFunction);
    const on = (resource: IConstruct) =>
      actionsOf(statements.filter((statement) => JSON.stringify(statement.Resource).includes(idOf(resource)))).sort();

    // Assess
    expect(on(stack.aggregatesTable)).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
    expect(on(stack.sitesTable)).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem']);
    expect(on(stack.adminApiKey)).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    // The lake's events for exports and queries, the query results (test/unit/infra/lake.test.ts has the details).
    expect([...new Set(on(stack.lake.bucket))]).toEqual([
      's3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListMultipartUploadParts', 's3:PutObject',
    ]);
    const others = statements.filter((statement) => !/lake|Lake/.test(JSON.stringify(statement.Resource)) && !JSON.stringify(statement.Resource).includes('athena'));
    expect(actionsOf(others)).toHaveLength(7);
    expect(JSON.stringify(statements)).not.toContain(idOf(stack.eventsTable));
  });

  it('generates the admin key at deployment (nothing of it in the template) and keeps it with the stack', () => {
    // Assess
    const { Resources, Outputs } = synthesized.template.toJSON();
    const secret = Resources[synthesized.idOf(synthesized.stack.adminApiKey)];
    expect(secret.Properties.GenerateSecretString).toEqual({ PasswordLength: 48, ExcludePunctuation: true });
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(secret.DeletionPolicy).toBe('Retain');
    expect(Outputs.AdminApiKeySecretArn.Value).toEqual({ Ref: synthesized.idOf(synthesized.stack.adminApiKey) });
    expect(Outputs.SitesTableName.Value).toEqual({ Ref: synthesized.idOf(synthesized.stack.sitesTable) });
  });

  it('lets the processor claim events, commit counters and read the sites\' time zones, but not send to the queue', () => {
    // Prepare
    const { stack, idOf } = synthesized;

    // Act
    const statements = statementsOf(synthesized, stack.processorFunction);
    const on = (table: IConstruct) =>
      actionsOf(statements.filter((statement) => JSON.stringify(statement.Resource).includes(idOf(table)))).sort();

    // Assess
    expect(on(stack.eventsTable)).toEqual([
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(on(stack.aggregatesTable)).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(on(stack.sitesTable)).toEqual(['dynamodb:BatchGetItem']);
    expect(actionsOf(statements)).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    expect(actionsOf(statements)).not.toContain('sqs:SendMessage');
    expect(actionsOf(statements).some((action) => action.endsWith('*'))).toBe(false);
  });
});

describe('AnalyticsStack configured through context', () => {
  it('applies overrides given as strings, as `cdk -c key=value` passes them', () => {
    // Prepare & Act
    const { stack, template, idOf } = synth({
      batchSize: '50',
      batchWindowSeconds: '2',
      processorMaxConcurrency: '20',
      processorTimeoutSeconds: '120',
      maxReceiveCount: '3',
      pathBuckets: '16',
      stageName: 'prod',
      throttleRateLimit: '50.5',
      throttleBurstLimit: '100',
      logRetentionDays: '7',
      logLevel: 'debug',
    });
    const resources = template.toJSON().Resources;

    // Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: 2,
      ScalingConfig: { MaximumConcurrency: 20 },
    });
    expect(resources[idOf(stack.processorFunction)].Properties.Timeout).toBe(120);
    expect(resources[idOf(stack.processorFunction)].Properties.Environment.Variables).toMatchObject({
      PATH_BUCKETS: '16',
      CLAIM_LEASE_SECONDS: '240',
    });
    // The stats function reads a range's path buckets by key: it knows the processor's count.
    expect(resources[idOf(stack.statsFunction)].Properties.Environment.Variables.PATH_BUCKETS).toBe('16');
    expect(resources[idOf(stack.eventsQueue)].Properties).toMatchObject({
      VisibilityTimeout: 720,
      RedrivePolicy: { maxReceiveCount: 3 },
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 50.5, ThrottlingBurstLimit: 100 })]),
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_LOG_LEVEL: 'DEBUG' }) },
    });
  });

  it('accepts retentionDays=0, which keeps raw events forever', () => {
    // Prepare & Act
    const { stack, template, idOf } = synth({ retentionDays: '0' });

    // Assess
    expect(stack.config.retentionDays).toBe(0);
    expect(
      template.toJSON().Resources[idOf(stack.processorFunction)].Properties.Environment.Variables.RETENTION_DAYS,
    ).toBe('0');
  });

  it('restricts ingestion with restrictIngestion=true: its own entry, the sites table, BatchGetItem (registrations) and GetItem (keys) on it only', () => {
    // Prepare & Act
    const restricted = synth({ restrictIngestion: 'true' });
    const { stack, template, idOf } = restricted;
    const ingest = template.toJSON().Resources[idOf(stack.ingestFunction)].Properties;
    const statements = statementsOf(restricted, stack.ingestFunction);

    // Assess
    expect(stack.config.restrictIngestion).toBe(true);
    expect(ingest.Environment.Variables.SITES_TABLE).toEqual({ Ref: idOf(stack.sitesTable) });
    expect(ingest.Description).toMatch(/registered sites/);
    expect(actionsOf(statements).sort()).toEqual([
      'dynamodb:BatchGetItem', 'dynamodb:GetItem', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'sqs:SendMessage',
    ]);
    expect(JSON.stringify(statements)).toContain(idOf(stack.sitesTable));
  });

  it.each([
    [{}, 'true'],
    [{ botFilter: 'false' }, 'false'],
  ])('tells the ingest function whether to drop bots (context %j)', (context, expected) => {
    // Prepare & Act
    const { stack, template, idOf } = synth(context);

    // Assess
    expect(template.toJSON().Resources[idOf(stack.ingestFunction)].Properties.Environment.Variables.BOT_FILTER).toBe(expected);
  });

  it.each([
    [{}, 'INFO'],
    [{ logLevel: 'debug' }, 'DEBUG'],
  ])('logs JSON filtered by Lambda at the log level (context %j), without platform lines for ingest only', (context, level) => {
    // Prepare & Act
    const { stack, template, idOf } = synth(context);
    const loggingOf = (fn: IConstruct) => template.toJSON().Resources[idOf(fn)].Properties.LoggingConfig;

    // Assess: ingest runs once per request, so Lambda's START/END/REPORT lines (INFO) are left out there.
    expect(loggingOf(stack.ingestFunction)).toMatchObject({ LogFormat: 'JSON', ApplicationLogLevel: level, SystemLogLevel: 'WARN' });
    for (const fn of [stack.processorFunction, stack.statsFunction, stack.assetsFunction]) {
      expect(loggingOf(fn)).toMatchObject({ LogFormat: 'JSON', ApplicationLogLevel: level, SystemLogLevel: 'INFO' });
    }
  });

  it("answers API Gateway's own errors in the functions' JSON shape, readable cross-origin (REST API)", () => {
    // Prepare & Act
    const { template } = synth();
    const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')).map((r) => r.Properties);
    const byType = Object.fromEntries(responses.map((p) => [p.ResponseType, p]));

    // Assess
    expect(Object.keys(byType).sort()).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX', 'MISSING_AUTHENTICATION_TOKEN', 'REQUEST_TOO_LARGE', 'THROTTLED']);
    expect(byType.MISSING_AUTHENTICATION_TOKEN.StatusCode).toBe('404');
    expect(JSON.parse(byType.THROTTLED.ResponseTemplates['application/json'])).toEqual({ error: { code: 'throttled', message: 'Too many requests; retry later' } });
    for (const p of responses) {
      expect(p.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe("'*'");
      // With API Gateway's message (a quoted JSON string) in place, each template is JSON with an error code.
      const filled = JSON.parse(p.ResponseTemplates['application/json'].replace('$context.error.messageString', '"some message"'));
      expect(filled.error).toEqual({ code: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) });
    }
  });

  it('deletes tables, queues and log groups with the stack when destroyOnRemoval=true', () => {
    // Prepare & Act
    const { template } = synth({ destroyOnRemoval: 'true' });

    // Assess
    for (const type of ['AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::Logs::LogGroup']) {
      for (const resource of Object.values(template.findResources(type))) {
        expect(resource.DeletionPolicy, type).toBe('Delete');
      }
    }
  });

  it.each([
    ['batchSize', { batchSize: 'lots' }],
    ['batchSize', { batchSize: '10001' }],
    ['batchSize', { batchSize: '2.5' }],
    ['batchWindowSeconds', { batchWindowSeconds: '301' }],
    ['batchWindowSeconds', { batchSize: '100', batchWindowSeconds: '0' }],
    ['processorMaxConcurrency', { processorMaxConcurrency: '1' }],
    ['processorTimeoutSeconds', { processorTimeoutSeconds: '901' }],
    ['retentionDays', { retentionDays: '-1' }],
    ['pathBuckets', { pathBuckets: '17' }],
    ['throttleRateLimit', { throttleRateLimit: '0' }],
    ['stageName', { stageName: 'v 1' }],
    ['logRetentionDays', { logRetentionDays: '31' }],
    ['logLevel', { logLevel: 'verbose' }],
    ['logLevel', { logLevel: 'warn' }],
    ['destroyOnRemoval', { destroyOnRemoval: 'yes' }],
    ['restrictIngestion', { restrictIngestion: 'maybe' }],
    ['botFilter', { botFilter: 'no' }],
    ['pointInTimeRecovery', { pointInTimeRecovery: 'no' }],
    ['apiType', { apiType: 'graphql' }],
  ])('refuses a bad value and names the key %s', (key, context) => {
    // Act & Assess
    expect(() => synth(context)).toThrow(`"${key}"`);
  });

  it('accepts a batch of up to 10 with no batching window', () => {
    // Prepare & Act
    const { template } = synth({ batchSize: '10', batchWindowSeconds: '0' });

    // Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
    });
  });
});
