import { describe, expect, it } from 'vitest';
import { normalizeOrigin, siteRefusal, siteTimeZone, type SiteRegistration } from '../../functions/domain/sites.ts';

const site = (origins: string[]): SiteRegistration => ({ siteId: 's', origins, timeZone: 'UTC', createdAt: '2026-01-01T00:00:00.000Z' });

describe('normalizeOrigin', () => {
  it.each([
    ['https://www.Example.com', 'https://www.example.com'],
    ['https://www.example.com/', 'https://www.example.com'],
    ['https://example.com:443', 'https://example.com'],
    ['http://localhost:8080', 'http://localhost:8080'],
  ])('reads %s as %s', (input, expected) => {
    expect(normalizeOrigin(input)).toBe(expected);
  });

  it.each(['www.example.com', 'https://example.com/page', 'https://example.com?x=1', 'ftp://example.com', 'null', ''])('refuses %j', (input) => {
    expect(normalizeOrigin(input)).toBeUndefined();
  });
});

describe('siteRefusal', () => {
  it('refuses an unregistered site, whatever the origin', () => {
    expect(siteRefusal(undefined, undefined)).toEqual({ reason: 'unregistered' });
    expect(siteRefusal(undefined, 'https://a.example')).toEqual({ reason: 'unregistered' });
  });

  it('accepts a registered site from its origins and from servers (no Origin header)', () => {
    const registered = site(['https://a.example', 'https://b.example']);
    expect(siteRefusal(registered, 'https://b.example')).toBeUndefined();
    expect(siteRefusal(registered, 'https://B.example')).toBeUndefined();
    expect(siteRefusal(registered, undefined)).toBeUndefined();
  });

  it('refuses other origins, including the opaque "null" origin', () => {
    const registered = site(['https://a.example']);
    expect(siteRefusal(registered, 'https://evil.example')).toEqual({ reason: 'origin', origin: 'https://evil.example' });
    expect(siteRefusal(registered, 'null')).toEqual({ reason: 'origin', origin: 'null' });
  });

  it('accepts any origin for a site registered without origins', () => {
    expect(siteRefusal(site([]), 'https://anything.example')).toBeUndefined();
  });
});

describe('siteTimeZone', () => {
  it('is the registered zone, and UTC for an unregistered site', () => {
    expect(siteTimeZone({ ...site([]), timeZone: 'Europe/Berlin' })).toBe('Europe/Berlin');
    expect(siteTimeZone(undefined)).toBe('UTC');
  });
});
