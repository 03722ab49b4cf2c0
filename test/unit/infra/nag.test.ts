import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { AnalyticsStack } from '../../../infra/analytics-stack.ts';
import { removeSynthOutputs, testApp } from './synth.ts';

afterAll(removeSynthOutputs);

/** The app with cdk-nag's AwsSolutions rules registered as `cdk synth` would run them. */
function checkedApp(context: Record<string, unknown>): { app: App; checks: AwsSolutionsChecks } {
  const app = testApp(context);
  const checks = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(checks);
  new AnalyticsStack(app, 'AnalyticsStack');
  return { app, checks };
}

/** Every unacknowledged finding, one line each: severity, rule, construct path and what is wrong. */
function findingsOf(checks: AwsSolutionsChecks, app: App): string[] {
  return checks
    .validateScope(app)
    .violations.flatMap((violation) =>
      violation.violatingResources.map(
        (resource) => `${violation.severity} ${violation.ruleName} ${resource.constructPath}: ${violation.description}`,
      ),
    );
}

describe('cdk-nag AwsSolutions rules', () => {
  it.each([
    ['the REST API (default)', {}],
    ['the HTTP API', { apiType: 'http' }],
    ['restricted ingestion', { restrictIngestion: 'true' }],
    ['the WAF rate limit', { wafRateLimit: '1000' }],
    ['point-in-time recovery off', { pointInTimeRecovery: 'false' }],
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
