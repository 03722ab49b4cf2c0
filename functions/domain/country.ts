import { BlockList, isIP } from 'node:net';

/** The country of a visitor whose address is unknown, private or not in the database. */
export const UNKNOWN_COUNTRY = 'XX';

/** Finds the ISO 3166-1 alpha-2 code of a public IP address; `undefined` when the database has none. */
export type CountryLookup = (ip: string) => string | undefined;

/** What {@link countryOf} reads of a request: header names lower-cased, as `readRequest` gives them. */
export interface CountrySource {
  headers: Record<string, string | undefined>;
  sourceIp: string;
}

const COUNTRY_CODE = /^[A-Z]{2}$/;

/**
 * Special-purpose ranges (IANA registries): private, loopback, link-local, shared (CGNAT),
 * documentation, benchmarking, multicast, reserved. They locate nobody, and the shipped
 * database gives some of them a country all the same (192.168.0.0/16 and 172.16.0.0/12 are
 * `AU` in it, 2001:db8::/32 `JP`), so they are never looked up.
 */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 127], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');

/**
 * An IP address as written in a header, or `undefined` if it is not one. Takes the forms
 * proxies write: surrounding spaces, `1.2.3.4:port`, `[v6]` and `[v6]:port`; an IPv4-mapped
 * IPv6 address (`::ffff:1.2.3.4`) becomes its IPv4 address.
 */
export function parseIp(value: string): string | undefined {
  let ip = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(ip);
  if (bracketed) ip = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(ip)) ip = ip.slice(0, ip.indexOf(':'));
  const version = isIP(ip);
  if (version === 0) return undefined;
  if (version === 6) {
    const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
    if (mapped) return mapped[1];
    return ip.toLowerCase();
  }
  return ip;
}

/**
 * The visitor's address: the first address in `X-Forwarded-For` (a server that posts for its
 * visitors forwards theirs; entries that are not addresses, such as `unknown`, are skipped),
 * else the address that connected. `undefined` when neither is an address.
 */
export function clientIp(headers: Record<string, string | undefined>, sourceIp: string): string | undefined {
  for (const entry of (headers['x-forwarded-for'] ?? '').split(',')) {
    const ip = parseIp(entry);
    if (ip) return ip;
  }
  return parseIp(sourceIp);
}

/** True for an address that can belong to a visitor on the internet (not private, loopback, documentation, ...). */
export function isPublicIp(ip: string): boolean {
  const version = isIP(ip);
  if (version === 0) return false;
  return !NOT_PUBLIC.check(ip, version === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The visitor's country, ISO 3166-1 alpha-2: `CloudFront-Viewer-Country` when it holds a
 * two-letter code (CloudFront located the viewer), else the database's answer for the
 * visitor's public address, else {@link UNKNOWN_COUNTRY}. The address is only looked up.
 */
export function countryOf(request: CountrySource, lookup: CountryLookup): string {
  const viewerCountry = request.headers['cloudfront-viewer-country']?.trim().toUpperCase();
  if (viewerCountry && COUNTRY_CODE.test(viewerCountry)) return viewerCountry;
  const ip = clientIp(request.headers, request.sourceIp);
  if (!ip || !isPublicIp(ip)) return UNKNOWN_COUNTRY;
  const found = lookup(ip)?.toUpperCase();
  return found && COUNTRY_CODE.test(found) ? found : UNKNOWN_COUNTRY;
}
