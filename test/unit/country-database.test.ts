// The country database read page by page (functions/commons/mmdb.ts over file-pages.ts) answers
// as maxmind's Reader over the whole file in memory did, for every boundary of every range of the
// shipped database and for random addresses.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Reader, type Response } from 'maxmind';
import { beforeAll, describe, expect, it } from 'vitest';
import { COUNTRY_DATABASE_SOURCE, countryLookupOf, openCountryDatabase } from '../../functions/commons/country-database.ts';
import { addressBytes } from '../../functions/commons/mmdb.ts';
import type { CountryLookup } from '../../functions/domain/country.ts';

const FILE = createRequire(import.meta.url).resolve(COUNTRY_DATABASE_SOURCE);

let database: Buffer;
let reference: CountryLookup;
beforeAll(() => {
  database = readFileSync(FILE);
  const reader = new Reader<Response>(database);
  reference = (ip) => {
    try {
      return (reader.get(ip) as { country_code?: string } | null)?.country_code ?? undefined;
    } catch {
      return undefined;
    }
  };
});

/** The first address of every range of the search tree under `node` (depth `bits` in all), with what it points to, ranges of the same answer merged. */
function rangeStarts(db: Buffer, root: number, bits: number): bigint[] {
  const marker = db.lastIndexOf(Buffer.from('\xab\xcd\xefMaxMind.com', 'latin1'));
  const meta = db.subarray(marker + 14);
  const uintAfter = (key: string) => {
    const at = meta.indexOf(Buffer.from(key)) + key.length;
    const size = meta[at]! & 0x1f;
    return meta.subarray(at + 1, at + 1 + size).reduce((v, b) => v * 256 + b, 0);
  };
  const nodeCount = uintAfter('node_count');
  expect(uintAfter('record_size')).toBe(24);
  const child = (node: number, bit: number) => db.readUIntBE(node * 6 + bit * 3, 3);
  const starts: bigint[] = [];
  let last: number | undefined;
  const walk = (node: number, depth: number, prefix: bigint): void => {
    if (node >= nodeCount) {
      if (node !== last) starts.push(prefix << BigInt(bits - depth));
      last = node;
      return;
    }
    walk(child(node, 0), depth + 1, prefix << 1n);
    walk(child(node, 1), depth + 1, (prefix << 1n) | 1n);
  };
  let start = root;
  for (let i = 0; i < (bits === 32 ? 96 : 0); i++) start = child(start, 0);
  walk(start, 0, 0n);
  return starts;
}

const v4 = (n: bigint) => [24n, 16n, 8n, 0n].map((shift) => (n >> shift) & 0xffn).join('.');
const v6 = (n: bigint) => Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');

/** Addresses where `lookup` and the reference differ (at most 10). */
function differences(lookup: CountryLookup, ips: Iterable<string>): Array<[string, string | undefined, string | undefined]> {
  const out: Array<[string, string | undefined, string | undefined]> = [];
  for (const ip of ips) {
    const [expected, got] = [reference(ip), lookup(ip)];
    if (expected !== got && out.push([ip, expected, got]) >= 10) break;
  }
  return out;
}

function* around(starts: bigint[], max: bigint, format: (n: bigint) => string): Generator<string> {
  for (const start of starts) for (const n of [start - 1n, start, start + 1n]) if (n >= 0n && n <= max) yield format(n);
}

function* random(count: number, seed: number): Generator<string> {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < count; i++) {
    yield i % 2 === 0
      ? [next() >>> 24, next() >>> 24, next() >>> 24, next() >>> 24].join('.')
      : [(0x2000 + (next() >>> 19)).toString(16), ...Array.from({ length: 7 }, () => (next() >>> 16).toString(16))].join(':');
  }
}

describe('the country database read page by page', () => {
  it('answers as the whole-file reader at every IPv4 range boundary, one before and one after', { timeout: 60_000 }, () => {
    const starts = rangeStarts(database, 0, 32);
    expect(starts.length).toBeGreaterThan(100_000);
    expect(differences(openCountryDatabase(FILE), around(starts, 2n ** 32n - 1n, v4))).toEqual([]);
  });

  it('answers as the whole-file reader at every IPv6 range boundary, one before and one after', { timeout: 60_000 }, () => {
    const starts = rangeStarts(database, 0, 128).filter((start) => start >= 2n ** 32n); // ::/96 holds the IPv4 ranges above
    expect(starts.length).toBeGreaterThan(100_000);
    expect(differences(openCountryDatabase(FILE), around(starts, 2n ** 128n - 1n, v6))).toEqual([]);
  });

  it('answers as the whole-file reader for random addresses, from the file or from memory', () => {
    const ips = [...random(40_000, 7)];
    expect(differences(openCountryDatabase(FILE), ips)).toEqual([]);
    expect(differences(countryLookupOf(database), ips)).toEqual([]);
  });

  it.each([
    ['8.8.8.8', 'US'],
    ['1.1.1.1', 'AU'],
    ['2001:4860:4860::8888', 'US'],
    ['::1.2.3.4', 'PL'],
    ['::ffff:1.2.3.4', undefined],
    ['0:0:0:0:0:0:808:808', 'US'],
    ['not an address', undefined],
    ['', undefined],
  ])('answers %j with %j, as the whole-file reader', (ip, country) => {
    expect(openCountryDatabase(FILE)(ip)).toBe(country);
    expect(reference(ip)).toBe(country);
  });

  it('parses addresses as mmdb-lib does: IPv4, IPv6 with :: and an embedded IPv4', () => {
    expect(addressBytes('1.2.3.4')).toEqual([1, 2, 3, 4]);
    expect(addressBytes('2001:db8::1')).toEqual([0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1]);
    expect(addressBytes('::ffff:1.2.3.4')).toEqual([...new Array(10).fill(0), 0xff, 0xff, 1, 2, 3, 4]);
  });

  it('refuses a file that is not a MaxMind DB, naming it', () => {
    const notDatabase = createRequire(import.meta.url).resolve('maxmind/package.json');
    expect(() => openCountryDatabase(notDatabase)).toThrow(/cannot open the country database .*package\.json: Cannot parse binary database/);
  });
});
