import { CfnOutput } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AnalyticsApi } from './api.ts';

/**
 * The outputs a site owner copies, built on the API's URL (its custom domain's when set):
 * the dashboard's address and the tracker's script tag (on `trackerBase`, the ingestion function
 * URL's, when ingestion is not the API's); with a custom domain, the execute-api
 * URL that keeps answering and, without a hosted zone, the name the domain's DNS record points to.
 * Named Api* like the other outputs that change with the API.
 */
export function apiLinkOutputs(scope: Construct, api: AnalyticsApi, trackerBase: string = api.url): void {
  new CfnOutput(scope, 'ApiDashboardUrl', { value: `${api.url}dashboard`, description: 'The dashboard (enter a site key or the admin key)' });
  new CfnOutput(scope, 'ApiTrackerScript', {
    value: `<script defer src="${trackerBase}t.js" data-site="YOUR-SITE-ID"></script>`,
    description: 'The tracker: put it on every page with your site id',
  });
  const domain = api.customDomain;
  if (!domain) return;
  new CfnOutput(scope, 'ApiExecuteUrl', { value: api.executeApiUrl, description: 'The stage\'s execute-api URL, which answers beside the custom domain' });
  if (!domain.record) {
    new CfnOutput(scope, 'ApiDomainTarget', {
      value: domain.regionalDomainName,
      description: `Point ${domain.domainName} here: a CNAME, or an alias A record in Route 53 (or set hostedZoneId and hostedZoneName)`,
    });
  }
}
