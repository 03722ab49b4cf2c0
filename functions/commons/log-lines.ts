/**
 * The functions' logger: one JSON line per entry, written as Powertools for AWS Lambda's Logger
 * (2.x) writes it with its default formatter, field for field, so that log queries, the bench and
 * the alarms read the same lines (test/unit/observability.test.ts compares the two). Without its
 * package: loading it was a third of the ingest function's bundle and init (docs/benchmarks.md).
 *
 * Kept from Powertools: levels (AWS_LAMBDA_LOG_LEVEL wins over POWERTOOLS_LOG_LEVEL or LOG_LEVEL,
 * INFO by default), the `service` (POWERTOOLS_SERVICE_NAME), the Lambda context of the current
 * invocation with `cold_start`, the X-Ray trace id, an Error as `{ name, location, message,
 * stack, cause }`, reserved keys dropped with a warning, empty top-level values left out, INFO and
 * DEBUG to stdout, WARN and ERROR to stderr (not through the global console, which Lambda
 * rewrites). Not kept, as the functions use none of them: sampling, buffering, persistent keys,
 * pretty printing (POWERTOOLS_DEV), custom formatters, and timestamps in a TZ other than UTC
 * (Lambda runs in UTC).
 */

const LEVELS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
type LevelName = keyof typeof LEVELS;
const RESERVED_KEYS = new Set(['level', 'message', 'sampling_rate', 'service', 'timestamp']);

/** What a log line tells of the invocation (the Lambda context's fields it reads). */
export interface LogContext {
  readonly awsRequestId: string;
  readonly functionName: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string | number;
  readonly tenantId?: string | undefined;
}

type Extra = Error | string | Record<string, unknown> | null | undefined;

const isLevel = (name: string): name is LevelName => name in LEVELS;

/** The level from the environment, as Powertools reads it. */
function levelFromEnv(env: NodeJS.ProcessEnv): number {
  const lambda = env.AWS_LAMBDA_LOG_LEVEL?.trim() ?? '';
  const alc = lambda === 'FATAL' ? 'CRITICAL' : lambda;
  if (isLevel(alc)) return LEVELS[alc];
  const own = env.POWERTOOLS_LOG_LEVEL?.trim() || env.LOG_LEVEL?.trim() || '';
  return isLevel(own) ? LEVELS[own] : LEVELS.INFO;
}

/** The first `(file:line:column)` of a stack, as `file:line`. */
function codeLocation(stack: string | undefined): string {
  for (const line of (stack ?? '').split('\n')) {
    const match = /\(([^()]*?):(\d+?):(\d+?)\)\\?$/.exec(line);
    if (match) return `${match[1]}:${Number(match[2])}`;
  }
  return '';
}

function formatError(error: Error): Record<string, unknown> {
  const { name, message, stack, cause } = error;
  const formatted: Record<string, unknown> = { name, location: codeLocation(stack), message, stack, cause: cause instanceof Error ? formatError(cause) : cause };
  for (const key in error) {
    if (!['name', 'message', 'stack', 'cause'].includes(key)) formatted[key] = (error as unknown as Record<string, unknown>)[key];
  }
  return formatted;
}

/** JSON.stringify's replacer: Errors formatted, bigints as strings, circular references left out. */
function replacer(): (this: unknown, key: string, value: unknown) => unknown {
  const ancestors: unknown[] = [];
  return function (this: unknown, _key, value) {
    const replaced = value instanceof Error ? formatError(value) : value;
    if (typeof replaced === 'bigint') return replaced.toString();
    if (typeof replaced === 'object' && replaced !== null) {
      while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
      if (ancestors.includes(replaced)) return undefined;
      ancestors.push(replaced);
    }
    return replaced;
  };
}

/** The X-Ray trace id of the current invocation (the runtime's invoke store, else _X_AMZN_TRACE_ID). */
function traceId(env: NodeJS.ProcessEnv): string | undefined {
  const store = (globalThis as { awslambda?: { InvokeStore?: { getXRayTraceId?: () => string | undefined } } }).awslambda?.InvokeStore;
  const header = store?.getXRayTraceId?.() ?? env._X_AMZN_TRACE_ID?.trim() ?? '';
  if (header === '') return undefined;
  if (!header.includes('=')) return header;
  return Object.fromEntries(header.split(';').map((field) => field.split('=') as [string, string])).Root;
}

export class Logger {
  private readonly level: number;
  private readonly service: string;
  private readonly onDemand: boolean;
  private coldStart = true;
  private context: (LogContext & { coldStart: boolean }) | undefined;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {
    this.level = levelFromEnv(env);
    this.service = env.POWERTOOLS_SERVICE_NAME?.trim() || 'service_undefined';
    this.onDemand = env.AWS_LAMBDA_INITIALIZATION_TYPE?.trim() === 'on-demand';
  }

  /** The invocation's context, on every later line; the first invocation of an on-demand environment is the cold start. */
  addContext(context: LogContext): void {
    const coldStart = this.onDemand && this.coldStart;
    if (coldStart) this.coldStart = false;
    this.context = { ...context, coldStart };
  }

  debug(message: string, ...extras: Extra[]): void {
    this.write(LEVELS.DEBUG, 'DEBUG', message, extras);
  }

  info(message: string, ...extras: Extra[]): void {
    this.write(LEVELS.INFO, 'INFO', message, extras);
  }

  warn(message: string, ...extras: Extra[]): void {
    this.write(LEVELS.WARN, 'WARN', message, extras);
  }

  error(message: string, ...extras: Extra[]): void {
    this.write(LEVELS.ERROR, 'ERROR', message, extras);
  }

  private write(level: number, name: LevelName, message: string, extras: Extra[]): void {
    if (level < this.level) return;
    const context = this.context;
    const line: Record<string, unknown> = {
      level: name,
      message,
      timestamp: new Date().toISOString(),
      service: this.service,
      cold_start: context?.coldStart,
      function_arn: context?.invokedFunctionArn,
      function_memory_size: context?.memoryLimitInMB,
      function_name: context?.functionName,
      function_request_id: context?.awsRequestId,
      sampling_rate: 0,
      xray_trace_id: traceId(this.env),
      tenant_id: context?.tenantId,
    };
    const added: Record<string, unknown> = {};
    for (const extra of extras) {
      if (extra === null || extra === undefined) continue;
      if (extra instanceof Error) added.error = extra;
      else if (typeof extra === 'string') added.extra = extra;
      else {
        for (const [key, value] of Object.entries(extra)) {
          if (RESERVED_KEYS.has(key)) this.warn(`The key "${key}" is a reserved key and will be dropped.`);
          else added[key] = value;
        }
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries({ ...line, ...added })) {
      if (value !== undefined && value !== '' && value !== null) out[key] = value;
    }
    const text = `${JSON.stringify(out, replacer())}\n`;
    if (level >= LEVELS.WARN) process.stderr.write(text);
    else process.stdout.write(text);
  }
}
