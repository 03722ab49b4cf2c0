import { Duration, Stack } from 'aws-cdk-lib';
import { Cors, EndpointType, LambdaIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import type { AnalyticsApi, ApiFunctions } from './api.ts';
import type { StackConfig } from './config.ts';

/**
 * API Gateway REST API (v1, payload format 1.0): the API type free LocalStack and `npm start`
 * also serve. Stage `stageName` with throttling; POST /event with a CORS preflight,
 * POST /events (a batch), GET /stats, GET /stats/timeseries and GET /t.js.
 */
export function restApi(scope: Construct, functions: ApiFunctions, config: StackConfig): AnalyticsApi {
  const api = new RestApi(scope, 'Api', {
    // REST API metrics are keyed by name (ApiName) and stage: the stack's name keeps two stacks'
    // 5xx alarms and request counts apart in one account.
    restApiName: Stack.of(scope).stackName,
    description: 'Website analytics: POST /event, POST /events, GET /stats',
    endpointTypes: [EndpointType.REGIONAL],
    cloudWatchRole: false,
    deployOptions: {
      stageName: config.stageName,
      throttlingRateLimit: config.throttleRateLimit,
      throttlingBurstLimit: config.throttleBurstLimit,
      metricsEnabled: false,
    },
  });
  // Browsers sending JSON from any site preflight first; the handler adds the CORS header to its response.
  const ingestion = {
    defaultCorsPreflightOptions: {
      allowOrigins: Cors.ALL_ORIGINS,
      allowMethods: ['POST', 'OPTIONS'],
      allowHeaders: ['Content-Type'],
      maxAge: Duration.days(1),
    },
  };
  const ingestIntegration = new LambdaIntegration(functions.ingest);
  api.root.addResource('event', ingestion).addMethod('POST', ingestIntegration);
  api.root.addResource('events', ingestion).addMethod('POST', ingestIntegration);
  const statsIntegration = new LambdaIntegration(functions.stats);
  const stats = api.root.addResource('stats');
  stats.addMethod('GET', statsIntegration);
  stats.addResource('timeseries').addMethod('GET', statsIntegration);
  // The beacon script; a <script> tag loads it without CORS.
  api.root.addResource('t.js').addMethod('GET', new LambdaIntegration(functions.tracker));

  return { type: 'rest', api, url: api.url, apiId: api.restApiId, stageName: api.deploymentStage.stageName };
}
