import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_LOG_FIELDS } from '../../../infra/access-log.ts';
import { removeSynthOutputs, synth, type Synthesized } from './synth.ts';

afterAll(removeSynthOutputs);

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[]; DeletionPolicy?: string };

const resourcesOf = ({ template }: Synthesized): Record<string, Resource> => template.toJSON().Resources;

const ofType = (synthesized: Synthesized, type: string): [string, Resource][] =>
  Object.entries(resourcesOf(synthesized)).filter(([, resource]) => resource.Type === type);

/** The one resource of `type`, as [logicalId, resource]. */
function only(synthesized: Synthesized, type: string): [string, Resource] {
  const found = ofType(synthesized, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

/** The `$context` variables that would put a caller's address or identity into a log line. */
const IDENTIFYING = /\$context\.(identity|.*sourceIp|.*[Hh]eader)|X-Forwarded-For/;

/** Checks an access log format: one JSON object of exactly the chosen fields, none identifying the caller. */
function expectAccessLogFormat(format: string, fields: Record<string, string>): void {
  expect(JSON.parse(format)).toEqual(fields);
  expect(format).toContain('$context.requestId');
  expect(format).not.toMatch(IDENTIFYING);
}

describe('AnalyticsStack security settings with default configuration', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    // Prepare & Act
    synthesized = synth();
  });

  it('refuses requests to either queue that do not use TLS', () => {
    // Prepare
    const { stack, idOf } = synthesized;
    const policies = ofType(synthesized, 'AWS::SQS::QueuePolicy').map(([, policy]) => policy.Properties);

    for (const queue of [stack.eventsQueue, stack.eventsDlq]) {
      // Act
      const policy = policies.find((p) => JSON.stringify(p.Queues) === JSON.stringify([{ Ref: idOf(queue) }]));

      // Assess
      expect(policy?.PolicyDocument.Statement).toEqual([
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sqs:*',
          Resource: { 'Fn::GetAtt': [idOf(queue), 'Arn'] },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]);
    }
  });

  it('turns on point-in-time recovery for the aggregates and the sites, not for the raw events', () => {
    // Prepare
    const { stack, idOf } = synthesized;
    const recovery = (table: IConstruct) => resourcesOf(synthesized)[idOf(table)]!.Properties.PointInTimeRecoverySpecification;

    // Assess
    expect(recovery(stack.aggregatesTable)).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(recovery(stack.sitesTable)).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(recovery(stack.eventsTable)).toBeUndefined();
  });

  it('gives each function a role without managed policies that may write to its own log group only', () => {
    // Prepare
    const { stack, idOf } = synthesized;

    for (const fn of [stack.ingestFunction, stack.processorFunction, stack.statsFunction, stack.assetsFunction, stack.compactorFunction]) {
      // Act
      const role = resourcesOf(synthesized)[idOf(fn.role!)]!.Properties;

      // Assess
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.Policies).toEqual([
        {
          PolicyName: 'Logs',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: { 'Fn::GetAtt': [idOf(fn.logGroup), 'Arn'] },
              },
            ],
          },
        },
      ]);
    }
  });

  it('logs every REST API request as a JSON line without IP addresses, to a log group kept 30 days', () => {
    // Prepare
    const [, stage] = only(synthesized, 'AWS::ApiGateway::Stage');
    const setting = stage.Properties.AccessLogSetting;

    // Act: the destination is the group's ARN, built from its name
    const groupId = JSON.stringify(setting.DestinationArn).match(/"Ref":"(ApiAccessLogs[0-9A-F]+)"/)?.[1];

    // Assess
    expectAccessLogFormat(setting.Format, ACCESS_LOG_FIELDS.rest);
    expect(groupId).toBeDefined();
    expect(resourcesOf(synthesized)[groupId!]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Retain',
    });
  });

  it('sets the CloudWatch role REST API logging needs before the stage, and keeps it when the stack is deleted', () => {
    // Prepare
    const [accountId, account] = only(synthesized, 'AWS::ApiGateway::Account');
    const [, stage] = only(synthesized, 'AWS::ApiGateway::Stage');
    const roleId = account.Properties.CloudWatchRoleArn['Fn::GetAtt'][0] as string;
    const role = resourcesOf(synthesized)[roleId]!;

    // Assess
    expect(stage.DependsOn).toContain(accountId);
    expect(account.DeletionPolicy).toBe('Retain');
    expect(role.DeletionPolicy).toBe('Retain');
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('apigateway.amazonaws.com');
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain('service-role/AmazonAPIGatewayPushToCloudWatchLogs');
  });

  it('has no web ACL and no WAF gateway response unless wafRateLimit is set', () => {
    // Assess
    expect(synthesized.stack.config.wafRateLimit).toBeUndefined();
    expect(Object.values(resourcesOf(synthesized)).filter((r) => r.Type.startsWith('AWS::WAFv2::'))).toEqual([]);
    const types = Object.values(synthesized.template.findResources('AWS::ApiGateway::GatewayResponse')).map((r) => r.Properties.ResponseType);
    expect(types).not.toContain('WAF_FILTERED');
  });
});

describe('AnalyticsStack with pointInTimeRecovery=false', () => {
  it('turns point-in-time recovery off on the aggregates and the sites', () => {
    // Prepare & Act
    const synthesized = synth({ pointInTimeRecovery: 'false' });
    const { stack, idOf } = synthesized;

    // Assess
    expect(stack.config.pointInTimeRecovery).toBe(false);
    for (const table of [stack.aggregatesTable, stack.sitesTable]) {
      expect(resourcesOf(synthesized)[idOf(table)]!.Properties.PointInTimeRecoverySpecification).toEqual({
        PointInTimeRecoveryEnabled: false,
      });
    }
  });
});

describe('AnalyticsStack with apiType=http', () => {
  it('logs every request as a JSON line without IP addresses, to a log group kept 30 days, with no account role', () => {
    // Prepare & Act
    const synthesized = synth({ apiType: 'http' });
    const [, stage] = only(synthesized, 'AWS::ApiGatewayV2::Stage');
    const settings = stage.Properties.AccessLogSettings;
    const groupId = settings.DestinationArn['Fn::GetAtt'][0] as string;

    // Assess
    expectAccessLogFormat(settings.Format, ACCESS_LOG_FIELDS.http);
    expect(resourcesOf(synthesized)[groupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    // An HTTP API writes its access log without the account's CloudWatch role.
    expect(ofType(synthesized, 'AWS::ApiGateway::Account')).toEqual([]);
  });
});

describe('AnalyticsStack with wafRateLimit', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    // Prepare & Act
    synthesized = synth({ wafRateLimit: '500' });
  });

  it('blocks a client IP over the limit per 5 minutes, keeping metrics but no sampled requests', () => {
    // Prepare
    const [, acl] = only(synthesized, 'AWS::WAFv2::WebACL');

    // Assess
    expect(synthesized.stack.config.wafRateLimit).toBe(500);
    expect(acl.Properties).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    expect(acl.Properties.Rules).toEqual([
      expect.objectContaining({
        Action: { Block: {} },
        Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 500, EvaluationWindowSec: 300 } },
      }),
    ]);
    for (const visibility of [acl.Properties.VisibilityConfig, acl.Properties.Rules[0].VisibilityConfig]) {
      expect(visibility).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: false });
    }
  });

  it('associates the web ACL with the REST API stage', () => {
    // Prepare
    const [aclId] = only(synthesized, 'AWS::WAFv2::WebACL');
    const [stageId] = only(synthesized, 'AWS::ApiGateway::Stage');
    const associations = ofType(synthesized, 'AWS::WAFv2::WebACLAssociation').map(([, a]) => a.Properties);

    // Assess
    expect(associations).toHaveLength(1);
    expect(associations[0]!.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    const arn = JSON.stringify(associations[0]!.ResourceArn);
    expect(arn).toContain('"::/restapis/",{"Ref":"' + synthesized.idOf(synthesized.stack.api.api) + '"}');
    expect(arn).toContain('"/stages/",{"Ref":"' + stageId + '"}');
  });

  it('answers a blocked request with 429 and the JSON error shape of the functions', () => {
    // Prepare
    const waf = Object.values(synthesized.template.findResources('AWS::ApiGateway::GatewayResponse', { Properties: { ResponseType: 'WAF_FILTERED' } }));
    expect(waf).toHaveLength(1);
    const response = waf[0]!;

    // Assess
    expect(response.Properties).toMatchObject({ ResponseType: 'WAF_FILTERED', StatusCode: '429' });
    expect(JSON.parse(response.Properties.ResponseTemplates['application/json'])).toEqual({
      error: { code: 'rate_limited', message: expect.stringMatching(/retry/) },
    });
  });

  it.each(['9', '2.5', 'lots', '2000000001', '0'])('refuses wafRateLimit=%s and names the key', (value) => {
    // Act & Assess
    expect(() => synth({ wafRateLimit: value })).toThrow(/"wafRateLimit": expected an integer between 10 and 2000000000/);
  });

  it('refuses a WAF rate limit for an HTTP API, which AWS WAF cannot protect', () => {
    // Act & Assess
    expect(() => synth({ apiType: 'http', wafRateLimit: '500' })).toThrow(
      /"wafRateLimit": expected no value with apiType=http \(AWS WAF cannot be associated with an HTTP API; use apiType=rest\)/,
    );
  });
});
