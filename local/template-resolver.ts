// What the template's resources are called locally (names, ARNs, queue URLs) and the resolver of
// intrinsic functions (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, ...) against them.
import {
  localPhysicalName,
  literalString,
  type FunctionModel,
  type TemplateModel,
} from './template-model.ts';
import { parseGetAtt } from './template-references.ts';
// ---------------------------------------------------------------------------------------------
// Local bindings and intrinsic functions

/** What each logical id stands for locally: its Ref value and its Fn::GetAtt attributes. */
export interface LocalBindings {
  region: string;
  accountId: string;
  stackName: string;
  tables: Record<string, { name: string; arn: string; streamArn?: string }>;
  queues: Record<string, { name: string; url: string; arn: string }>;
  functions: Record<string, { name: string; arn: string }>;
  restApis: Record<string, { id: string; rootResourceId: string; url?: string }>;
}

/**
 * The names, ARNs and URLs the local resources get. Queue URLs follow fauxqs's format
 * (http://sqs.<region>.localhost:<port>/<account>/<name>), so `sqsEndpoint` gives the port.
 */
export function localBindings(model: TemplateModel, opts: { sqsEndpoint?: string; apiUrls?: Record<string, string> } = {}): LocalBindings {
  const { region, accountId } = model;
  const sqsPort = opts.sqsEndpoint ? new URL(opts.sqsEndpoint).port : '';
  const bindings: LocalBindings = { region, accountId, stackName: model.stackName, tables: {}, queues: {}, functions: {}, restApis: {} };
  for (const table of Object.values(model.tables)) {
    const arn = `arn:aws:dynamodb:${region}:${accountId}:table/${table.name}`;
    bindings.tables[table.logicalId] = { name: table.name, arn, streamArn: table.streamViewType ? `${arn}/stream/1970-01-01T00:00:00.000` : undefined };
  }
  for (const queue of Object.values(model.queues)) {
    bindings.queues[queue.logicalId] = {
      name: queue.name,
      url: `http://sqs.${region}.localhost${sqsPort ? `:${sqsPort}` : ''}/${accountId}/${queue.name}`,
      arn: `arn:aws:sqs:${region}:${accountId}:${queue.name}`,
    };
  }
  for (const fn of Object.values(model.functions)) {
    bindings.functions[fn.logicalId] = { name: fn.name, arn: `arn:aws:lambda:${region}:${accountId}:function:${fn.name}` };
  }
  for (const api of Object.values(model.restApis)) {
    bindings.restApis[api.logicalId] = { id: api.id, rootResourceId: api.rootResourceId, url: opts.apiUrls?.[api.logicalId] };
  }
  return bindings;
}

const NO_VALUE = Symbol('AWS::NoValue');

export class Resolver {
  private fallbackBindings: LocalBindings | undefined;

  constructor(
    private readonly model: TemplateModel,
    private readonly bindings: LocalBindings | undefined,
  ) {}

  /** Names and ARNs from the model, for references made before any resource exists. */
  private get fallback(): LocalBindings {
    this.fallbackBindings ??= localBindings(this.model);
    return this.fallbackBindings;
  }

  /** Resolves every intrinsic function inside `value`. */
  resolve(value: unknown, where = ''): unknown {
    const result = this.resolveInner(value, where);
    return result === NO_VALUE ? undefined : result;
  }

  /** Resolves a value and requires a string. */
  resolveString(value: unknown, where: string): string {
    const resolved = this.resolve(value, where);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new Error(`${where}: expected a string, got ${JSON.stringify(resolved)}`);
  }

  condition(name: string): boolean {
    const body = this.model.template.Conditions?.[name];
    if (body === undefined) throw new Error(`Unknown condition ${name}`);
    return Boolean(this.resolve(body, `Conditions.${name}`));
  }

  private resolveInner(value: unknown, where: string): unknown {
    if (Array.isArray(value)) {
      return value.map((v, i) => this.resolveInner(v, `${where}[${i}]`)).filter((v) => v !== NO_VALUE);
    }
    if (!value || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const key = keys[0]!;
      const arg = obj[key];
      if (key === 'Ref') return this.ref(String(arg), where);
      if (key === 'Condition' && typeof arg === 'string' && this.model.template.Conditions?.[arg] !== undefined) return this.condition(arg);
      if (key.startsWith('Fn::')) return this.intrinsic(key, arg, where);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const resolved = this.resolveInner(v, where ? `${where}.${k}` : k);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  }

  private intrinsic(fn: string, arg: unknown, where: string): unknown {
    const at = `${where} (${fn})`;
    switch (fn) {
      case 'Fn::GetAtt': {
        const [target, attr] = parseGetAtt(arg);
        if (!target || !attr) throw new Error(`${at}: malformed Fn::GetAtt`);
        return this.getAtt(target, attr, at);
      }
      case 'Fn::Join': {
        const [sep, list] = arg as [string, unknown];
        const items = this.resolveInner(list, at);
        if (!Array.isArray(items)) throw new Error(`${at}: Fn::Join needs a list`);
        return items.map((item) => this.scalar(item, at)).join(sep);
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? [arg[0] as string, arg[1] as Record<string, unknown>] : [arg as string, {}];
        const resolvedVars = (this.resolveInner(vars ?? {}, at) as Record<string, unknown>) ?? {};
        return text.replace(/\$\{(!?)([^}]*)\}/g, (_m, bang: string, name: string) => {
          if (bang) return `\${${name}}`;
          if (name in resolvedVars) return this.scalar(resolvedVars[name], at);
          const dot = name.indexOf('.');
          if (dot > 0 && !name.startsWith('AWS::')) return this.scalar(this.getAtt(name.slice(0, dot), name.slice(dot + 1), at), at);
          return this.scalar(this.ref(name, at), at);
        });
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = this.resolveInner(list, at);
        const i = Number(this.resolveInner(index, at));
        if (!Array.isArray(items) || items[i] === undefined) throw new Error(`${at}: index ${i} out of range`);
        return items[i];
      }
      case 'Fn::Split': {
        const [sep, source] = arg as [string, unknown];
        return this.scalar(this.resolveInner(source, at), at).split(sep);
      }
      case 'Fn::Base64':
        return Buffer.from(this.scalar(this.resolveInner(arg, at), at)).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.model.region}${zone}`);
      case 'Fn::FindInMap': {
        const [map, top, second] = (this.resolveInner(arg, at) as string[]) ?? [];
        const found = this.model.template.Mappings?.[map!]?.[top!]?.[second!];
        if (found === undefined) throw new Error(`${at}: no mapping ${map}.${top}.${second}`);
        return found;
      }
      case 'Fn::If': {
        const [cond, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return this.resolveInner(this.condition(cond) ? whenTrue : whenFalse, at);
      }
      case 'Fn::Equals': {
        const [a, b] = (this.resolveInner(arg, at) as unknown[]) ?? [];
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not':
        return !(this.resolveInner(arg, at) as unknown[])[0];
      case 'Fn::And':
        return (this.resolveInner(arg, at) as unknown[]).every(Boolean);
      case 'Fn::Or':
        return (this.resolveInner(arg, at) as unknown[]).some(Boolean);
      case 'Fn::ToJsonString':
        return JSON.stringify(this.resolveInner(arg, at));
      default:
        throw new Error(`${at}: ${fn} cannot be resolved locally`);
    }
  }

  private scalar(value: unknown, where: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new Error(`${where}: expected a string, got ${JSON.stringify(value)}`);
  }

  private ref(name: string, where: string): unknown {
    const { model } = this;
    switch (name) {
      case 'AWS::Region':
        return model.region;
      case 'AWS::AccountId':
        return model.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return model.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${model.region}:${model.accountId}:stack/${model.stackName}/00000000-0000-0000-0000-000000000000`;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    const parameter = model.template.Parameters?.[name];
    if (parameter) {
      if (parameter.Default === undefined) throw new Error(`${where}: parameter ${name} has no default`);
      return parameter.Default;
    }
    const resource = model.template.Resources[name];
    if (!resource) throw new Error(`${where}: Ref to unknown ${name}`);
    const b = this.bindings;
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return b?.tables[name]?.name ?? model.tables[name]?.name;
      case 'AWS::S3::Bucket':
        return model.buckets[name]?.name;
      case 'AWS::SQS::Queue':
        if (!b?.queues[name]) throw new Error(`${where}: the URL of queue ${name} is known only once the queue exists`);
        return b.queues[name].url;
      case 'AWS::Lambda::Function':
        return b?.functions[name]?.name ?? model.functions[name]?.name;
      case 'AWS::ApiGateway::RestApi':
        return model.restApis[name]?.id;
      case 'AWS::ApiGateway::Stage':
        return String(this.resolve(resource.Properties?.StageName, where));
      case 'AWS::SNS::Topic':
        // A topic's Ref is its ARN.
        return `arn:aws:sns:${model.region}:${model.accountId}:${localPhysicalName(model.stackName, name, 256)}`;
      case 'AWS::Athena::WorkGroup':
        return literalString(resource.Properties?.Name) ?? localPhysicalName(model.stackName, name, 128);
      case 'AWS::CloudWatch::Dashboard':
        return literalString(resource.Properties?.DashboardName) ?? localPhysicalName(model.stackName, name, 255);
      default:
        return localPhysicalName(model.stackName, name, 64);
    }
  }

  private getAtt(target: string, attr: string, where: string): unknown {
    const { model } = this;
    const resource = model.template.Resources[target];
    if (!resource) throw new Error(`${where}: Fn::GetAtt of unknown resource ${target}`);
    const b = this.bindings;
    const fallback = this.fallback;
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable': {
        const table = b?.tables[target] ?? fallback.tables[target];
        if (attr === 'Arn' && table) return table.arn;
        if (attr === 'StreamArn' && table?.streamArn) return table.streamArn;
        break;
      }
      case 'AWS::SQS::Queue': {
        const queue = b?.queues[target] ?? fallback.queues[target];
        if (!queue) break;
        if (attr === 'Arn') return queue.arn;
        if (attr === 'QueueName') return queue.name;
        if (attr === 'QueueUrl') {
          if (!b?.queues[target]) throw new Error(`${where}: the URL of queue ${target} is known only once the queue exists`);
          return queue.url;
        }
        break;
      }
      case 'AWS::S3::Bucket': {
        const bucket = model.buckets[target];
        if (attr === 'Arn' && bucket) return `arn:aws:s3:::${bucket.name}`;
        break;
      }
      case 'AWS::Lambda::Function': {
        const fn = b?.functions[target] ?? fallback.functions[target];
        if (attr === 'Arn' && fn) return fn.arn;
        break;
      }
      case 'AWS::ApiGateway::RestApi': {
        const api = model.restApis[target];
        if (attr === 'RootResourceId' && api) return api.rootResourceId;
        break;
      }
      default:
        if (attr === 'Arn') {
          const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
          return `arn:aws:${service}:${model.region}:${model.accountId}:${localPhysicalName(model.stackName, target, 64)}`;
        }
    }
    throw new Error(`${where}: Fn::GetAtt ${target}.${attr} (${resource.Type}) cannot be resolved locally`);
  }
}

/** A function's Environment.Variables with every intrinsic resolved against the local bindings. */
export function resolveEnvironment(model: TemplateModel, fn: FunctionModel, bindings: LocalBindings): Record<string, string> {
  const resolver = new Resolver(model, bindings);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(fn.environment)) {
    const resolved = resolver.resolve(value, `${fn.logicalId}.Environment.Variables.${key}`);
    if (resolved === undefined) continue;
    env[key] = typeof resolved === 'string' ? resolved : typeof resolved === 'object' ? JSON.stringify(resolved) : String(resolved);
  }
  return env;
}

/**
 * Stack outputs resolved locally. The deployed REST API's URL in a value
 * (https://<id>.execute-api.<region>.amazonaws.com/<stage>/...) is rewritten to the local API URL;
 * a custom domain's (context domainName) is left as it is, as nothing serves it locally.
 */
export function resolveOutputs(model: TemplateModel, bindings: LocalBindings): Record<string, string> {
  const resolver = new Resolver(model, bindings);
  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(model.template.Outputs ?? {})) {
    if (output.Condition && !resolver.condition(output.Condition)) continue;
    let value: string;
    try {
      value = resolver.resolveString(output.Value, `Outputs.${name}`);
    } catch (error) {
      value = `<not resolvable locally: ${(error as Error).message}>`;
    }
    for (const api of Object.values(bindings.restApis)) {
      if (!api.url) continue;
      const remote = `https://${api.id}.execute-api.${model.region}.amazonaws.com`;
      value = value.replaceAll(remote, api.url);
    }
    outputs[name] = value;
  }
  return outputs;
}
