// Reads a synthesized CloudFormation template (cdk.out) and interprets the parts the local runtime
// emulates: DynamoDB tables, S3 buckets and SQS queues (template-storage.ts), Lambda functions and
// SQS event source mappings (template-functions.ts) and REST API (v1) routes (template-api.ts).
// Nothing here talks to an emulator: names, ARNs and queue URLs of the local resources are
// computed (template-resolver.ts, localBindings) and intrinsic functions are resolved against
// them. The shapes are in template-model.ts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, type CfnTemplate, type TemplateModel } from './template-model.ts';
import { interpretRestApi } from './template-api.ts';
import { interpretEventSourceMapping, interpretFunction } from './template-functions.ts';
import { Resolver } from './template-resolver.ts';
import { interpretBucket, interpretQueue, interpretTable } from './template-storage.ts';

export * from './template-model.ts';
export * from './template-resolver.ts';
export { referencedLogicalId } from './template-references.ts';

// ---------------------------------------------------------------------------------------------
// Loading

interface CloudAssemblyManifest {
  artifacts?: Record<string, { type: string; displayName?: string; properties?: { templateFile?: string } }>;
}

/** Lists the stacks of a cloud assembly: artifact id -> template file (absolute). */
export function listStacks(cdkOut: string): Record<string, string> {
  const manifestFile = path.join(cdkOut, 'manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`No cloud assembly at ${cdkOut} (manifest.json missing): run cdk synth first`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as CloudAssemblyManifest;
  const stacks: Record<string, string> = {};
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      stacks[id] = path.join(cdkOut, artifact.properties.templateFile);
    }
  }
  return stacks;
}

/**
 * Loads and interprets one stack of a synthesized cloud assembly. Without `stackName` the
 * assembly must hold exactly one stack.
 */
export function loadTemplate(cdkOut: string, opts: { stackName?: string } = {}): TemplateModel {
  const dir = path.resolve(cdkOut);
  const stacks = listStacks(dir);
  const names = Object.keys(stacks);
  let stackName = opts.stackName;
  if (!stackName) {
    if (names.length !== 1) {
      throw new Error(`The cloud assembly at ${dir} holds ${names.length} stacks (${names.join(', ')}); choose one with stackName`);
    }
    stackName = names[0]!;
  }
  const templateFile = stacks[stackName];
  if (!templateFile) throw new Error(`Stack ${stackName} not found in ${dir} (found: ${names.join(', ') || 'none'})`);
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as CfnTemplate;
  return interpretTemplate(template, { stackName, cdkOut: dir, templateFile });
}

// ---------------------------------------------------------------------------------------------
// Interpretation

const EMULATED_OR_IRRELEVANT = new Set([
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
  'AWS::S3::Bucket',
  // The emulator neither checks policies nor TLS.
  'AWS::S3::BucketPolicy',
  'AWS::Lambda::Function',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::Permission',
  // Served by function-url-server.ts.
  'AWS::Lambda::Url',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::Account',
  'AWS::ApiGateway::GatewayResponse',
  // Served by the local Athena endpoint (athena/): queries in the workgroup over the Glue table.
  'AWS::Athena::WorkGroup',
  'AWS::Glue::Database',
  'AWS::Glue::Table',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::Logs::LogGroup',
  'AWS::CDK::Metadata',
  // Alarms, their topic and the dashboard watch AWS's metrics; locally there are none to watch.
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::Dashboard',
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
  'AWS::SNS::Subscription',
]);

export function interpretTemplate(
  template: CfnTemplate,
  opts: { stackName: string; cdkOut: string; templateFile?: string; region?: string; accountId?: string },
): TemplateModel {
  const resources = template.Resources ?? {};
  const model: TemplateModel = {
    stackName: opts.stackName,
    cdkOut: path.resolve(opts.cdkOut),
    templateFile: opts.templateFile ?? '',
    template,
    region: opts.region ?? LOCAL_REGION,
    accountId: opts.accountId ?? LOCAL_ACCOUNT_ID,
    tables: {},
    queues: {},
    functions: {},
    eventSourceMappings: {},
    restApis: {},
    buckets: {},
    ignoredResourceTypes: [],
  };
  // Properties may use pseudo parameters or conditions; resolve what is needed with names only.
  const nameResolver = new Resolver(model, undefined);
  const ignored = new Set<string>();

  const active = Object.entries(resources).filter(([, r]) => !r.Condition || nameResolver.condition(r.Condition));
  // Pass 1: tables and queues (others refer to them). Pass 2: functions. Pass 3: wiring.
  for (const [logicalId, resource] of active) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::DynamoDB::Table' || resource.Type === 'AWS::DynamoDB::GlobalTable') {
      model.tables[logicalId] = interpretTable(model, logicalId, resource.Type, props, nameResolver);
    } else if (resource.Type === 'AWS::SQS::Queue') {
      model.queues[logicalId] = interpretQueue(model, logicalId, props, nameResolver);
    } else if (resource.Type === 'AWS::S3::Bucket') {
      model.buckets[logicalId] = interpretBucket(model, logicalId, props, nameResolver);
    } else if (!EMULATED_OR_IRRELEVANT.has(resource.Type)) {
      ignored.add(resource.Type);
    }
  }
  for (const [logicalId, resource] of active) {
    if (resource.Type === 'AWS::Lambda::Function') model.functions[logicalId] = interpretFunction(model, logicalId, resource, nameResolver);
  }
  for (const [logicalId, resource] of active) {
    if (resource.Type === 'AWS::Lambda::EventSourceMapping') {
      const mapping = interpretEventSourceMapping(model, logicalId, resource.Properties ?? {});
      if (mapping) model.eventSourceMappings[logicalId] = mapping;
      else ignored.add('AWS::Lambda::EventSourceMapping (non-SQS source)');
    }
    if (resource.Type === 'AWS::ApiGateway::RestApi') {
      model.restApis[logicalId] = interpretRestApi(model, logicalId, resource.Properties ?? {}, nameResolver);
    }
  }
  model.ignoredResourceTypes = [...ignored].sort();
  return model;
}

