// What `npm run local:deploy` must do before and after `cdklocal deploy`, read from the
// synthesized cloud assembly:
//   tsx local/localstack/plan.ts check  <cdk.out> <record>   refuse what free LocalStack cannot
//                                                               serve; print the stacks to replace
//   tsx local/localstack/plan.ts record <cdk.out> <record>   remember the deployed API deployments
//
// LocalStack 4.14.0 cannot update a REST API stage: when the API changes, CDK makes a new
// AWS::ApiGateway::Deployment, CloudFormation deletes the old one, and LocalStack deletes the
// stage with it, leaving the API without a stage. A stack whose deployment changed is therefore
// destroyed and deployed anew (its data is throwaway: LocalStack stacks use destroyOnRemoval).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Template {
  Resources?: Record<string, { Type: string }>;
}

/** Stack name -> logical ids of its REST API deployments. */
export type DeploymentRecord = Record<string, string[]>;

/** Logical ids of the template's REST API deployments, sorted. */
export function apiDeployments(template: Template): string[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, resource]) => resource.Type === 'AWS::ApiGateway::Deployment')
    .map(([id]) => id)
    .sort();
}

/** The API Gateway v2 (HTTP API) resource types of the template: free LocalStack has none. */
export function httpApiTypes(template: Template): string[] {
  return [...new Set(Object.values(template.Resources ?? {}).map((r) => r.Type))].filter((t) => t.startsWith('AWS::ApiGatewayV2::'));
}

/** Stacks deployed before whose API deployment has changed since: they lose their stage on update. */
export function stacksToReplace(deployed: DeploymentRecord, current: DeploymentRecord): string[] {
  return Object.keys(current)
    .filter((stack) => deployed[stack] !== undefined && deployed[stack].join(',') !== current[stack]!.join(','))
    .sort();
}

/** The templates of a cloud assembly folder, by stack name. */
function templatesIn(cdkOut: string): Record<string, Template> {
  const templates: Record<string, Template> = {};
  for (const file of readdirSync(cdkOut).filter((f) => f.endsWith('.template.json'))) {
    templates[file.replace(/\.template\.json$/, '')] = JSON.parse(readFileSync(path.join(cdkOut, file), 'utf8')) as Template;
  }
  return templates;
}

function main(argv: string[]): number {
  const [command, cdkOut, recordFile] = argv;
  if ((command !== 'check' && command !== 'record') || !cdkOut || !recordFile) {
    console.error('usage: plan.ts check|record <cdk.out> <record file>');
    return 2;
  }
  const templates = templatesIn(cdkOut);
  const current: DeploymentRecord = Object.fromEntries(Object.entries(templates).map(([stack, t]) => [stack, apiDeployments(t)]));
  if (command === 'record') {
    writeFileSync(recordFile, `${JSON.stringify(current, null, 2)}\n`);
    return 0;
  }
  for (const [stack, template] of Object.entries(templates)) {
    const types = httpApiTypes(template);
    if (types.length > 0) {
      console.error(
        `${stack} uses an HTTP API (${types.join(', ')}), which free LocalStack does not have (no API Gateway v2). ` +
          'Deploy to LocalStack with the default apiType=rest; apiType=http is for AWS.',
      );
      return 3;
    }
  }
  const deployed = existsSync(recordFile) ? (JSON.parse(readFileSync(recordFile, 'utf8')) as DeploymentRecord) : {};
  for (const stack of stacksToReplace(deployed, current)) console.log(stack);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(main(process.argv.slice(2)));
