import type { App } from 'aws-cdk-lib';
import type { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { AnalyticsStack } from '../../../infra/analytics-stack.ts';
import { checkApp, findingsOf } from './nag-findings.ts';
import { CUSTOM_DOMAIN, HOSTED_ZONE, removeSynthOutputs, testApp } from './synth.ts';

afterAll(removeSynthOutputs);

/** The app with cdk-nag's AwsSolutions rules registered as `cdk synth` would run them. */
function checkedApp(context: Record<string, unknown>): { app: App; checks: AwsSolutionsChecks } {
  const app = testApp(context);
  const checks = checkApp(app);
  new AnalyticsStack(app, 'AnalyticsStack');
  return { app, checks };
}

describe('cdk-nag AwsSolutions rules', () => {
  it.each([
    ['the REST API (default)', {}],
    ['the HTTP API', { apiType: 'http' }],
    ['restricted ingestion', { restrictIngestion: 'true' }],
    ['the WAF rate limit', { wafRateLimit: '1000' }],
    ['point-in-time recovery off', { pointInTimeRecovery: 'false' }],
    ['a custom domain on the REST API', CUSTOM_DOMAIN],
    ['a custom domain and its hosted zone on the REST API', { ...CUSTOM_DOMAIN, ...HOSTED_ZONE }],
    ['a custom domain on the HTTP API', { apiType: 'http', ...CUSTOM_DOMAIN }],
    ['a custom domain and its hosted zone on the HTTP API', { apiType: 'http', ...CUSTOM_DOMAIN, ...HOSTED_ZONE }],
    ["the account's API Gateway CloudWatch role left alone", { apiGatewayCloudWatchRole: 'false' }],
    ['ingestion by function URL', { ingestion: 'function-url' }],
    ['ingestion by function URL, HTTP API, restricted', { ingestion: 'function-url', apiType: 'http', restrictIngestion: 'true' }],
  ])('find no unacknowledged error or warning with %s', (_name, context) => {
    // Prepare
    const { app, checks } = checkedApp(context);

    // Act
    const findings = findingsOf(checks, app);

    // Assess: each line names the rule and the construct; acknowledge it (infra/acknowledgments.ts) or fix it.
    expect(findings).toEqual([]);
    // The same rules as a validation plugin: what `cdk synth` runs when they are registered.
    expect(() => app.synth()).not.toThrow();
  });
});
