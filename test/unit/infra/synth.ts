import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { PROJECT_ROOT } from '../../../infra/analytics-function.ts';
import { AnalyticsStack } from '../../../infra/analytics-stack.ts';
import type { WebsiteAnalytics } from '../../../infra/website-analytics.ts';

// The same context the CLI uses (feature flags), minus bundling: templates only, no esbuild runs.
const cdkJsonContext = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context as Record<
  string,
  unknown
>;

const outdirs: string[] = [];

/** A custom domain of the API as context gives it (`-c domainName=... -c certificateArn=...`). */
export const CUSTOM_DOMAIN = {
  domainName: 'analytics.example.com',
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666',
} as const;

/** The Route 53 hosted zone of CUSTOM_DOMAIN, for its alias record. */
export const HOSTED_ZONE = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' } as const;

export interface Synthesized {
  /** The construct the stack holds: its resources and its settings (`config`). */
  stack: WebsiteAnalytics;
  template: Template;
  /** Logical id of a construct's CloudFormation resource. */
  idOf: (construct: IConstruct) => string;
}

/** An app with `context` on top of cdk.json's (values as `-c key=value` gives them), without bundling. */
export function testApp(context: Record<string, unknown> = {}): App {
  const outdir = mkdtempSync(path.join(tmpdir(), 'cdk.out.infra-test-'));
  outdirs.push(outdir);
  return new App({ outdir, context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [], ...context } });
}

/** Synthesizes the stack with `context` on top of cdk.json's (values as `-c key=value` gives them). */
export function synth(context: Record<string, unknown> = {}): Synthesized {
  const { analytics } = new AnalyticsStack(testApp(context), 'AnalyticsStack');
  const template = Template.fromStack(Stack.of(analytics));
  const idOf = (construct: IConstruct) => Stack.of(analytics).getLogicalId(construct.node.defaultChild as CfnResource);
  return { stack: analytics, template, idOf };
}

/** Deletes the output folders of every synth so far (call from afterAll). */
export function removeSynthOutputs(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
