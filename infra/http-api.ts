import { Duration } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod, LogGroupLogDestination, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Construct } from 'constructs';
import { acknowledge, type Reason } from './acknowledgments.ts';
import { accessLogFormat, accessLogGroup } from './access-log.ts';
import type { AnalyticsApi, ApiFunctions } from './api.ts';
import type { StackConfig } from './config.ts';
import { DASHBOARD_PATHS } from './dashboard-assets.ts';

/**
 * API Gateway HTTP API (payload format 2.0): cheaper per request than a REST API, but not
 * served by free LocalStack or `npm start`. One `$default` stage, deployed automatically,
 * throttled through its default route settings, with an access log; POST /event, POST /events,
 * GET /stats, GET /stats/timeseries, GET /stats/breakdown, GET /sites, GET /t.js and GET /dashboard with its files.
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
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogGroup(scope, 'HttpApiAccessLogs', config)),
      format: accessLogFormat('http'),
    },
  });

  const integration = (id: string, fn: ApiFunctions['ingest']) =>
    new HttpLambdaIntegration(id, fn, { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 });
  const route = (path: string, method: HttpMethod, fn: HttpLambdaIntegration, reason: Reason) => {
    for (const added of api.addRoutes({ path, methods: [method], integration: fn })) acknowledge(added, ['AwsSolutions-APIG4'], reason);
  };
  const ingestIntegration = integration('IngestIntegration', functions.ingest);
  route('/event', HttpMethod.POST, ingestIntegration, 'publicIngestion');
  route('/events', HttpMethod.POST, ingestIntegration, 'publicIngestion');
  const statsIntegration = integration('StatsIntegration', functions.stats);
  route('/stats', HttpMethod.GET, statsIntegration, 'statsKeys');
  route('/stats/timeseries', HttpMethod.GET, statsIntegration, 'statsKeys');
  route('/stats/breakdown', HttpMethod.GET, statsIntegration, 'statsKeys');
  route('/stats/export', HttpMethod.GET, statsIntegration, 'statsKeys');
  route('/sites', HttpMethod.GET, statsIntegration, 'statsKeys');
  const trackerIntegration = integration('TrackerIntegration', functions.tracker);
  route('/t.js', HttpMethod.GET, trackerIntegration, 'publicScript');
  for (const path of DASHBOARD_PATHS) route(path, HttpMethod.GET, trackerIntegration, 'publicDashboard');

  return { type: 'http', api, url: stage.url, apiId: api.httpApiId, stageName: stage.stageName };
}
