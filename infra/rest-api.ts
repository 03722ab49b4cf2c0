import { Duration, Stack } from 'aws-cdk-lib';
import { Cors, EndpointType, LambdaIntegration, LogGroupLogDestination, ResponseType, RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { Construct, IConstruct } from 'constructs';
import { acknowledge, type Reason } from './acknowledgments.ts';
import { accessLogFormat, accessLogGroup } from './access-log.ts';
import { jsonGatewayResponses } from './gateway-responses.ts';
import type { AnalyticsApi, ApiFunctions } from './api.ts';
import type { StackConfig } from './config.ts';
import { RATE_LIMITED_CODE, RateLimitWebAcl, WAF_RATE_WINDOW_SECONDS } from './waf.ts';

const OPEN_METHOD_RULES = ['AwsSolutions-APIG4', 'AwsSolutions-COG4'];

/**
 * API Gateway REST API (v1, payload format 1.0): the API type free LocalStack and `npm start`
 * also serve. Stage `stageName` with throttling and an access log; POST /event with a CORS
 * preflight, POST /events (a batch), GET /stats, GET /stats/timeseries, GET /stats/breakdown,
 * GET /sites, GET /t.js and GET /dashboard (with /dashboard/app.js and /dashboard/app.css); with `wafRateLimit`, an AWS WAF rate limit per client IP on the stage.
 */
export function restApi(scope: Construct, functions: ApiFunctions, config: StackConfig): AnalyticsApi {
  const api = new RestApi(scope, 'Api', {
    // REST API metrics are keyed by name (ApiName) and stage: the stack's name keeps two stacks'
    // 5xx alarms and request counts apart in one account.
    restApiName: Stack.of(scope).stackName,
    description: 'Website analytics: POST /event, POST /events, GET /stats',
    endpointTypes: [EndpointType.REGIONAL],
    // API Gateway writes a REST API's access log with the account's CloudWatch role: the stack sets
    // it (AWS::ApiGateway::Account) and keeps it when deleted, as other APIs of the region may use it.
    cloudWatchRole: true,
    deployOptions: {
      stageName: config.stageName,
      throttlingRateLimit: config.throttleRateLimit,
      throttlingBurstLimit: config.throttleBurstLimit,
      metricsEnabled: false,
      accessLogDestination: new LogGroupLogDestination(accessLogGroup(scope, 'ApiAccessLogs', config)),
      accessLogFormat: accessLogFormat('rest'),
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
  const open = (method: IConstruct, reason: Reason) => acknowledge(method, OPEN_METHOD_RULES, reason);
  open(api.root.addResource('event', ingestion).addMethod('POST', ingestIntegration), 'publicIngestion');
  open(api.root.addResource('events', ingestion).addMethod('POST', ingestIntegration), 'publicIngestion');
  const statsIntegration = new LambdaIntegration(functions.stats);
  const stats = api.root.addResource('stats');
  open(stats.addMethod('GET', statsIntegration), 'statsKeys');
  open(stats.addResource('timeseries').addMethod('GET', statsIntegration), 'statsKeys');
  open(stats.addResource('breakdown').addMethod('GET', statsIntegration), 'statsKeys');
  open(stats.addResource('export').addMethod('GET', statsIntegration), 'statsKeys');
  open(api.root.addResource('sites').addMethod('GET', statsIntegration), 'statsKeys');
  // The beacon script; a <script> tag loads it without CORS.
  const trackerIntegration = new LambdaIntegration(functions.tracker);
  open(api.root.addResource('t.js').addMethod('GET', trackerIntegration), 'publicScript');
  // The dashboard's page and files: public, as the key is typed into the page and sent to /stats.
  const dashboard = api.root.addResource('dashboard');
  open(dashboard.addMethod('GET', trackerIntegration), 'publicDashboard');
  open(dashboard.addResource('app.js').addMethod('GET', trackerIntegration), 'publicDashboard');
  open(dashboard.addResource('app.css').addMethod('GET', trackerIntegration), 'publicDashboard');

  jsonGatewayResponses(api);
  acknowledge(api.node.defaultChild!, ['AwsSolutions-APIG2'], 'requestValidation');
  const logsPolicy = 'arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs';
  acknowledge(api.node.findChild('CloudWatchRole'), [`AwsSolutions-IAM4[Policy::${logsPolicy}]`], 'apiGatewayLogsRole');
  acknowledge(api.deploymentStage, ['AwsSolutions-APIG6'], 'executionLogs');
  if (config.wafRateLimit === undefined) {
    acknowledge(api.deploymentStage, ['AwsSolutions-APIG3'], 'wafOff');
  } else {
    new RateLimitWebAcl(scope, 'ApiWaf', { stageArn: api.deploymentStage.stageArn, limit: config.wafRateLimit });
    // A blocked request gets the project's JSON error shape, not API Gateway's default 403.
    api.addGatewayResponse('RateLimited', {
      type: ResponseType.WAF_FILTERED,
      statusCode: '429',
      templates: {
        'application/json': JSON.stringify({
          error: { code: RATE_LIMITED_CODE, message: `Too many requests from this address; retry in ${WAF_RATE_WINDOW_SECONDS / 60} minutes` },
        }),
      },
    });
  }

  return { type: 'rest', api, url: api.url, apiId: api.restApiId, stageName: api.deploymentStage.stageName };
}
