import { ConfigError } from './config-error.ts';

/**
 * The API's own domain: context `domainName` with `certificateArn` (both or neither), and
 * optionally `hostedZoneId` with `hostedZoneName` (both or neither) for the DNS record.
 */
export interface CustomDomainConfig {
  /** e.g. `analytics.example.com`: the API answers at `https://<domainName>/`. */
  readonly domainName: string;
  /** An ACM certificate covering domainName, in the stack's region (a regional endpoint's certificate is regional). */
  readonly certificateArn: string;
  /** The Route 53 hosted zone that receives the domain's alias record; undefined: the record is the owner's to make. */
  readonly hostedZone: { readonly id: string; readonly name: string } | undefined;
}

const LABEL = '(?!-)[a-z0-9-]{1,63}(?<!-)';
/** Two or more labels, 253 characters at most; lower case (names are read in any case). */
const HOSTNAME = new RegExp(`^(?=.{1,253}$)(?:${LABEL}\\.)+${LABEL}$`);
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:certificate\/[A-Za-z0-9-]{1,64}$/;
const HOSTED_ZONE_ID = /^[A-Z0-9]{1,32}$/;

const DOMAIN_EXPECTATION = 'a domain name such as analytics.example.com';
const ARN_EXPECTATION = 'an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/<id>';

/** A host name in lower case without its final dot, or undefined when `raw` is not one. */
function hostname(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const name = raw.trim().toLowerCase().replace(/\.$/, '');
  return HOSTNAME.test(name) ? name : undefined;
}

/** The value of `key` as `parse` reads it; a ConfigError when it is absent (`needed` says why it is needed) or unreadable. */
function required<T>(read: (key: string) => unknown, key: string, parse: (raw: unknown) => T | undefined, expectation: string, needed: string): T {
  const raw = read(key);
  const value = raw === undefined ? undefined : parse(raw);
  if (value === undefined) throw new ConfigError(key, raw === undefined ? `${expectation} ${needed}` : expectation, raw);
  return value;
}

const matching = (pattern: RegExp) => (raw: unknown) => (typeof raw === 'string' && pattern.test(raw.trim()) ? raw.trim() : undefined);

/** Reads the custom domain settings; undefined when none is set. */
export function readCustomDomain(read: (key: string) => unknown): CustomDomainConfig | undefined {
  const zoneKeys = ['hostedZoneId', 'hostedZoneName'] as const;
  if (read('domainName') === undefined && read('certificateArn') === undefined) {
    const stray = zoneKeys.find((key) => read(key) !== undefined);
    if (stray) throw new ConfigError(stray, 'no value without domainName and certificateArn', read(stray));
    return undefined;
  }
  const domainName = required(read, 'domainName', hostname, DOMAIN_EXPECTATION, '(certificateArn is set)');
  const certificateArn = required(read, 'certificateArn', matching(CERTIFICATE_ARN), ARN_EXPECTATION, '(domainName is set)');
  if (zoneKeys.every((key) => read(key) === undefined)) return { domainName, certificateArn, hostedZone: undefined };

  const id = required(read, 'hostedZoneId', matching(HOSTED_ZONE_ID), 'a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ', '(hostedZoneName is set)');
  const name = required(read, 'hostedZoneName', hostname, 'the hosted zone\'s domain name such as example.com', '(hostedZoneId is set)');
  if (domainName !== name && !domainName.endsWith(`.${name}`)) {
    throw new ConfigError('hostedZoneName', `the zone of domainName ${domainName} (that name or a parent of it)`, read('hostedZoneName'));
  }
  return { domainName, certificateArn, hostedZone: { id, name } };
}

/** The region of an ACM certificate ARN (its fourth field). */
export function certificateRegion(certificateArn: string): string {
  return certificateArn.split(':')[3]!;
}
