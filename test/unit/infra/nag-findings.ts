import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/** Registers cdk-nag's AwsSolutions rules on `app` as `cdk synth` would run them. */
export function checkApp(app: App): AwsSolutionsChecks {
  const checks = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(checks);
  return checks;
}

/** Every unacknowledged finding, one line each: severity, rule, construct path and what is wrong. */
export function findingsOf(checks: AwsSolutionsChecks, app: App): string[] {
  return checks
    .validateScope(app)
    .violations.flatMap((violation) =>
      violation.violatingResources.map(
        (resource) => `${violation.severity} ${violation.ruleName} ${resource.constructPath}: ${violation.description}`,
      ),
    );
}
