import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ApiType } from './config.ts';

/** The functions behind the API's routes. */
export interface ApiFunctions {
  /** POST /event */
  readonly ingest: IFunction;
  /** GET /stats, GET /stats/timeseries and GET /stats/breakdown */
  readonly stats: IFunction;
  /** GET /t.js */
  readonly tracker: IFunction;
}

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
