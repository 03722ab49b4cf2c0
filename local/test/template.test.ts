import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Resolver,
  interpretTemplate,
  loadTemplate,
  localBindings,
  resolveEnvironment,
  resolveOutputs,
  type CfnTemplate,
  type TemplateModel,
} from '../template.ts';
import { fixtureAssembly, projectAppExists, projectAssembly } from './fixtures/synth-fixture.ts';
import { templateLake } from '../athena/template-lake.ts';

const SQS_ENDPOINT = 'http://127.0.0.1:4599';

/** The raw resources of one type, as [logicalId, properties]. */
const rawOfType = (model: TemplateModel, type: string) =>
  Object.entries(model.template.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}] as [string, Record<string, any>]);

/** Checks that apply to any synthesized template: the model agrees with the raw template. */
function expectModelMatchesTemplate(model: TemplateModel): void {
  for (const [id, props] of rawOfType(model, 'AWS::DynamoDB::Table')) {
    const table = model.tables[id]!;
    expect(table.keySchema).toEqual(props.KeySchema);
    expect(table.attributeDefinitions).toEqual(props.AttributeDefinitions);
    if (props.BillingMode) expect(table.billingMode).toBe(props.BillingMode);
    if (props.TimeToLiveSpecification) {
      expect(table.timeToLive).toEqual({ attributeName: props.TimeToLiveSpecification.AttributeName, enabled: props.TimeToLiveSpecification.Enabled });
    }
    expect(table.globalSecondaryIndexes.map((i) => i.IndexName)).toEqual((props.GlobalSecondaryIndexes ?? []).map((i: any) => i.IndexName));
  }
  for (const [id, props] of rawOfType(model, 'AWS::SQS::Queue')) {
    const queue = model.queues[id]!;
    if (props.VisibilityTimeout !== undefined) expect(queue.attributes.VisibilityTimeout).toBe(String(props.VisibilityTimeout));
    if (props.MessageRetentionPeriod !== undefined) expect(queue.attributes.MessageRetentionPeriod).toBe(String(props.MessageRetentionPeriod));
    if (props.RedrivePolicy) {
      expect(queue.redrive).toEqual({
        deadLetterQueueLogicalId: props.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0],
        maxReceiveCount: props.RedrivePolicy.maxReceiveCount,
      });
      expect(model.queues[queue.redrive!.deadLetterQueueLogicalId]).toBeDefined();
    }
  }
  for (const [id, props] of rawOfType(model, 'AWS::Lambda::Function')) {
    const fn = model.functions[id]!;
    expect(fn.codeProblem).toBeUndefined();
    expect(fn.handler).toBe(props.Handler);
    expect(existsSync(fn.handlerFile!)).toBe(true);
    expect(fn.timeoutSeconds).toBe(props.Timeout ?? 3);
    expect(fn.memorySizeMb).toBe(props.MemorySize ?? 128);
    // NodejsFunction with format ESM bundles to index.mjs
    expect(fn.handlerFile).toMatch(/asset\.[0-9a-f]+\/index\.mjs$/);
    expect(fn.moduleFormat).toBe('esm');
  }
  for (const [id, props] of rawOfType(model, 'AWS::Lambda::EventSourceMapping')) {
    const mapping = model.eventSourceMappings[id]!;
    expect(mapping.queueLogicalId).toBe(props.EventSourceArn['Fn::GetAtt'][0]);
    expect(mapping.functionLogicalId).toBe(props.FunctionName.Ref);
    expect(mapping.batchSize).toBe(props.BatchSize ?? 10);
    expect(mapping.maximumBatchingWindowSeconds).toBe(props.MaximumBatchingWindowInSeconds ?? 0);
    expect(mapping.reportBatchItemFailures).toBe((props.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'));
    expect(mapping.maximumConcurrency).toBe(props.ScalingConfig?.MaximumConcurrency);
  }
  const methods = rawOfType(model, 'AWS::ApiGateway::Method');
  expect(Object.values(model.restApis).flatMap((a) => a.routes)).toHaveLength(methods.length);
}

/** Every environment variable resolves to a string; references land on the local resources. */
function expectEnvironmentsResolve(model: TemplateModel): void {
  const bindings = localBindings(model, { sqsEndpoint: SQS_ENDPOINT });
  for (const fn of Object.values(model.functions)) {
    const env = resolveEnvironment(model, fn, bindings);
    expect(Object.keys(env).sort()).toEqual(Object.keys(fn.environment).sort());
    for (const [key, raw] of Object.entries(fn.environment) as [string, any][]) {
      expect(typeof env[key]).toBe('string');
      expect(env[key]).not.toContain('[object');
      const ref = raw?.Ref as string | undefined;
      const [attTarget, att] = (raw?.['Fn::GetAtt'] as string[] | undefined) ?? [];
      if (ref && model.tables[ref]) expect(env[key]).toBe(bindings.tables[ref]!.name);
      if (ref && model.queues[ref]) expect(env[key]).toBe(bindings.queues[ref]!.url);
      if (attTarget && att === 'Arn' && model.tables[attTarget]) expect(env[key]).toBe(bindings.tables[attTarget]!.arn);
      if (attTarget && att === 'Arn' && model.queues[attTarget]) expect(env[key]).toBe(bindings.queues[attTarget]!.arn);
    }
  }
}

describe('template interpretation (fixture stack)', () => {
  let model: TemplateModel;
  beforeAll(async () => {
    model = loadTemplate(await fixtureAssembly());
  }, 120_000);

  it('agrees with the raw template', () => {
    expectModelMatchesTemplate(model);
    expect(model.stackName).toBe('FixtureStack');
    expect(model.ignoredResourceTypes).toEqual([]);
  });

  it('names local resources after the stack and logical id', () => {
    const [tableId] = Object.keys(model.tables);
    expect(model.tables[tableId!]!.name).toBe(`FixtureStack-${tableId}`);
    const queue = Object.values(model.queues).find((q) => q.redrive)!;
    expect(queue.name).toBe(`FixtureStack-${queue.logicalId}`);
    expect(model.queues[queue.redrive!.deadLetterQueueLogicalId]!.attributes).toEqual({ MessageRetentionPeriod: String(14 * 86_400) });
  });

  it('resolves Ref, Fn::GetAtt (Arn, QueueName), Fn::Join and pseudo parameters in function environments', () => {
    expectEnvironmentsResolve(model);
    const front = Object.values(model.functions).find((f) => f.logicalId.startsWith('FrontFunction'))!;
    const bindings = localBindings(model, { sqsEndpoint: SQS_ENDPOINT });
    const env = resolveEnvironment(model, front, bindings);
    const table = Object.values(bindings.tables)[0]!;
    const queueId = Object.keys(model.queues).find((id) => id.startsWith('WorkQueue'))!;
    const queue = bindings.queues[queueId]!;
    expect(env).toEqual({
      QUEUE_URL: `http://sqs.us-east-1.localhost:4599/000000000000/${queue.name}`,
      TABLE_NAME: table.name,
      TABLE_ARN: `arn:aws:dynamodb:us-east-1:000000000000:table/${table.name}`,
      QUEUE_NAME: queue.name,
      QUEUE_ARN: `arn:aws:sqs:us-east-1:000000000000:${queue.name}`,
      DLQ_URL: expect.stringMatching(/^http:\/\/sqs\.us-east-1\.localhost:4599\/000000000000\/FixtureStack-WorkDlq/),
      GREETING: 'hello',
      STACK_REGION: 'us-east-1',
      JOINED: `${table.name}|${queue.name}|000000000000`,
      LAKE_WORKGROUP: 'FixtureStack-lake',
    });
  });

  it("finds the lake: the workgroup, the Glue table's database, bucket, prefix and columns in DuckDB's types", () => {
    const bucket = Object.values(model.buckets).find((b) => b.logicalId.startsWith('LakeBucket'))!;
    expect(templateLake(model)).toEqual({
      workGroup: 'FixtureStack-lake',
      database: 'fixture_lake',
      table: 'events',
      bucket: bucket.name,
      prefix: 'events/',
      columns: [{ name: 'event_id', type: 'VARCHAR' }, { name: 'visit', type: 'STRUCT("page" INTEGER, "source" VARCHAR)' }],
      partitionKeys: [{ name: 'site_id', type: 'VARCHAR' }, { name: 'date', type: 'VARCHAR' }],
      outputLocation: `s3://${bucket.name}/athena-results/`,
    });
  });

  it('reads the event source mapping settings', () => {
    const [mapping] = Object.values(model.eventSourceMappings);
    expect(mapping).toMatchObject({ batchSize: 25, maximumBatchingWindowSeconds: 1, reportBatchItemFailures: true, maximumConcurrency: 2, enabled: true });
    expect(model.functions[mapping!.functionLogicalId]!.logicalId).toMatch(/^WorkerFunction/);
    expect(model.queues[mapping!.queueLogicalId]!.redrive).toBeDefined();
  });

  it('builds REST routes from Resource ParentId chains, with {param} and {proxy+} parts', () => {
    const api = Object.values(model.restApis)[0]!;
    const proxied = api.routes.filter((r) => r.integration.type === 'AWS_PROXY').map((r) => `${r.httpMethod} ${r.resourcePath}`);
    expect(proxied.sort()).toEqual(['ANY /files/{proxy+}', 'GET /echo', 'GET /items/{id}', 'GET /slow', 'POST /echo', 'POST /enqueue']);
    for (const route of api.routes) {
      if (route.integration.type === 'AWS_PROXY') {
        expect(route.integration.functionLogicalId).toMatch(/^FrontFunction/);
        expect(route.integration.timeoutMs).toBe(29_000);
      }
    }
    const preflight = api.routes.find((r) => r.httpMethod === 'OPTIONS' && r.resourcePath === '/items/{id}')!;
    expect(preflight.integration).toMatchObject({ type: 'MOCK', statusCode: 204, headers: { 'Access-Control-Allow-Origin': '*' } });
    expect(api.routes.some((r) => r.resourcePath === '/' && r.httpMethod === 'OPTIONS')).toBe(true);
    expect(api.stages.map((s) => s.name)).toEqual(['v1']);
    expect(api.binaryMediaTypes).toEqual(['application/octet-stream']);
    expect(api.id).toMatch(/^[a-z0-9]{10}$/);
  });

  it('resolves outputs and points API URLs at the local server', () => {
    const api = Object.values(model.restApis)[0]!;
    const bindings = localBindings(model, { sqsEndpoint: SQS_ENDPOINT, apiUrls: { [api.logicalId]: 'http://127.0.0.1:3999' } });
    expect(Object.values(resolveOutputs(model, bindings))).toEqual(['http://127.0.0.1:3999/v1/']);
  });
});

describe.skipIf(!projectAppExists)('template interpretation (the project stack)', () => {
  let model: TemplateModel;
  beforeAll(async () => {
    model = loadTemplate(await projectAssembly());
  }, 180_000);

  it('agrees with the raw template', () => {
    expectModelMatchesTemplate(model);
  });

  it('resolves every function environment to the local resources', () => {
    expectEnvironmentsResolve(model);
  });

  it("reads each function's logging config as Lambda applies it (JSON, filtered at the log level)", () => {
    // Assess
    const functions = Object.values(model.functions);
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      // Ingest runs once per request: Lambda's own START/REPORT lines (INFO) are left out there.
      const systemLogLevel = fn.logicalId.startsWith('IngestFunction') ? 'WARN' : 'INFO';
      expect(fn.logging, fn.logicalId).toEqual({ format: 'JSON', applicationLogLevel: 'INFO', systemLogLevel });
    }
  });

  it("gives the stats function the lake's workgroup and database, which the local Athena endpoint serves", () => {
    const lake = templateLake(model)!;
    const stats = Object.values(model.functions).find((f) => f.logicalId.startsWith('StatsFunction'))!;
    const env = resolveEnvironment(model, stats, localBindings(model, { sqsEndpoint: SQS_ENDPOINT }));
    expect(lake).toMatchObject({ workGroup: `${model.stackName}-lake`, database: `${model.stackName.toLowerCase()}_lake`, table: 'events', prefix: 'events/' });
    expect(lake.bucket).toBe(Object.values(model.buckets).find((b) => b.logicalId.startsWith('LakeBucket'))!.name);
    expect(lake.columns.map((c) => c.name)).toEqual(['event_id', 'event_type', 'path', 'user_id', 'timestamp', 'received_at', 'device', 'browser', 'os', 'country', 'visit', 'props']);
    expect({ workGroup: env.LAKE_WORKGROUP, database: env.LAKE_DATABASE }).toEqual({ workGroup: lake.workGroup, database: lake.database });
  });

  it('routes the public API to bundled functions', () => {
    const routes = Object.values(model.restApis).flatMap((a) => a.routes);
    for (const [method, path] of [
      ['POST', '/event'],
      ['POST', '/events'],
      ['GET', '/stats'],
      ['GET', '/stats/timeseries'],
      ['GET', '/stats/breakdown'],
      ['GET', '/sites'],
    ] as const) {
      const route = routes.find((r) => r.httpMethod === method && r.resourcePath === path);
      expect(route, `${method} ${path}`).toBeDefined();
      expect(route!.integration.type).toBe('AWS_PROXY');
      if (route!.integration.type === 'AWS_PROXY') expect(model.functions[route!.integration.functionLogicalId]!.handlerFile).toBeDefined();
    }
  });

  it('leaves the alarms, their topic and the dashboard aside without reporting them as not emulated', () => {
    const types = new Set(Object.values(model.template.Resources).map((r) => r.Type));
    for (const type of ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard', 'AWS::SNS::Topic', 'AWS::SNS::TopicPolicy']) {
      expect(types, type).toContain(type);
    }
    expect(model.ignoredResourceTypes.filter((type) => /CloudWatch|SNS/.test(type))).toEqual([]);
    const outputs = resolveOutputs(model, localBindings(model, { sqsEndpoint: SQS_ENDPOINT }));
    expect(outputs.AlarmTopicArn).toMatch(/^arn:aws:sns:us-east-1:000000000000:\S+$/);
    expect(outputs.DashboardName).toBe(`${model.stackName}-operations`);
  });

  it('maps the queue to its processor with partial batch responses and a dead-letter queue', () => {
    const mappings = Object.values(model.eventSourceMappings);
    expect(mappings.length).toBeGreaterThan(0);
    for (const mapping of mappings) {
      expect(mapping.reportBatchItemFailures).toBe(true);
      expect(model.queues[mapping.queueLogicalId]!.redrive).toBeDefined();
    }
  });
});

describe('intrinsic functions and template shapes', () => {
  const template: CfnTemplate = {
    Parameters: { Env: { Type: 'String', Default: 'dev' } },
    Conditions: { IsDev: { 'Fn::Equals': [{ Ref: 'Env' }, 'dev'] }, IsProd: { 'Fn::Not': [{ Condition: 'IsDev' }] } },
    Mappings: { Sizes: { dev: { mem: 256 } } },
    Resources: {
      Q: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true } },
      T: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
        },
      },
      OnlyInProd: { Type: 'AWS::SQS::Queue', Condition: 'IsProd' },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'main.run', Code: { ZipFile: 'exports.run = () => 1' } } },
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'x' } },
      RootGet: {
        Type: 'AWS::ApiGateway::Method',
        Properties: {
          RestApiId: { Ref: 'Api' },
          ResourceId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] },
          HttpMethod: 'GET',
          Integration: { Type: 'AWS_PROXY', Uri: { 'Fn::Sub': 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Alias}/invocations' } },
        },
      },
      Alias: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Fn' }, Name: 'live' } },
      Deployment: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'Api' }, StageName: 'prod' } },
    },
  };
  const model = interpretTemplate(template, { stackName: 'S', cdkOut: '/tmp/none' });
  const bindings = localBindings(model, { sqsEndpoint: 'http://127.0.0.1:1234' });
  const resolver = new Resolver(model, bindings);

  it('resolves Fn::Sub, Fn::Select, Fn::Split, Fn::If, Fn::FindInMap, parameters and AWS::NoValue', () => {
    expect(resolver.resolve({ 'Fn::Sub': 'a-${AWS::Region}-${T}-${Q.QueueName}-${!Literal}' })).toBe('a-us-east-1-S-T-S-Q.fifo-${Literal}');
    expect(resolver.resolve({ 'Fn::Sub': ['${x}/${AWS::AccountId}', { x: { Ref: 'Env' } }] })).toBe('dev/000000000000');
    expect(resolver.resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] })).toBe('b');
    expect(resolver.resolve({ 'Fn::If': ['IsDev', 'yes', 'no'] })).toBe('yes');
    expect(resolver.resolve({ 'Fn::FindInMap': ['Sizes', { Ref: 'Env' }, 'mem'] })).toBe(256);
    expect(resolver.resolve({ keep: 1, drop: { Ref: 'AWS::NoValue' } })).toEqual({ keep: 1 });
    expect(resolver.resolve({ 'Fn::GetAtt': ['T', 'StreamArn'] })).toMatch(/^arn:aws:dynamodb:us-east-1:000000000000:table\/S-T\/stream\//);
    expect(resolver.resolve({ 'Fn::GetAtt': ['Q', 'QueueUrl'] })).toBe('http://sqs.us-east-1.localhost:1234/000000000000/S-Q.fifo');
  });

  it('says where an unsupported intrinsic or attribute is', () => {
    expect(() => resolver.resolve({ 'Fn::ImportValue': 'x' }, 'Fn.Environment.Variables.X')).toThrow(/Fn\.Environment\.Variables\.X.*Fn::ImportValue/);
    expect(() => resolver.resolve({ 'Fn::GetAtt': ['T', 'Nope'] })).toThrow(/T\.Nope/);
    expect(() => new Resolver(model, undefined).resolve({ Ref: 'Q' })).toThrow(/known only once the queue exists/);
  });

  it('skips resources whose condition is false and keeps FIFO names valid', () => {
    expect(Object.keys(model.queues)).toEqual(['Q']);
    expect(model.queues.Q!.name).toBe('S-Q.fifo');
    expect(model.tables.T!.billingMode).toBe('PROVISIONED');
    expect(model.tables.T!.streamViewType).toBe('NEW_IMAGE');
  });

  it('handles methods on the root resource, aliases in integration URIs and Deployment stages', () => {
    const api = model.restApis.Api!;
    expect(api.routes).toHaveLength(1);
    expect(api.routes[0]).toMatchObject({ resourcePath: '/', httpMethod: 'GET', integration: { type: 'AWS_PROXY', functionLogicalId: 'Fn' } });
    expect(api.stages.map((s) => s.name)).toEqual(['prod']);
  });

  it('reports functions it cannot run instead of failing', () => {
    expect(model.functions.Fn!.codeProblem).toMatch(/aws:asset:path/);
    expect(model.functions.Fn!.handlerExport).toBe('run');
  });
});
