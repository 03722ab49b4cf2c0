import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

/** The kind of API Gateway API in front of the functions. */
export type ApiType = 'rest' | 'http';

export const API_TYPES: readonly ApiType[] = ['rest', 'http'];

/** What serves POST /event, POST /events and GET /t.js: the API (default) or a Lambda function URL. */
export type Ingestion = 'api' | 'function-url';

export const INGESTION_TYPES: readonly Ingestion[] = ['api', 'function-url'];

/**
 * Levels the functions may log at. None above INFO: Lambda reads the metric lines (embedded
 * metric format, which carry no level) as INFO and would drop them.
 */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Every tunable of the stack, read from CDK context once (`cdk.json` or `-c key=value`),
 * validated and defaulted. Values given with `-c` arrive as strings and are parsed here.
 */
export interface StackConfig {
  /**
   * `rest`: an API Gateway REST API (v1), which free LocalStack and `npm start` also serve.
   * `http`: an API Gateway HTTP API (payload format 2.0), cheaper per request on AWS.
   */
  readonly apiType: ApiType;
  /** SQS messages per processor invocation (1-10000). */
  readonly batchSize: number;
  /** Seconds the event source waits to fill a batch (0-300; at least 1 when batchSize > 10). */
  readonly batchWindowSeconds: number;
  /** Receives before a message moves to the dead-letter queue (1-1000). */
  readonly maxReceiveCount: number;
  /** Processor timeout in seconds (1-900); the queue's visibility timeout is 6x this. */
  readonly processorTimeoutSeconds: number;
  /** Most processor instances the event source runs at once (2-1000). */
  readonly processorMaxConcurrency: number;
  /** Days raw events are kept (0-3650; 0 keeps them forever). */
  readonly retentionDays: number;
  /** Days the raw-event lake keeps an object (0-36500; 0, the default, keeps them). */
  readonly lakeRetentionDays: number;
  /** Megabytes one Athena query of the lake's workgroup may scan before Athena cancels it (10 or more). */
  readonly athenaScanLimitMb: number;
  /** Items the per-path page-view counters are hashed into (1-16). */
  readonly pathBuckets: number;
  /** Steady-state requests per second allowed by the API stage (> 0). */
  readonly throttleRateLimit: number;
  /** Burst of requests allowed by the API stage (integer >= 1). */
  readonly throttleBurstLimit: number;
  /** API Gateway stage name (letters, digits, `_` and `-`); REST API only (an HTTP API uses `$default`). */
  readonly stageName: string;
  /** CloudWatch Logs retention of the function logs, in days (a value CloudWatch accepts; 0 = never expire). */
  readonly logRetentionDays: number;
  /** The same retention as a CDK enum member. */
  readonly logRetention: RetentionDays;
  /** The lowest level the functions log (POWERTOOLS_LOG_LEVEL); `-c logLevel=debug` is read as DEBUG. */
  readonly logLevel: LogLevel;
  /** Delete tables, queues and log groups with the stack (for throwaway stacks). Default: retain. */
  readonly destroyOnRemoval: boolean;
  /** Accept events only for registered sites (`npm run sites`) and, from browsers, their allowed origins. */
  readonly restrictIngestion: boolean;
  /** Drop events whose User-Agent names a crawler, previewer, headless browser or monitor (`false` counts everything). */
  readonly botFilter: boolean;
  /** Address subscribed to the alarm topic (it must confirm the subscription); none when absent. */
  readonly alarmEmail: string | undefined;
  /** Minutes the oldest message of the events queue may wait before the queue-age alarm fires (1-1440; above the batching window). */
  readonly alarmQueueAgeMinutes: number;
  /** Point-in-time recovery on the tables that cannot be rebuilt (aggregates, sites). Default: on. */
  readonly pointInTimeRecovery: boolean;
  /**
   * Requests one client IP may send in 5 minutes before AWS WAF blocks it (10-2,000,000,000);
   * undefined: no web ACL. REST API only (WAF cannot be associated with an HTTP API).
   */
  readonly wafRateLimit: number | undefined;
  /**
   * `api`: the API serves ingestion. `function-url`: a Lambda function URL of the ingest function
   * serves POST /event, POST /events and GET /t.js, without API Gateway's request fee
   * (infra/function-url-ingestion.ts); the API keeps stats, export and the dashboard.
   */
  readonly ingestion: Ingestion;
  /** Reserved concurrency of the ingest function with `ingestion=function-url`, its throttle (1-10000; about 10 x this requests/s). */
  readonly ingestReservedConcurrency: number;
}

/** The defaults, as they would be written in cdk.json. */
export const DEFAULT_CONFIG = {
  apiType: 'rest',
  batchSize: 10000,
  batchWindowSeconds: 30,
  maxReceiveCount: 5,
  processorTimeoutSeconds: 60,
  processorMaxConcurrency: 2,
  retentionDays: 90,
  lakeRetentionDays: 0,
  athenaScanLimitMb: 10_240,
  pathBuckets: 4,
  throttleRateLimit: 1000,
  throttleBurstLimit: 2000,
  stageName: 'v1',
  logRetentionDays: 30,
  logLevel: 'INFO',
  destroyOnRemoval: false,
  restrictIngestion: false,
  botFilter: true,
  alarmQueueAgeMinutes: 10,
  pointInTimeRecovery: true,
  ingestion: 'api',
  ingestReservedConcurrency: 100,
} as const;

/** AWS WAF's bounds for a rate-based rule's limit (requests per evaluation window). */
export const WAF_RATE_LIMIT_BOUNDS = { min: 10, max: 2_000_000_000 } as const;

export const DEFAULT_STACK_NAME = 'AnalyticsStack';

/** Thrown for a context value that cannot be used; the message names the key. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    expectation: string,
    value: unknown,
  ) {
    super(`Invalid CDK context value for "${key}": expected ${expectation}, got ${JSON.stringify(value)}`);
    this.name = 'ConfigError';
  }
}

type ContextReader = (key: string) => unknown;

interface NumberRule {
  readonly min: number;
  readonly max: number;
  /** Allow fractions (default: integers only). */
  readonly fractional?: boolean;
  /** Require value > min instead of >= min. */
  readonly exclusiveMin?: boolean;
}

function describe(rule: NumberRule): string {
  const kind = rule.fractional ? 'a number' : 'an integer';
  if (rule.exclusiveMin && rule.max === Number.MAX_SAFE_INTEGER) return `${kind} greater than ${rule.min}`;
  if (rule.max === Number.MAX_SAFE_INTEGER) return `${kind} of at least ${rule.min}`;
  return `${kind} between ${rule.min} and ${rule.max}`;
}

function readNumber(read: ContextReader, key: string, fallback: number, rule: NumberRule): number {
  const raw = read(key);
  if (raw === undefined) return fallback;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : NaN;
  const inRange =
    Number.isFinite(value) &&
    (rule.fractional || Number.isInteger(value)) &&
    (rule.exclusiveMin ? value > rule.min : value >= rule.min) &&
    value <= rule.max;
  if (!inRange) throw new ConfigError(key, describe(rule), raw);
  return value;
}

function readBoolean(read: ContextReader, key: string, fallback: boolean): boolean {
  const raw = read(key);
  if (raw === undefined) return fallback;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new ConfigError(key, 'true or false', raw);
}

function readString(read: ContextReader, key: string, fallback: string, pattern: RegExp, expectation: string): string {
  const raw = read(key);
  if (raw === undefined) return fallback;
  const value = typeof raw === 'number' ? String(raw) : raw;
  if (typeof value !== 'string' || !pattern.test(value)) throw new ConfigError(key, expectation, raw);
  return value;
}

/** Deliberately loose: SNS itself checks the address, and the owner must confirm it by mail. */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

function readOptionalEmail(read: ContextReader, key: string): string | undefined {
  const raw = read(key);
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw.length > 254 || !EMAIL_PATTERN.test(raw)) {
    throw new ConfigError(key, 'an email address such as ops@example.com', raw);
  }
  return raw;
}

function readChoice<T extends string>(read: ContextReader, key: string, fallback: T, choices: readonly T[]): T {
  const raw = read(key);
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) {
    throw new ConfigError(key, `one of ${choices.map((choice) => `"${choice}"`).join(', ')}`, raw);
  }
  return raw as T;
}

const LOG_RETENTION_VALUES = new Set(
  Object.values(RetentionDays).filter((v): v is RetentionDays => typeof v === 'number'),
);

function readLogRetention(read: ContextReader): { days: number; retention: RetentionDays } {
  const key = 'logRetentionDays';
  const days = readNumber(read, key, DEFAULT_CONFIG.logRetentionDays, { min: 0, max: RetentionDays.INFINITE });
  if (days === 0) return { days, retention: RetentionDays.INFINITE };
  if (!LOG_RETENTION_VALUES.has(days)) {
    const allowed = [...LOG_RETENTION_VALUES].filter((d) => d !== RetentionDays.INFINITE).join(', ');
    throw new ConfigError(key, `0 (never expire) or one of ${allowed}`, read(key));
  }
  return { days, retention: days as RetentionDays };
}

function readLogLevel(read: ContextReader): LogLevel {
  const raw = read('logLevel');
  if (raw === undefined) return DEFAULT_CONFIG.logLevel;
  const level = typeof raw === 'string' ? raw.trim().toUpperCase() : raw;
  if (!(LOG_LEVELS as readonly unknown[]).includes(level)) {
    throw new ConfigError('logLevel', `one of ${LOG_LEVELS.join(', ')} (any case)`, raw);
  }
  return level as LogLevel;
}

/** Reads and validates the whole configuration from the context visible at `scope`. */
export function readStackConfig(scope: IConstruct): StackConfig {
  const read: ContextReader = (key) => scope.node.tryGetContext(key);

  const batchSize = readNumber(read, 'batchSize', DEFAULT_CONFIG.batchSize, { min: 1, max: 10_000 });
  const batchWindowSeconds = readNumber(read, 'batchWindowSeconds', DEFAULT_CONFIG.batchWindowSeconds, {
    min: 0,
    max: 300,
  });
  if (batchSize > 10 && batchWindowSeconds < 1) {
    throw new ConfigError(
      'batchWindowSeconds',
      `at least 1 when batchSize is greater than 10 (batchSize is ${batchSize})`,
      read('batchWindowSeconds'),
    );
  }
  const log = readLogRetention(read);
  const alarmQueueAgeMinutes = readNumber(read, 'alarmQueueAgeMinutes', DEFAULT_CONFIG.alarmQueueAgeMinutes, {
    min: 1,
    max: 1440,
  });
  // Messages wait up to the batching window by design; an alarm at or below it would fire on every batch.
  if (alarmQueueAgeMinutes * 60 <= batchWindowSeconds) {
    throw new ConfigError(
      'alarmQueueAgeMinutes',
      `more minutes than the batching window (batchWindowSeconds is ${batchWindowSeconds})`,
      read('alarmQueueAgeMinutes'),
    );
  }
  const apiType = readChoice<ApiType>(read, 'apiType', DEFAULT_CONFIG.apiType, API_TYPES);
  const wafRateLimit = readWafRateLimit(read, apiType);

  return {
    apiType,
    batchSize,
    batchWindowSeconds,
    maxReceiveCount: readNumber(read, 'maxReceiveCount', DEFAULT_CONFIG.maxReceiveCount, { min: 1, max: 1000 }),
    processorTimeoutSeconds: readNumber(read, 'processorTimeoutSeconds', DEFAULT_CONFIG.processorTimeoutSeconds, {
      min: 1,
      max: 900,
    }),
    processorMaxConcurrency: readNumber(read, 'processorMaxConcurrency', DEFAULT_CONFIG.processorMaxConcurrency, {
      min: 2,
      max: 1000,
    }),
    retentionDays: readNumber(read, 'retentionDays', DEFAULT_CONFIG.retentionDays, { min: 0, max: 3650 }),
    lakeRetentionDays: readNumber(read, 'lakeRetentionDays', DEFAULT_CONFIG.lakeRetentionDays, { min: 0, max: 36_500 }),
    // Athena's smallest per-query limit is 10 MB.
    athenaScanLimitMb: readNumber(read, 'athenaScanLimitMb', DEFAULT_CONFIG.athenaScanLimitMb, { min: 10, max: Number.MAX_SAFE_INTEGER }),
    // At most 16, so that one site-day's counters (2 totals items + 2 x 16 buckets) fit a 100-item transaction.
    pathBuckets: readNumber(read, 'pathBuckets', DEFAULT_CONFIG.pathBuckets, { min: 1, max: 16 }),
    throttleRateLimit: readNumber(read, 'throttleRateLimit', DEFAULT_CONFIG.throttleRateLimit, {
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      fractional: true,
      exclusiveMin: true,
    }),
    throttleBurstLimit: readNumber(read, 'throttleBurstLimit', DEFAULT_CONFIG.throttleBurstLimit, {
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
    }),
    stageName: readString(
      read,
      'stageName',
      DEFAULT_CONFIG.stageName,
      /^[A-Za-z0-9_-]{1,128}$/,
      'a stage name of 1-128 letters, digits, "_" or "-"',
    ),
    logRetentionDays: log.days,
    logRetention: log.retention,
    logLevel: readLogLevel(read),
    destroyOnRemoval: readBoolean(read, 'destroyOnRemoval', DEFAULT_CONFIG.destroyOnRemoval),
    restrictIngestion: readBoolean(read, 'restrictIngestion', DEFAULT_CONFIG.restrictIngestion),
    botFilter: readBoolean(read, 'botFilter', DEFAULT_CONFIG.botFilter),
    alarmEmail: readOptionalEmail(read, 'alarmEmail'),
    alarmQueueAgeMinutes,
    pointInTimeRecovery: readBoolean(read, 'pointInTimeRecovery', DEFAULT_CONFIG.pointInTimeRecovery),
    wafRateLimit,
    ingestion: readChoice<Ingestion>(read, 'ingestion', DEFAULT_CONFIG.ingestion, INGESTION_TYPES),
    ingestReservedConcurrency: readNumber(read, 'ingestReservedConcurrency', DEFAULT_CONFIG.ingestReservedConcurrency, { min: 1, max: 10_000 }),
  };
}

/** Off unless set; an HTTP API cannot be associated with a web ACL, so the pair is refused. */
function readWafRateLimit(read: ContextReader, apiType: ApiType): number | undefined {
  const key = 'wafRateLimit';
  if (read(key) === undefined) return undefined;
  const limit = readNumber(read, key, 0, WAF_RATE_LIMIT_BOUNDS);
  if (apiType === 'http') {
    throw new ConfigError(key, 'no value with apiType=http (AWS WAF cannot be associated with an HTTP API; use apiType=rest)', read(key));
  }
  return limit;
}

/** The CloudFormation stack name, from context `stackName` (default `AnalyticsStack`). */
export function readStackName(scope: IConstruct): string {
  return readString(
    (key) => scope.node.tryGetContext(key),
    'stackName',
    DEFAULT_STACK_NAME,
    /^[A-Za-z][A-Za-z0-9-]{0,127}$/,
    'a stack name that starts with a letter and has up to 128 letters, digits or "-"',
  );
}
