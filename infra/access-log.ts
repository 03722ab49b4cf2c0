import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { ApiType, StackConfig } from './config.ts';

/**
 * The fields of one access log line, per API type: what was asked, how it ended and how long it
 * took. Chosen one by one, so that no IP address is ever stored (the product promises none):
 * no `$context.identity.*` (source IP, user agent, caller), no headers, no query strings, and
 * the route template rather than the requested path.
 */
export const ACCESS_LOG_FIELDS: Record<ApiType, Record<string, string>> = {
  rest: {
    requestId: '$context.requestId',
    time: '$context.requestTimeEpoch',
    method: '$context.httpMethod',
    resource: '$context.resourcePath',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationStatus: '$context.integration.status',
    error: '$context.error.message',
    errorType: '$context.error.responseType',
    waf: '$context.wafResponseCode',
  },
  http: {
    requestId: '$context.requestId',
    time: '$context.requestTimeEpoch',
    route: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationStatus: '$context.integrationStatus',
    error: '$context.error.message',
    integrationError: '$context.integrationErrorMessage',
  },
};

/** One JSON object per request, with the {@link ACCESS_LOG_FIELDS} of `type`. */
export function accessLogFormat(type: ApiType): AccessLogFormat {
  return AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS[type]));
}

/** The API's access log group: the functions' retention and removal policy. */
export function accessLogGroup(scope: Construct, id: string, config: StackConfig): LogGroup {
  return new LogGroup(scope, id, {
    retention: config.logRetention,
    removalPolicy: config.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  });
}
