import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { CountryLookup } from '../domain/country.ts';
import { bufferBytes, filePages } from './file-pages.ts';
import { openMmdb, type ByteSource } from './mmdb.ts';

/**
 * The npm package and file of the country database: GeoFeed, WHOIS and ASN data of the five
 * regional internet registries merged by ip-location-db, IPv4 and IPv6 in one MaxMind DB file.
 */
export const COUNTRY_DATABASE_PACKAGE = '@ip-location-db/geo-whois-asn-country-mmdb';
export const COUNTRY_DATABASE_SOURCE = `${COUNTRY_DATABASE_PACKAGE}/geo-whois-asn-country.mmdb`;

/** The name the database has next to a bundled handler (`infra/geo-database.ts` copies it there). */
export const COUNTRY_DATABASE_FILE = 'country.mmdb';

/** A record of this database: the code only, not the GeoIP2 country shape the reader's types know. */
interface CountryRecord {
  country_code?: string;
}

/**
 * Opens a country database and returns its lookup. Opening reads only the metadata at the end
 * of the file; each lookup reads the search tree's nodes on its path, a 4 KiB page at a time,
 * kept once read (functions/commons/file-pages.ts), so a cold start neither reads nor holds the
 * 7.8 MB file. Throws, naming the file, if it is missing or not a MaxMind DB.
 */
export function openCountryDatabase(file: string): CountryLookup {
  try {
    return countryLookupOver(filePages(file));
  } catch (error) {
    throw new Error(`cannot open the country database ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** The lookup of a country database already in memory. Throws if it is not a MaxMind DB. */
export const countryLookupOf = (database: Buffer): CountryLookup => countryLookupOver(bufferBytes(database));

function countryLookupOver(source: ByteSource): CountryLookup {
  const lookup = openMmdb(source);
  return (ip) => {
    try {
      return (lookup(ip) as CountryRecord | null)?.country_code ?? undefined;
    } catch {
      return undefined; // not an address the reader parses
    }
  };
}

/**
 * Where the database is for the module at `moduleUrl` (pass `import.meta.url`): next to it in a
 * bundle, else (source run by tsx or vitest) in the npm package.
 */
export function countryDatabasePath(moduleUrl: string): string {
  const bundled = fileURLToPath(new URL(COUNTRY_DATABASE_FILE, moduleUrl));
  if (existsSync(bundled)) return bundled;
  return createRequire(moduleUrl).resolve(COUNTRY_DATABASE_SOURCE);
}
