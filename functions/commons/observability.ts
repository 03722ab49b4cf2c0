import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { Metrics, MetricUnit } from './emf-metrics.ts';
import { Logger } from './log-lines.ts';

// Both read their settings from the environment once, here at cold start (the stack sets them):
// POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_LOG_LEVEL, unless Lambda's
// advanced logging controls set AWS_LAMBDA_LOG_LEVEL, which then wins. The lines are those of
// Powertools for AWS Lambda, without its packages (log-lines.ts, emf-metrics.ts).

/**
 * The function's logger: one JSON line per entry with `level` (`INFO`, `WARN`, ...), `message`,
 * `timestamp`, `service` and, inside an invocation, the request id and function name.
 */
export const logger = new Logger();

/** The function's custom metrics, written as CloudWatch embedded metric format with dimension `service`. */
export const metrics = new Metrics();

export { MetricUnit };

/**
 * middy middlewares every handler uses: the Lambda context on each log line, and the metrics
 * the invocation recorded written once it ends, answered or failed.
 */
export function observability(): MiddlewareObj[] {
  return [{ before: (request) => logger.addContext(request.context as Context) }, publishMetrics(metrics)];
}

function publishMetrics(target: Metrics): MiddlewareObj {
  // Written only when the invocation recorded some (a 400 or a 401 records none), as before.
  const publish = (): void => {
    if (target.hasStoredMetrics()) target.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
}
