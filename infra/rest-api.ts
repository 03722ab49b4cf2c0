import { Duration, Stack } from 'aws-cdk-lib';
import { Cors, EndpointType, LambdaIntegration, LogGroupLogDestination, ResponseType, RestApi, type IResource, type ResourceOptions } from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import type { Route } from '../functions/api/routes.ts';
import { acknowledge } from './acknowledgments.ts';
import { accessLogFormat, accessLogGroup } from './access-log.ts';
import { jsonGatewayResponses } from './gateway-responses.ts';
import { perFunction, type AnalyticsApi, type ApiFunctions } from './api.ts';
import type { StackConfig } from './config.ts';
import { restApiDomain } from './custom-domain.ts';
import { apiRoutes } from './function-url-ingestion.ts';
import { RATE_LIMITED_CODE, RateLimitWebAcl, WAF_RATE_WINDOW_SECONDS } from './waf.ts';

const OPEN_METHOD_RULES = ['AwsSolutions-APIG4', 'AwsSolutions-COG4'];

/** The resource of `path` under `root`, made with its parents where missing; `options` go to the last. */
function resourceAt(root: IResource, path: string, options: ResourceOptions): IResource {
  const parts = path.split('/').filter(Boolean);
  return parts.reduce((parent, part, i) => parent.getResource(part) ?? parent.addResource(part, i === parts.length - 1 ? options : {}), root);
}

/**
 * API Gateway REST API (v1, payload format 1.0): the API type free LocalStack and `npm start`
 * also serve. Stage `stageName` with throttling and an access log; the routes of
 * functions/api/routes.ts, those browsers post to with a CORS preflight; with `wafRateLimit`, an
 * AWS WAF rate limit per client IP on the stage.
 */
export function restApi(scope: Construct, functions: ApiFunctions, config: StackConfig): AnalyticsApi {
  const api = new RestApi(scope, 'Api', {
    // REST API metrics are keyed by name (ApiName) and stage: the stack's name keeps two stacks'
    // 5xx alarms and request counts apart in one account.
    restApiName: Stack.of(scope).stackName,
    description: 'Website analytics: POST /event, POST /events, GET /stats',
    endpointTypes: [EndpointType.REGIONAL],
    // API Gateway writes a REST API's access log with the account's CloudWatch role: the stack sets
    // it (AWS::ApiGateway::Account) and keeps it when deleted, as other APIs of the region may use it;
    // apiGatewayCloudWatchRole=false leaves it to whoever manages it in the account.
    cloudWatchRole: config.apiGatewayCloudWatchRole,
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
  const preflight = (route: Route): ResourceOptions => {
    if (!route.cors) return {};
    const allowMethods = [route.method, 'OPTIONS'];
    return { defaultCorsPreflightOptions: { allowOrigins: Cors.ALL_ORIGINS, allowMethods, allowHeaders: ['Content-Type'], maxAge: Duration.days(1) } };
  };
  const integration = perFunction((fn) => new LambdaIntegration(functions[fn]));
  for (const route of apiRoutes(config)) {
    const method = resourceAt(api.root, route.path, preflight(route)).addMethod(route.method, integration(route.fn));
    acknowledge(method, OPEN_METHOD_RULES, route.reason);
  }

  jsonGatewayResponses(api);
  acknowledge(api.node.defaultChild!, ['AwsSolutions-APIG2'], 'requestValidation');
  if (config.apiGatewayCloudWatchRole) {
    const logsPolicy = 'arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs';
    acknowledge(api.node.findChild('CloudWatchRole'), [`AwsSolutions-IAM4[Policy::${logsPolicy}]`], 'apiGatewayLogsRole');
  }
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

  const customDomain = config.customDomain && restApiDomain(scope, api, config.customDomain);
  const urls = { url: customDomain?.url ?? api.url, executeApiUrl: api.url, customDomain };
  return { type: 'rest', api, ...urls, apiId: api.restApiId, stageName: api.deploymentStage.stageName };
}
