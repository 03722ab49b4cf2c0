// The code of a template: Lambda functions (handler module, runtime settings, environment as
// written, logging) and the SQS event source mappings that feed them (batch size, batching
// window, partial batch responses, concurrency, filters).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  literalString,
  localPhysicalName,
  pick,
  type CfnResource,
  type EventSourceMappingModel,
  type FunctionModel,
  type TemplateModel,
} from './template-model.ts';
import { functionReference, referencedLogicalId } from './template-references.ts';
import type { Resolver } from './template-resolver.ts';

const FUNCTION_PROPERTIES = [
  'FunctionName',
  'Handler',
  'Runtime',
  'Architectures',
  'Timeout',
  'MemorySize',
  'EphemeralStorage',
  'ReservedConcurrentExecutions',
  'PackageType',
  'LoggingConfig',
];
/** A function's LoggingConfig as Lambda applies it: Text by default; JSON filters at INFO unless told. */
function loggingOf(config: { LogFormat?: string; ApplicationLogLevel?: string; SystemLogLevel?: string } | undefined): FunctionModel['logging'] {
  if (config?.LogFormat !== 'JSON') return { format: 'Text' };
  return { format: 'JSON', applicationLogLevel: config.ApplicationLogLevel ?? 'INFO', systemLogLevel: config.SystemLogLevel ?? 'INFO' };
}

export function interpretFunction(model: TemplateModel, logicalId: string, resource: CfnResource, resolver: Resolver): FunctionModel {
  const raw = resource.Properties ?? {};
  const rawEnvironment = raw.Environment;
  const props = resolver.resolve(pick(raw, FUNCTION_PROPERTIES)) as Record<string, unknown>;
  const handler = literalString(props.Handler) ?? 'index.handler';
  const dot = handler.lastIndexOf('.');
  const handlerModule = dot > 0 ? handler.slice(0, dot) : handler;
  const handlerExport = dot > 0 ? handler.slice(dot + 1) : 'handler';
  const fn: FunctionModel = {
    logicalId,
    name: literalString(props.FunctionName) ?? localPhysicalName(model.stackName, logicalId, 64),
    runtime: literalString(props.Runtime),
    architectures: (props.Architectures as string[] | undefined) ?? ['x86_64'],
    handler,
    handlerExport,
    timeoutSeconds: Number(props.Timeout ?? 3),
    memorySizeMb: Number(props.MemorySize ?? 128),
    ephemeralStorageMb: Number((props.EphemeralStorage as { Size?: number } | undefined)?.Size ?? 512),
    reservedConcurrency: props.ReservedConcurrentExecutions === undefined ? undefined : Number(props.ReservedConcurrentExecutions),
    environment: ((rawEnvironment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>,
    logging: loggingOf(props.LoggingConfig as Parameters<typeof loggingOf>[0]),
  };
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (props.PackageType === 'Image') {
    fn.codeProblem = 'container image functions are not supported locally';
  } else if (typeof assetPath !== 'string') {
    fn.codeProblem = "no 'aws:asset:path' metadata: only functions with bundled asset code can run locally";
  } else if (fn.runtime && !fn.runtime.startsWith('nodejs')) {
    fn.codeProblem = `runtime ${fn.runtime} is not supported locally (Node.js only)`;
  } else {
    fn.assetDir = path.resolve(model.cdkOut, assetPath);
    const candidates = ['.mjs', '.js', '.cjs'].map((ext) => path.join(fn.assetDir!, handlerModule + ext));
    fn.handlerFile = candidates.find((file) => existsSync(file));
    if (!fn.handlerFile) {
      fn.codeProblem = `handler module not found: ${candidates.map((c) => path.relative(model.cdkOut, c)).join(' | ')}`;
    } else {
      fn.moduleFormat = moduleFormatOf(fn.handlerFile, fn.assetDir);
    }
  }
  return fn;
}

/** How Node (and Lambda) load the file: .mjs is ESM, .cjs CommonJS, .js by the nearest package.json "type". */
export function moduleFormatOf(file: string, stopAt: string): 'esm' | 'cjs' {
  if (file.endsWith('.mjs')) return 'esm';
  if (file.endsWith('.cjs')) return 'cjs';
  let dir = path.dirname(file);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      const type = (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: string }).type;
      return type === 'module' ? 'esm' : 'cjs';
    }
    if (dir === stopAt || path.dirname(dir) === dir) return 'cjs';
    dir = path.dirname(dir);
  }
}

export function interpretEventSourceMapping(model: TemplateModel, logicalId: string, props: Record<string, unknown>): EventSourceMappingModel | undefined {
  const queueLogicalId = referencedLogicalId(props.EventSourceArn, model.template, 'AWS::SQS::Queue');
  if (!queueLogicalId) return undefined;
  const functionLogicalId = functionReference(props.FunctionName, model.template);
  if (!functionLogicalId) {
    throw new Error(`EventSourceMapping ${logicalId}: FunctionName must reference a function of this stack`);
  }
  const filters = ((props.FilterCriteria as { Filters?: { Pattern?: string }[] } | undefined)?.Filters ?? [])
    .map((filter) => (filter.Pattern ? (JSON.parse(filter.Pattern) as unknown) : undefined))
    .filter((pattern) => pattern !== undefined);
  const scaling = props.ScalingConfig as { MaximumConcurrency?: number } | undefined;
  return {
    logicalId,
    functionLogicalId,
    queueLogicalId,
    enabled: props.Enabled !== false && props.Enabled !== 'false',
    batchSize: Number(props.BatchSize ?? 10),
    maximumBatchingWindowSeconds: Number(props.MaximumBatchingWindowInSeconds ?? 0),
    reportBatchItemFailures: ((props.FunctionResponseTypes as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
    maximumConcurrency: scaling?.MaximumConcurrency === undefined ? undefined : Number(scaling.MaximumConcurrency),
    filterPatterns: filters,
  };
}
