import { Stack } from 'aws-cdk-lib';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** The rate-based rule's look-back: `wafRateLimit` counts one client IP's requests over this window. */
export const WAF_RATE_WINDOW_SECONDS = 300;

/** The error code of a request AWS WAF blocked (its body is set by the REST API's gateway response). */
export const RATE_LIMITED_CODE = 'rate_limited';

/**
 * An AWS WAF web ACL with one rate-based rule, blocking a client IP that sends more than `limit`
 * requests in {@link WAF_RATE_WINDOW_SECONDS}, associated with the REST API stage `stageArn`.
 */
export class RateLimitWebAcl extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: { stageArn: string; limit: number }) {
    super(scope, id);
    const metricPrefix = Stack.of(this).stackName;
    // Metrics only: sampled requests would keep the client IP addresses of requests in WAF's console.
    const visibility = (name: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${metricPrefix}-${name}`,
      sampledRequestsEnabled: false,
    });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: `Blocks a client IP sending more than ${props.limit} requests in ${WAF_RATE_WINDOW_SECONDS / 60} minutes`,
      defaultAction: { allow: {} },
      visibilityConfig: visibility('WebAcl'),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: { aggregateKeyType: 'IP', limit: props.limit, evaluationWindowSec: WAF_RATE_WINDOW_SECONDS },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
      ],
    });
    new CfnWebACLAssociation(this, 'Association', { resourceArn: props.stageArn, webAclArn: this.webAcl.attrArn });
  }
}
