import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { countryDatabasePath, openCountryDatabase } from '../../functions/commons/country-database.ts';
import { readRequest } from '../../functions/commons/http.ts';
import { clientIp, countryOf, isPublicIp, parseIp, UNKNOWN_COUNTRY, type CountryLookup } from '../../functions/domain/country.ts';
import { httpApiEvent, restEvent } from '../support/events.ts';

const DATABASE_URL = new URL('../../functions/commons/country-database.ts', import.meta.url).href;

describe('parseIp', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['  203.0.113.7 ', '203.0.113.7'],
    ['203.0.113.7:51234', '203.0.113.7'],
    ['2001:DB8::1', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['::ffff:8.8.8.8', '8.8.8.8'],
    ['::FFFF:8.8.8.8', '8.8.8.8'],
  ])('reads %j as %j', (value, ip) => {
    expect(parseIp(value)).toBe(ip);
  });

  it.each(['', ' ', 'unknown', '_hidden', 'example.com', '256.1.1.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', '2001:db8:::1', '[2001:db8::1', '1.2.3.4:port', '<script>'])(
    'refuses %j',
    (value) => {
      expect(parseIp(value)).toBeUndefined();
    },
  );
});

describe('clientIp', () => {
  it.each([
    ['the only address of X-Forwarded-For', { 'x-forwarded-for': '198.51.100.23' }, '198.51.100.23'],
    ['the first address of a list', { 'x-forwarded-for': '198.51.100.23, 192.0.2.60, 10.1.2.3' }, '198.51.100.23'],
    ['a list without spaces', { 'x-forwarded-for': '198.51.100.23,192.0.2.60' }, '198.51.100.23'],
    ['spaces and tabs around the first address', { 'x-forwarded-for': ' \t198.51.100.23 ,192.0.2.60' }, '198.51.100.23'],
    ['an IPv6 first address', { 'x-forwarded-for': '2001:db8:85a3::8a2e:370:7334, 192.0.2.60' }, '2001:db8:85a3::8a2e:370:7334'],
    ['an address with a port', { 'x-forwarded-for': '198.51.100.23:4711, 192.0.2.60' }, '198.51.100.23'],
    ['past entries that are not addresses', { 'x-forwarded-for': 'unknown, , 198.51.100.23' }, '198.51.100.23'],
  ])('takes %s', (_, headers, ip) => {
    expect(clientIp(headers, '192.0.2.1')).toBe(ip);
  });

  it.each([
    ['there is no X-Forwarded-For', {}],
    ['X-Forwarded-For is empty', { 'x-forwarded-for': '' }],
    ['X-Forwarded-For holds no address', { 'x-forwarded-for': 'unknown, nonsense' }],
  ])('takes the source IP when %s', (_, headers) => {
    expect(clientIp(headers, '192.0.2.1')).toBe('192.0.2.1');
  });

  it('gives undefined when neither the header nor the source is an address', () => {
    expect(clientIp({ 'x-forwarded-for': 'unknown' }, '')).toBeUndefined();
  });
});

describe('isPublicIp', () => {
  it.each(['8.8.8.8', '193.0.6.139', '2001:4860:4860::8888', '2a00:1450:4001::1'])('%s is public', (ip) => {
    expect(isPublicIp(ip)).toBe(true);
  });

  it.each([
    '10.0.0.1', '127.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '169.254.169.254', '0.0.0.0',
    '192.0.2.1', '198.51.100.1', '203.0.113.1', '198.18.0.1', '224.0.0.1', '255.255.255.255',
    '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '2001:db8::1', '64:ff9b::808:808', 'not an ip',
  ])('%s is not', (ip) => {
    expect(isPublicIp(ip)).toBe(false);
  });
});

describe('countryOf', () => {
  const lookup = vi.fn<CountryLookup>(() => 'DE');

  it('takes CloudFront-Viewer-Country first, without a lookup', () => {
    // Prepare
    lookup.mockClear();

    // Act
    const country = countryOf({ headers: { 'cloudfront-viewer-country': 'JP', 'x-forwarded-for': '8.8.8.8' }, sourceIp: '8.8.8.8' }, lookup);

    // Assess
    expect(country).toBe('JP');
    expect(lookup).not.toHaveBeenCalled();
  });

  it('upper-cases a lower-case CloudFront-Viewer-Country', () => {
    expect(countryOf({ headers: { 'cloudfront-viewer-country': ' fr ' }, sourceIp: '8.8.8.8' }, lookup)).toBe('FR');
  });

  it.each(['', 'USA', 'U1', '12', 'D'])('looks the address up when CloudFront-Viewer-Country is %j', (value) => {
    // Prepare
    lookup.mockClear();

    // Act
    const country = countryOf({ headers: { 'cloudfront-viewer-country': value }, sourceIp: '8.8.8.8' }, lookup);

    // Assess
    expect(country).toBe('DE');
    expect(lookup).toHaveBeenCalledWith('8.8.8.8');
  });

  it('looks up the first X-Forwarded-For address, not the source', () => {
    // Prepare
    lookup.mockClear();

    // Act
    countryOf({ headers: { 'x-forwarded-for': '193.0.6.139, 8.8.8.8' }, sourceIp: '9.9.9.9' }, lookup);

    // Assess
    expect(lookup).toHaveBeenCalledExactlyOnceWith('193.0.6.139');
  });

  it.each([
    ['no address at all', {}, ''],
    ['a private forwarded address', { 'x-forwarded-for': '10.0.0.1' }, '8.8.8.8'],
    ['a loopback source', {}, '127.0.0.1'],
  ])('is XX without a lookup for %s', (_, headers, sourceIp) => {
    // Prepare
    lookup.mockClear();

    // Act
    const country = countryOf({ headers, sourceIp }, lookup);

    // Assess
    expect(country).toBe(UNKNOWN_COUNTRY);
    expect(lookup).not.toHaveBeenCalled();
  });

  it.each([
    ['nothing', undefined],
    ['a code that is not two letters', 'EU1'],
    ['an empty string', ''],
  ])('is XX when the lookup finds %s', (_, found) => {
    expect(countryOf({ headers: {}, sourceIp: '8.8.8.8' }, () => found)).toBe('XX');
  });

  it('reads the same country from a REST and an HTTP API event', () => {
    // Prepare
    const request = { method: 'POST', path: '/event', headers: { 'X-Forwarded-For': '193.0.6.139' }, body: '{}', sourceIp: '8.8.8.8' };
    const byIp: CountryLookup = (ip) => ({ '193.0.6.139': 'NL', '8.8.8.8': 'US' })[ip];

    // Act
    const fromRest = countryOf(readRequest(restEvent(request)), byIp);
    const fromHttp = countryOf(readRequest(httpApiEvent(request)), byIp);

    // Assess
    expect([fromRest, fromHttp]).toEqual(['NL', 'NL']);
  });
});

describe('the shipped country database', () => {
  let lookup: CountryLookup;

  beforeAll(() => {
    lookup = openCountryDatabase(countryDatabasePath(DATABASE_URL));
  });

  // What the database says (ip-location-db geo-whois-asn-country, data of 2026-06-17). 1.1.1.1 is
  // registered to APNIC's research prefix in Australia, whatever Cloudflare's anycast does; the
  // German and Japanese blocks were picked from the database itself.
  it.each([
    ['8.8.8.8', 'US'],
    ['1.1.1.1', 'AU'],
    ['9.9.9.9', 'US'],
    ['193.0.6.139', 'NL'],
    ['217.160.0.1', 'DE'],
    ['80.156.0.1', 'DE'],
    ['210.130.0.1', 'JP'],
    ['133.1.0.1', 'JP'],
    ['2001:4860:4860::8888', 'US'],
    ['2606:4700:4700::1111', 'US'],
  ])('finds %s in %s', (ip, country) => {
    expect(lookup(ip)).toBe(country);
    expect(countryOf({ headers: {}, sourceIp: ip }, lookup)).toBe(country);
  });

  it('places 2001:200::1 (WIDE project, Japan) in AU, surprisingly (its README warns that the npm data has errors)', () => {
    expect(lookup('2001:200::1')).toBe('AU');
  });

  it.each(['10.0.0.1', '127.0.0.1', '::1', 'fe80::1'])('has nothing for %s', (ip) => {
    expect(lookup(ip)).toBeUndefined();
  });

  it.each([
    ['192.168.1.1', 'AU'],
    ['172.16.0.1', 'AU'],
    ['203.0.113.1', 'AU'],
    ['2001:db8::1', 'JP'],
  ])('gives the special-purpose address %s a country (%s), which countryOf never asks for', (ip, country) => {
    expect(lookup(ip)).toBe(country);
    expect(countryOf({ headers: {}, sourceIp: ip }, lookup)).toBe('XX');
  });

  it('finds an IPv4 visitor whose address came IPv4-mapped (the database itself has nothing under ::ffff:0:0/96)', () => {
    expect(lookup('::ffff:8.8.8.8')).toBeUndefined();
    expect(countryOf({ headers: { 'x-forwarded-for': '::ffff:8.8.8.8' }, sourceIp: '' }, lookup)).toBe('US');
  });

  it('answers undefined, not an error, for a string that is not an address', () => {
    expect(lookup('not an ip')).toBeUndefined();
  });
});

describe('openCountryDatabase', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'country-db-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the file when it is missing', () => {
    const file = path.join(dir, 'missing.mmdb');
    expect(() => openCountryDatabase(file)).toThrow(`cannot open the country database ${file}`);
  });

  it('names the file when it is not a MaxMind database', () => {
    // Prepare
    const file = path.join(dir, 'country.mmdb');
    writeFileSync(file, 'not a database');

    // Act / Assess
    expect(() => openCountryDatabase(file)).toThrow(`cannot open the country database ${file}`);
  });

  it('prefers a country.mmdb next to the module, as in a bundle', () => {
    // Prepare
    writeFileSync(path.join(dir, 'country.mmdb'), 'bundled');

    // Act
    const found = countryDatabasePath(new URL(`file://${dir}/index.mjs`).href);

    // Assess
    expect(found).toBe(path.join(dir, 'country.mmdb'));
  });

  it('falls back to the npm package when running from source', () => {
    expect(countryDatabasePath(DATABASE_URL)).toMatch(/@ip-location-db\/geo-whois-asn-country-mmdb\/geo-whois-asn-country\.mmdb$/);
  });
});
