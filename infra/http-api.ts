import { Duration } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod, LogGroupLogDestination, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Construct } from 'constructs';
import { acknowledge } from './acknowledgments.ts';
import { accessLogFormat, accessLogGroup } from './access-log.ts';
import { perFunction, type AnalyticsApi, type ApiFunctions } from './api.ts';
import type { StackConfig } from './config.ts';
import { httpApiDomain } from './custom-domain.ts';
import { apiRoutes } from './function-url-ingestion.ts';

/**
 * API Gateway HTTP API (payload format 2.0): cheaper per request than a REST API, but not
 * served by free LocalStack or `npm start`. One `$default` stage, deployed automatically,
 * throttled through its default route settings, with an access log; the routes of
 * functions/api/routes.ts.
 */
export function httpApi(scope: Construct, functions: ApiFunctions, config: StackConfig): AnalyticsApi {
  // Not "Api": CloudFormation cannot change the type of an existing resource, so switching
  // apiType on a deployed stack replaces the REST API with a resource of a new logical id.
  const corsMethods = [...new Set(apiRoutes(config).filter((route) => route.cors).map((route) => CorsHttpMethod[route.method]))];
  const api = new HttpApi(scope, 'HttpApi', {
    description: 'Website analytics: POST /event, POST /events, GET /stats',
    createDefaultStage: false,
    // API Gateway answers preflights (OPTIONS) itself and adds the CORS headers to responses;
    // none without routes that browsers post to (ingestion through a function URL).
    corsPreflight: corsMethods.length
      ? { allowOrigins: ['*'], allowMethods: corsMethods, allowHeaders: ['content-type'], maxAge: Duration.days(1) }
      : undefined,
  });
  const stage = api.addStage('DefaultStage', {
    stageName: '$default',
    autoDeploy: true,
    throttle: { rateLimit: config.throttleRateLimit, burstLimit: config.throttleBurstLimit },
    detailedMetricsEnabled: false,
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogGroup(scope, 'HttpApiAccessLogs', config)),
      format: accessLogFormat('http'),
    },
  });

  // One integration per function, e.g. StatsIntegration.
  const integration = perFunction(
    (fn) => new HttpLambdaIntegration(`${fn[0]!.toUpperCase()}${fn.slice(1)}Integration`, functions[fn], { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 }),
  );
  for (const route of apiRoutes(config)) {
    for (const added of api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration: integration(route.fn) })) {
      acknowledge(added, ['AwsSolutions-APIG4'], route.reason);
    }
  }

  const customDomain = config.customDomain && httpApiDomain(scope, api, stage, config.customDomain);
  const urls = { url: customDomain?.url ?? stage.url, executeApiUrl: stage.url, customDomain };
  return { type: 'http', api, ...urls, apiId: api.httpApiId, stageName: stage.stageName };
}
