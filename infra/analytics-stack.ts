import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { readContextProps } from './config.ts';
import { WebsiteAnalytics } from './website-analytics.ts';

/**
 * The project's own stack (infra/app.ts): the {@link WebsiteAnalytics} construct with the settings
 * of the CDK context (`cdk.json` or `-c key=value`, read by config.ts). The construct's id is
 * `Default`, which CDK leaves out of logical IDs: the resources keep the IDs they had when this
 * stack defined them itself, so a deployed stack updates in place.
 */
export class AnalyticsStack extends Stack {
  /** The tables, queues, functions, API, lake and monitoring (see website-analytics.ts). */
  readonly analytics: WebsiteAnalytics;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.analytics = new WebsiteAnalytics(this, 'Default', readContextProps(this));
  }
}
