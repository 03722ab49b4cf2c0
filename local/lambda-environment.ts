// The environment variables a function sees locally: what Lambda sets, the template's variables
// and the endpoints of the local emulators.
import type { FunctionModel } from './template.ts';

export interface LambdaEnvironmentOptions {
  fn: FunctionModel;
  /** The function's Environment.Variables, resolved. */
  variables: Record<string, string>;
  region: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  /** The S3 emulator's endpoint (http://127.0.0.1:PORT). */
  s3Endpoint?: string;
  /** The local Athena endpoint (http://127.0.0.1:PORT), when the stack has a lake workgroup. */
  athenaEndpoint?: string;
  /** Local-only variables on top of the template's (e.g. ADMIN_API_KEY); the template's win. */
  extra?: Record<string, string>;
}

/** Where SDK calls to services without an emulator go: a closed local port, so none leaves the machine. */
export const NO_EMULATOR_ENDPOINT = 'http://127.0.0.1:9';

/**
 * The environment a function sees: its template variables plus what Lambda sets (the reserved
 * variables win, as on Lambda), dummy credentials, and the emulator endpoints through the SDK's
 * service-specific endpoint variables. AWS_LAMBDA_FUNCTION_TIMEOUT is local-only (Lambda has no
 * such variable; use context.getRemainingTimeInMillis() in portable code).
 */
export function lambdaEnvironment(opts: LambdaEnvironmentOptions): Record<string, string> {
  const { fn, region } = opts;
  return {
    ...opts.extra,
    ...opts.variables,
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    AWS_ENDPOINT_URL: NO_EMULATOR_ENDPOINT,
    AWS_ENDPOINT_URL_DYNAMODB: opts.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SQS: opts.sqsEndpoint,
    // An IP address, so the SDK addresses buckets path-style (no <bucket>.localhost host names).
    ...(opts.s3Endpoint ? { AWS_ENDPOINT_URL_S3: opts.s3Endpoint } : {}),
    ...(opts.athenaEndpoint ? { AWS_ENDPOINT_URL_ATHENA: opts.athenaEndpoint } : {}),
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime ?? 'nodejs'}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySizeMb),
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(fn.timeoutSeconds),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${fn.logicalId}`,
    AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
    // What Lambda sets for a function with LoggingConfig (advanced logging controls).
    AWS_LAMBDA_LOG_FORMAT: fn.logging.format,
    ...(fn.logging.applicationLogLevel ? { AWS_LAMBDA_LOG_LEVEL: fn.logging.applicationLogLevel } : {}),
    LAMBDA_TASK_ROOT: fn.assetDir ?? '',
    _HANDLER: fn.handler,
  };
}
