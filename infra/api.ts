import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RouteFunction } from '../functions/api/routes.ts';
import type { ApiType } from './config.ts';
import type { ApiCustomDomain } from './custom-domain.ts';

/** The functions behind the API's routes (functions/api/routes.ts says which serves each). */
export type ApiFunctions = Readonly<Record<RouteFunction, IFunction>>;

/** `make` run once per function, however many routes it serves (one integration per function). */
export function perFunction<T>(make: (fn: RouteFunction) => T): (fn: RouteFunction) => T {
  const made = new Map<RouteFunction, T>();
  return (fn) => made.get(fn) ?? made.set(fn, make(fn)).get(fn)!;
}

/** What the stack needs of either API type: the construct and the values it outputs. */
export type AnalyticsApi = (
  | { readonly type: Extract<ApiType, 'rest'>; readonly api: RestApi }
  | { readonly type: Extract<ApiType, 'http'>; readonly api: HttpApi }
) & {
  /** Base URL of the API, ending in `/`: `https://<domainName>/` with a custom domain, else executeApiUrl. */
  readonly url: string;
  /** The stage's execute-api URL, ending in `/`; it keeps answering beside a custom domain. */
  readonly executeApiUrl: string;
  /** The API's own domain (context domainName), when set. */
  readonly customDomain: ApiCustomDomain | undefined;
  readonly apiId: string;
  readonly stageName: string;
};
