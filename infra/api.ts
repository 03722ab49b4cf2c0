import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RouteFunction } from '../functions/api/routes.ts';
import type { ApiType } from './config.ts';

/** The functions behind the API's routes (functions/api/routes.ts says which serves each). */
export type ApiFunctions = Readonly<Record<RouteFunction, IFunction>>;

/** What the stack needs of either API type: the construct and the values it outputs. */
export type AnalyticsApi = (
  | { readonly type: Extract<ApiType, 'rest'>; readonly api: RestApi }
  | { readonly type: Extract<ApiType, 'http'>; readonly api: HttpApi }
) & {
  /** Base URL of the stage, ending in `/`. */
  readonly url: string;
  readonly apiId: string;
  readonly stageName: string;
};
