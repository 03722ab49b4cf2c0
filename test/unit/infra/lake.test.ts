import { Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeSynthOutputs, synth, type Synthesized } from './synth.ts';

afterAll(removeSynthOutputs);

describe('the raw-event lake', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synth();
  });

  it('is a bucket encrypted at rest, reachable over TLS only, with every kind of public access blocked', () => {
    const { template, idOf, stack } = synthesized;
    const bucket = template.toJSON().Resources[idOf(stack.lake.bucket)];
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy'))[0]!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('keeps events by default, and for lakeRetentionDays days when set; Athena results for a week', () => {
    const rules = (s: Synthesized) =>
      s.template.toJSON().Resources[s.idOf(s.stack.lake.bucket)].Properties.LifecycleConfiguration.Rules as Array<Record<string, unknown>>;
    const kept = rules(synthesized);
    expect(kept.find((rule) => rule.Prefix === 'events/')).toBeUndefined();
    expect(kept).toContainEqual(expect.objectContaining({ Prefix: 'athena-results/', ExpirationInDays: 7, Status: 'Enabled' }));
    const expiring = rules(synth({ lakeRetentionDays: 400 }));
    expect(expiring).toContainEqual(expect.objectContaining({ Prefix: 'events/', ExpirationInDays: 400, Status: 'Enabled' }));
  });

  it('has a Glue table over events/ with partition projection by site and date, and no crawler', () => {
    const { template, idOf, stack } = synthesized;
    template.resourceCountIs('AWS::Glue::Crawler', 0);
    const table = Object.values(template.findResources('AWS::Glue::Table'))[0]!.Properties.TableInput;
    expect(table.PartitionKeys.map((key: { Name: string }) => key.Name)).toEqual(['site_id', 'date']);
    expect(table.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.site_id.type': 'injected',
      'projection.date.type': 'date',
      'projection.date.format': 'yyyy-MM-dd',
    });
    const bucketName = { Ref: idOf(stack.lake.bucket) };
    expect(table.Parameters['storage.location.template']).toEqual({
      'Fn::Join': ['', ['s3://', bucketName, '/events/site_id=${site_id}/date=${date}/']],
    });
    expect(table.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.openx.data.jsonserde.JsonSerDe');
    expect(table.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name)).toEqual([
      'event_id', 'event_type', 'path', 'user_id', 'timestamp', 'received_at', 'device', 'browser', 'os', 'country', 'visit', 'props',
    ]);
    const typeOf = (name: string) => table.StorageDescriptor.Columns.find((c: { Name: string }) => c.Name === name).Type;
    expect(typeOf('visit')).toBe('struct<page:int,gap_ms:int,entry_page:string,source:string,utm_medium:string,utm_campaign:string,id:string>');
    expect(typeOf('props')).toBe('map<string,string>');
  });

  it('has an Athena workgroup that enforces its results location, encryption and a scan limit per query', () => {
    const workGroup = (s: Synthesized) => Object.values(s.template.findResources('AWS::Athena::WorkGroup'))[0]!.Properties;
    const config = workGroup(synthesized).WorkGroupConfiguration;
    expect(config.EnforceWorkGroupConfiguration).toBe(true);
    expect(config.BytesScannedCutoffPerQuery).toBe(10_240 * 1024 * 1024);
    expect(config.ResultConfiguration.EncryptionConfiguration).toEqual({ EncryptionOption: 'SSE_S3' });
    expect(JSON.stringify(config.ResultConfiguration.OutputLocation)).toContain('/athena-results/');
    expect(workGroup(synth({ athenaScanLimitMb: 100 })).WorkGroupConfiguration.BytesScannedCutoffPerQuery).toBe(100 * 1024 * 1024);
    expect(() => synth({ athenaScanLimitMb: 5 })).toThrow(/athenaScanLimitMb/);
  });

  it('lets the processor put and delete objects under events/ only, and list that prefix', () => {
    const { template, idOf, stack } = synthesized;
    const roleId = idOf(stack.processorFunction.role!);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }>)
      .filter((statement) => JSON.stringify(statement.Resource).includes(idOf(stack.lake.bucket)));
    expect(statements.map((statement) => statement.Action)).toEqual([['s3:DeleteObject', 's3:PutObject'], 's3:ListBucket']);
    expect(JSON.stringify(statements[0]!.Resource)).toContain('/events/*');
    expect(statements[1]!.Condition).toEqual({ StringLike: { 's3:prefix': ['events/*'] } });
  });

  it('lets the stats function query the lake in its workgroup: Athena on that workgroup, Glue reads of its table, S3 reads of events/ and read/write of the results, nothing more', () => {
    // Prepare
    const { template, idOf, stack } = synthesized;
    const roleId = idOf(stack.statsFunction.role!);
    type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown; Effect: string };
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    /** Each allowed action with each of its resources (as JSON) and its condition. */
    const grants = statements.flatMap((statement) =>
      ([] as string[]).concat(statement.Action).flatMap((action) =>
        ([] as unknown[]).concat(statement.Resource).map((resource) => ({ action, resource: JSON.stringify(resource), condition: statement.Condition })),
      ),
    );
    const of = (service: string) => grants.filter((grant) => grant.action.startsWith(`${service}:`));
    const env = template.toJSON().Resources[idOf(stack.statsFunction)].Properties.Environment.Variables;
    const bucketArn = JSON.stringify({ 'Fn::GetAtt': [idOf(stack.lake.bucket), 'Arn'] });
    const objects = (prefix: string) => JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [idOf(stack.lake.bucket), 'Arn'] }, `/${prefix}*`]] });
    const arn = (service: string, resource: string) =>
      JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]] });

    // Assess
    expect(env.LAKE_WORKGROUP).toEqual({ Ref: Stack.of(stack).getLogicalId(stack.lake.workGroup) });
    expect(env.LAKE_DATABASE).toBe('analyticsstack_lake');
    expect(statements.every((statement) => statement.Effect === 'Allow')).toBe(true);
    const workGroupArn = JSON.stringify({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':athena:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':workgroup/', { Ref: Stack.of(stack).getLogicalId(stack.lake.workGroup) }]],
    });
    expect(of('athena').map((grant) => [grant.action, grant.resource]).sort()).toEqual(
      ['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StartQueryExecution', 'athena:StopQueryExecution'].map((action) => [action, workGroupArn]),
    );
    expect(new Set(of('glue').map((grant) => grant.action))).toEqual(new Set(['glue:GetDatabase', 'glue:GetTable']));
    expect(new Set(of('glue').map((grant) => grant.resource))).toEqual(
      new Set([arn('glue', 'catalog'), arn('glue', 'database/analyticsstack_lake'), arn('glue', 'table/analyticsstack_lake/events')]),
    );
    const s3 = of('s3');
    const actionsOn = (resource: string) => [...new Set(s3.filter((grant) => grant.resource === resource).map((grant) => grant.action))].sort();
    expect(actionsOn(objects('events/'))).toEqual(['s3:GetObject']);
    expect(actionsOn(objects('athena-results/'))).toEqual(['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject']);
    expect(actionsOn(bucketArn)).toEqual(['s3:GetBucketLocation', 's3:ListBucket']);
    expect(new Set(s3.map((grant) => grant.resource))).toEqual(new Set([objects('events/'), objects('athena-results/'), bucketArn]));
    for (const listing of s3.filter((grant) => grant.action === 's3:ListBucket')) {
      const prefixes = (listing.condition as { StringLike: { 's3:prefix': string[] } }).StringLike['s3:prefix'];
      expect(prefixes.every((prefix) => prefix === 'events/*' || prefix === 'athena-results/*')).toBe(true);
    }
    expect(grants.some((grant) => grant.resource === '"*"')).toBe(false);
  });

  it('lets the compactor read, put and delete objects under events/ only, list that prefix, read commit markers and hold its leases, hourly', () => {
    const { template, idOf, stack } = synthesized;
    const roleId = idOf(stack.compactorFunction.role!);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }>);
    const onBucket = statements.filter((statement) => JSON.stringify(statement.Resource).includes(idOf(stack.lake.bucket)));
    expect(onBucket.map((statement) => statement.Action)).toEqual([['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], 's3:ListBucket']);
    expect(JSON.stringify(onBucket[0]!.Resource)).toContain('/events/*');
    expect(onBucket[1]!.Condition).toEqual({ StringLike: { 's3:prefix': ['events/*'] } });
    const onTables = statements.filter((statement) => JSON.stringify(statement.Resource).includes('Table'));
    expect(onTables.map((statement) => statement.Action)).toEqual([['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem']]);
    expect(JSON.stringify(onTables[0]!.Resource)).toContain(idOf(stack.eventsTable));
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules.map((rule) => rule.Properties.ScheduleExpression)).toEqual(['rate(1 hour)']);
    expect(JSON.stringify(rules[0]!.Properties.Targets)).toContain(idOf(stack.compactorFunction));
  });
});
