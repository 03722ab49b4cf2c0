import { CfnOutput, Duration } from 'aws-cdk-lib';
import { FunctionUrl, FunctionUrlAuthType, HttpMethod, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ROUTE_LIST, type NamedRoute } from '../functions/api/routes.ts';
import type { StackConfig } from './config.ts';
import { withCountryDatabase } from './geo-database.ts';
import { trackerBundling } from './tracker-script.ts';

/** The routes the function URL serves instead of the API with `ingestion=function-url`. */
const URL_ROUTES: readonly string[] = ['event', 'events', 'script'];

/** The routes the API deploys: all of them, or, with ingestion by function URL, all but ingestion's. */
export function apiRoutes(config: Pick<StackConfig, 'ingestion'>): readonly NamedRoute[] {
  return config.ingestion === 'function-url' ? ROUTE_LIST.filter((route) => !URL_ROUTES.includes(route.name)) : ROUTE_LIST;
}

/**
 * What the ingest function's props become with `ingestion=function-url`: the entry that also
 * answers GET /t.js and unknown paths (functions/ingest/url-handler.ts), the beacon script in its
 * bundle, and reserved concurrency as the URL's throttle. Nothing with `ingestion=api`.
 */
export function functionUrlIngestProps(config: Pick<StackConfig, 'ingestion' | 'restrictIngestion' | 'ingestReservedConcurrency'>) {
  if (config.ingestion !== 'function-url') return {};
  return {
    entry: config.restrictIngestion ? 'functions/ingest/restricted-url-handler.ts' : 'functions/ingest/url-handler.ts',
    description: 'Serves the ingestion function URL: validates page events and queues them (POST /event, POST /events), serves GET /t.js',
    reservedConcurrentExecutions: config.ingestReservedConcurrency,
    bundling: () => withCountryDatabase(trackerBundling()),
  };
}

export interface FunctionUrlIngestionProps {
  /** The ingest function, built with {@link functionUrlIngestProps}. */
  readonly ingest: IFunction;
}

/**
 * The ingest function's URL (auth NONE: browsers post beacons without credentials), with CORS in
 * the URL's own configuration: Lambda answers the browsers' preflights itself and adds
 * `Access-Control-Allow-Origin` to every answer, so the function returns none of its own. Output
 * `IngestUrl`. No WAF, access log or custom domain: put CloudFront in front for those (docs/api.md).
 */
export class FunctionUrlIngestion extends Construct {
  readonly functionUrl: FunctionUrl;
  /** The URL, ending in `/`: the tracker is at `<url>t.js` and posts to `<url>event`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: FunctionUrlIngestionProps) {
    super(scope, id);
    this.functionUrl = new FunctionUrl(this, 'Url', {
      function: props.ingest,
      authType: FunctionUrlAuthType.NONE,
      cors: {
        allowedOrigins: ['*'],
        allowedMethods: [HttpMethod.POST, HttpMethod.GET],
        allowedHeaders: ['content-type'],
        maxAge: Duration.days(1),
      },
    });
    this.url = this.functionUrl.url;
    new CfnOutput(scope, 'IngestUrl', {
      value: this.url,
      description: 'Ingestion function URL: POST /event, POST /events, GET /t.js (the tracker snippet loads <url>t.js)',
    });
  }
}
