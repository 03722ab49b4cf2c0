import { App } from 'aws-cdk-lib';
import { AnalyticsStack } from './analytics-stack.ts';
import { readStackName } from './config.ts';

// CLI entry (cdk.json "app"). Tunables come from context: cdk.json or `-c key=value`.
const app = new App();
const stackName = readStackName(app);

new AnalyticsStack(app, stackName, {
  stackName,
  description: 'Serverless website analytics: API Gateway, Lambda, SQS, DynamoDB',
  // Set by the CLI from the credentials/profile when it can; environment-agnostic otherwise.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

app.synth();
