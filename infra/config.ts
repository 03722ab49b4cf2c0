import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { API_TYPES, INGESTION_TYPES, LOG_LEVELS, type ApiType, type Ingestion, type LogLevel, type WebsiteAnalyticsProps } from './settings.ts';
import { ConfigError, type SettingSource } from './config-error.ts';
import { readCustomDomain, type CustomDomainConfig } from './custom-domain-config.ts';

export { API_TYPES, INGESTION_TYPES, LOG_LEVELS, type ApiType, type Ingestion, type LogLevel, type WebsiteAnalyticsProps } from './settings.ts';

type Resolved = { readonly [K in keyof WebsiteAnalyticsProps]-?: Exclude<WebsiteAnalyticsProps[K], undefined> };

/**
 * Every setting of the construct, checked and defaulted (docs of each in settings.ts). The props
 * of `WebsiteAnalytics` become this; so does the project's CDK context (`cdk.json` or
 * `-c key=value`, values given with `-c` arrive as strings and are parsed here), through the
 * same checks: {@link resolveConfig}.
 */
export interface StackConfig extends Omit<Resolved, 'alarmEmail' | 'wafRateLimit' | CustomDomainKey> {
  /** Address subscribed to the alarm topic; none when undefined. */
  readonly alarmEmail: string | undefined;
  /** The per-IP limit of the AWS WAF rate rule; undefined: no web ACL. */
  readonly wafRateLimit: number | undefined;
  /** The log retention (`logRetentionDays`) as a CDK enum member. */
  readonly logRetention: RetentionDays;
  /** The settings of the API's own domain, as given; undefined when none is set. */
  readonly domainName: string | undefined;
  readonly certificateArn: string | undefined;
  readonly hostedZoneId: string | undefined;
  readonly hostedZoneName: string | undefined;
  /** The API's own domain, checked as one (domainName, certificateArn, hostedZoneId, hostedZoneName); undefined: execute-api's. */
  readonly customDomain: CustomDomainConfig | undefined;
}

/** The settings of the API's own domain: checked together (custom-domain-config.ts). */
type CustomDomainKey = 'domainName' | 'certificateArn' | 'hostedZoneId' | 'hostedZoneName';

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
  apiGatewayCloudWatchRole: true,
  ingestion: 'api',
  ingestReservedConcurrency: 100,
} as const;

/** AWS WAF's bounds for a rate-based rule's limit (requests per evaluation window). */
export const WAF_RATE_LIMIT_BOUNDS = { min: 10, max: 2_000_000_000 } as const;

export const DEFAULT_STACK_NAME = 'AnalyticsStack';

// Defined in its own module, so that readers of settings in other files (custom-domain-config.ts) throw it without an import cycle.
export { ConfigError, type SettingSource };

/** A setting's raw value by name: a prop of the construct, or a context value (a string when given with `-c`). */
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

function readLogRetentionDays(read: ContextReader, key: string): number {
  const days = readNumber(read, key, DEFAULT_CONFIG.logRetentionDays, { min: 0, max: RetentionDays.INFINITE });
  if (days !== 0 && !LOG_RETENTION_VALUES.has(days)) {
    const allowed = [...LOG_RETENTION_VALUES].filter((d) => d !== RetentionDays.INFINITE).join(', ');
    throw new ConfigError(key, `0 (never expire) or one of ${allowed}`, read(key));
  }
  return days;
}

function readLogLevel(read: ContextReader, key: string): LogLevel {
  const raw = read(key);
  if (raw === undefined) return DEFAULT_CONFIG.logLevel;
  const level = typeof raw === 'string' ? raw.trim().toUpperCase() : raw;
  if (!(LOG_LEVELS as readonly unknown[]).includes(level)) {
    throw new ConfigError(key, `one of ${LOG_LEVELS.join(', ')} (any case)`, raw);
  }
  return level as LogLevel;
}

/** A setting's check: its value from `read` (a prop, or a context value as `-c` gives it), typed and checked, or its default. */
type Check<T> = (read: ContextReader, key: string) => T;

/**
 * One check per setting, in the order they are checked. A new setting is a documented prop in
 * settings.ts, its default in DEFAULT_CONFIG and one line here.
 */
const SETTINGS: { readonly [K in keyof WebsiteAnalyticsProps]-?: Check<StackConfig[K]> } = {
  batchSize: (read, key) => readNumber(read, key, DEFAULT_CONFIG.batchSize, { min: 1, max: 10_000 }),
  batchWindowSeconds: (read, key) => {
    const seconds = readNumber(read, key, DEFAULT_CONFIG.batchWindowSeconds, { min: 0, max: 300 });
    const batchSize = SETTINGS.batchSize(read, 'batchSize');
    if (batchSize > 10 && seconds < 1) {
      throw new ConfigError(key, `at least 1 when batchSize is greater than 10 (batchSize is ${batchSize})`, read(key));
    }
    return seconds;
  },
  logRetentionDays: readLogRetentionDays,
  alarmQueueAgeMinutes: (read, key) => {
    const minutes = readNumber(read, key, DEFAULT_CONFIG.alarmQueueAgeMinutes, { min: 1, max: 1440 });
    const batchWindowSeconds = SETTINGS.batchWindowSeconds(read, 'batchWindowSeconds');
    // Messages wait up to the batching window by design; an alarm at or below it would fire on every batch.
    if (minutes * 60 <= batchWindowSeconds) {
      throw new ConfigError(key, `more minutes than the batching window (batchWindowSeconds is ${batchWindowSeconds})`, read(key));
    }
    return minutes;
  },
  apiType: (read, key) => readChoice<ApiType>(read, key, DEFAULT_CONFIG.apiType, API_TYPES),
  ingestion: (read, key) => readChoice<Ingestion>(read, key, DEFAULT_CONFIG.ingestion, INGESTION_TYPES),
  ingestReservedConcurrency: (read, key) => readNumber(read, key, DEFAULT_CONFIG.ingestReservedConcurrency, { min: 1, max: 10_000 }),
  wafRateLimit: readWafRateLimit,
  maxReceiveCount: (read, key) => readNumber(read, key, DEFAULT_CONFIG.maxReceiveCount, { min: 1, max: 1000 }),
  processorTimeoutSeconds: (read, key) => readNumber(read, key, DEFAULT_CONFIG.processorTimeoutSeconds, { min: 1, max: 900 }),
  processorMaxConcurrency: (read, key) => readNumber(read, key, DEFAULT_CONFIG.processorMaxConcurrency, { min: 2, max: 1000 }),
  retentionDays: (read, key) => readNumber(read, key, DEFAULT_CONFIG.retentionDays, { min: 0, max: 3650 }),
  lakeRetentionDays: (read, key) => readNumber(read, key, DEFAULT_CONFIG.lakeRetentionDays, { min: 0, max: 36_500 }),
  // Athena's smallest per-query limit is 10 MB.
  athenaScanLimitMb: (read, key) => readNumber(read, key, DEFAULT_CONFIG.athenaScanLimitMb, { min: 10, max: Number.MAX_SAFE_INTEGER }),
  // At most 16, so that one site-day's counters (2 totals items + 2 x 16 buckets) fit a 100-item transaction.
  pathBuckets: (read, key) => readNumber(read, key, DEFAULT_CONFIG.pathBuckets, { min: 1, max: 16 }),
  throttleRateLimit: (read, key) =>
    readNumber(read, key, DEFAULT_CONFIG.throttleRateLimit, { min: 0, max: Number.MAX_SAFE_INTEGER, fractional: true, exclusiveMin: true }),
  throttleBurstLimit: (read, key) => readNumber(read, key, DEFAULT_CONFIG.throttleBurstLimit, { min: 1, max: Number.MAX_SAFE_INTEGER }),
  stageName: (read, key) =>
    readString(read, key, DEFAULT_CONFIG.stageName, /^[A-Za-z0-9_-]{1,128}$/, 'a stage name of 1-128 letters, digits, "_" or "-"'),
  logLevel: readLogLevel,
  destroyOnRemoval: (read, key) => readBoolean(read, key, DEFAULT_CONFIG.destroyOnRemoval),
  restrictIngestion: (read, key) => readBoolean(read, key, DEFAULT_CONFIG.restrictIngestion),
  botFilter: (read, key) => readBoolean(read, key, DEFAULT_CONFIG.botFilter),
  alarmEmail: readOptionalEmail,
  pointInTimeRecovery: (read, key) => readBoolean(read, key, DEFAULT_CONFIG.pointInTimeRecovery),
  apiGatewayCloudWatchRole: (read, key) => readBoolean(read, key, DEFAULT_CONFIG.apiGatewayCloudWatchRole),
  domainName: (read) => readCustomDomain(read)?.domainName,
  certificateArn: (read) => readCustomDomain(read)?.certificateArn,
  hostedZoneId: (read) => readCustomDomain(read)?.hostedZone?.id,
  hostedZoneName: (read) => readCustomDomain(read)?.hostedZone?.name,
};

/** The settings' names: the props of `WebsiteAnalytics` and the context keys of the app. */
export const SETTING_KEYS = Object.keys(SETTINGS) as readonly (keyof WebsiteAnalyticsProps)[];

/** Checks every setting read with `read` and applies the defaults; throws a {@link ConfigError} naming the first bad one. */
export function resolveConfig(read: ContextReader, source: SettingSource = 'context'): StackConfig {
  let settings: Omit<StackConfig, 'logRetention' | 'customDomain'>;
  try {
    settings = Object.fromEntries(SETTING_KEYS.map((key) => [key, SETTINGS[key](read, key)])) as unknown as typeof settings;
  } catch (error) {
    if (error instanceof ConfigError && source === 'prop') throw new ConfigError(error.key, error.expectation, error.value, source);
    throw error;
  }
  const days = settings.logRetentionDays;
  return { ...settings, logRetention: days === 0 ? RetentionDays.INFINITE : (days as RetentionDays), customDomain: readCustomDomain(read) };
}

/**
 * The construct's props from the CDK context visible at `scope` (`cdk.json`, `-c key=value`):
 * the settings given there, parsed and checked as the construct checks its props.
 */
export function readContextProps(scope: IConstruct): WebsiteAnalyticsProps {
  const read: ContextReader = (key) => scope.node.tryGetContext(key);
  const config = resolveConfig(read);
  return Object.fromEntries(SETTING_KEYS.filter((key) => read(key) !== undefined).map((key) => [key, config[key]]));
}

/** Off unless set; an HTTP API cannot be associated with a web ACL, so the pair is refused. */
function readWafRateLimit(read: ContextReader, key: string): number | undefined {
  if (read(key) === undefined) return undefined;
  const limit = readNumber(read, key, 0, WAF_RATE_LIMIT_BOUNDS);
  if (SETTINGS.apiType(read, 'apiType') === 'http') {
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
