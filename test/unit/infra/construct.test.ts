import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, SETTING_KEYS } from '../../../infra/config.ts';
import { WebsiteAnalytics } from '../../../infra/website-analytics.ts';
import { checkApp, findingsOf } from './nag-findings.ts';
import { removeSynthOutputs, synth } from './synth.ts';

afterAll(removeSynthOutputs);

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A user's own app, without the project's cdk.json: no feature flags, no bundling. */
function userApp(): App {
  const outdir = mkdtempSync(path.join(tmpdir(), 'cdk.out.construct-test-'));
  outdirs.push(outdir);
  return new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
}

interface LogicalIds {
  resources: string[];
  outputs: string[];
}

/** The template's resources as "LogicalId Type" and its outputs' names, sorted. */
function logicalIds(template: Template): LogicalIds {
  const json = template.toJSON() as { Resources: Record<string, { Type: string }>; Outputs?: Record<string, unknown> };
  return {
    resources: Object.entries(json.Resources).map(([id, resource]) => `${id} ${resource.Type}`).sort(),
    outputs: Object.keys(json.Outputs ?? {}).sort(),
  };
}

// Synthesized from the stack as it was before it held the construct (AnalyticsStack defined every
// resource itself): a deployed stack must keep every logical ID, or CloudFormation replaces tables.
const before = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures/logical-ids.json'), 'utf8')) as Record<string, LogicalIds>;

describe('the WebsiteAnalytics construct', () => {
  it.each([
    ['default', {}],
    ['http', { apiType: 'http' }],
    ['restricted', { restrictIngestion: 'true' }],
    ['waf', { wafRateLimit: '1000', alarmEmail: 'ops@example.com' }],
  ])('keeps the logical IDs and outputs of the stack before it (%s)', (name, context) => {
    expect(logicalIds(synth(context).template)).toEqual(before[name]);
  });

  it("sets the account's API Gateway CloudWatch role by default and leaves it alone with apiGatewayCloudWatchRole=false", () => {
    // Act
    const byDefault = synth().template;
    const fromContext = synth({ apiGatewayCloudWatchRole: 'false' });
    const stack = new Stack(userApp(), 'Site');
    new WebsiteAnalytics(stack, 'Analytics', { apiGatewayCloudWatchRole: false });
    const fromProps = Template.fromStack(stack);

    // Assess: the role and AWS::ApiGateway::Account only when asked; the access log stays.
    byDefault.resourceCountIs('AWS::ApiGateway::Account', 1);
    expect(JSON.stringify(byDefault.findResources('AWS::IAM::Role'))).toContain('AmazonAPIGatewayPushToCloudWatchLogs');
    expect(fromContext.stack.config.apiGatewayCloudWatchRole).toBe(false);
    for (const template of [fromContext.template, fromProps]) {
      template.resourceCountIs('AWS::ApiGateway::Account', 0);
      expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).not.toContain('AmazonAPIGatewayPushToCloudWatchLogs');
      template.hasResourceProperties('AWS::ApiGateway::Stage', { AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }) });
    }
  });

  it('applies the same defaults to props as to context', () => {
    const stack = new Stack(userApp(), 'Site');
    const { config } = new WebsiteAnalytics(stack, 'Analytics');
    expect(config).toMatchObject(DEFAULT_CONFIG);
    expect(config.alarmEmail).toBeUndefined();
    expect(config.wafRateLimit).toBeUndefined();
  });

  it('checks props as it checks context values, naming the prop', () => {
    const construct = (props: ConstructorParameters<typeof WebsiteAnalytics>[2]) => () =>
      new WebsiteAnalytics(new Stack(userApp(), 'Site'), 'Analytics', props);
    expect(construct({ batchSize: 0 })).toThrow(ConfigError);
    expect(construct({ batchSize: 0 })).toThrow('Invalid WebsiteAnalytics prop "batchSize": expected an integer between 1 and 10000, got 0');
    expect(construct({ batchSize: 100, batchWindowSeconds: 0 })).toThrow(/"batchWindowSeconds": expected at least 1 when batchSize is greater than 10/);
    expect(construct({ apiType: 'http', wafRateLimit: 1000 })).toThrow(/"wafRateLimit"/);
    expect(construct({ logRetentionDays: 2 })).toThrow(/"logRetentionDays"/);
    expect(construct({ pathBuckets: 17 })).toThrow(/"pathBuckets": expected an integer between 1 and 16, got 17/);
  });

  it('has a prop for every context setting, typed the way the context reader parses it', () => {
    const { stack } = synth({ batchSize: '100', botFilter: 'false', logLevel: 'debug', throttleRateLimit: '50.5', apiGatewayCloudWatchRole: 'false' });
    expect(SETTING_KEYS).toEqual(expect.arrayContaining([...Object.keys(DEFAULT_CONFIG), 'alarmEmail', 'wafRateLimit']));
    expect(stack.config).toMatchObject({ batchSize: 100, botFilter: false, logLevel: 'DEBUG', throttleRateLimit: 50.5, apiGatewayCloudWatchRole: false });
  });

  it('synthesizes in a separate app next to a resource of its own, and passes cdk-nag', () => {
    // Prepare: a stack of the user's with a bucket of its own, and the construct with typed props.
    const app = userApp();
    const checks = checkApp(app);
    const stack = new Stack(app, 'WebsiteStack');
    const site = new Bucket(stack, 'SiteBucket', { encryption: BucketEncryption.S3_MANAGED, enforceSSL: true });
    Validations.of(site).acknowledge({ id: 'AwsSolutions-S1', reason: 'The website bucket of this test has no access log.' });
    const analytics = new WebsiteAnalytics(stack, 'Analytics', { apiType: 'http', retentionDays: 30, alarmEmail: 'ops@example.com', destroyOnRemoval: true });

    // Act
    const findings = findingsOf(checks, app);
    const template = Template.fromStack(stack);

    // Assess
    expect(findings).toEqual([]);
    template.resourceCountIs('AWS::DynamoDB::Table', 3);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    expect(stack.resolve(analytics.apiUrl)).toEqual(stack.resolve(analytics.api.url));
    expect(stack.resolve(analytics.alarmTopic.topicArn)).toEqual({ Ref: stack.getLogicalId(analytics.alarmTopic.node.defaultChild as CfnResource) });
    expect(analytics.lakeBucket).toBe(analytics.lake.bucket);
    expect(() => app.synth()).not.toThrow();
  });
});
