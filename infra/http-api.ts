import { Duration } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Construct } from 'constructs';
import type { AnalyticsApi, ApiFunctions } from './api.ts';
import type { StackConfig } from './config.ts';

/**
 * API Gateway HTTP API (payload format 2.0): cheaper per request than a REST API, but not
 * served by free LocalStack or `npm start`. One `$default` stage, deployed automatically,
 * throttled through its default route settings; POST /event, POST /events, GET /stats,
 * GET /stats/timeseries and GET /t.js.
 */
export function httpApi(scope: Construct, functions: ApiFunctions, config: StackConfig): AnalyticsApi {
  // Not "Api": CloudFormation cannot change the type of an existing resource, so switching
  // apiType on a deployed stack replaces the REST API with a resource of a new logical id.
  const api = new HttpApi(scope, 'HttpApi', {
    description: 'Website analytics: POST /event, POST /events, GET /stats',
    createDefaultStage: false,
    // API Gateway answers preflights (OPTIONS) itself and adds the CORS headers to responses.
    corsPreflight: {
      allowOrigins: ['*'],
      allowMethods: [CorsHttpMethod.POST],
      allowHeaders: ['content-type'],
      maxAge: Duration.days(1),
    },
  });
  const stage = api.addStage('DefaultStage', {
    stageName: '$default',
    autoDeploy: true,
    throttle: { rateLimit: config.throttleRateLimit, burstLimit: config.throttleBurstLimit },
    detailedMetricsEnabled: false,
  });

  const integration = (id: string, fn: ApiFunctions['ingest']) =>
    new HttpLambdaIntegration(id, fn, { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 });
  const ingestIntegration = integration('IngestIntegration', functions.ingest);
  api.addRoutes({ path: '/event', methods: [HttpMethod.POST], integration: ingestIntegration });
  api.addRoutes({ path: '/events', methods: [HttpMethod.POST], integration: ingestIntegration });
  const statsIntegration = integration('StatsIntegration', functions.stats);
  api.addRoutes({ path: '/stats', methods: [HttpMethod.GET], integration: statsIntegration });
  api.addRoutes({ path: '/stats/timeseries', methods: [HttpMethod.GET], integration: statsIntegration });
  api.addRoutes({ path: '/t.js', methods: [HttpMethod.GET], integration: integration('TrackerIntegration', functions.tracker) });

  return { type: 'http', api, url: stage.url, apiId: api.httpApiId, stageName: stage.stageName };
}
