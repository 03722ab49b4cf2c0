// Builds the npm package's dist/ (npm run build:lib, run by `npm pack` through "prepack"):
// 1. the construct's JavaScript and type declarations, compiled by tsc (tsconfig.lib.json);
// 2. every function's bundle, built here with the repository's esbuild exactly as a synth in the
//    repository builds it, into dist/lambda-bundles/<name>/. AnalyticsFunction deploys those
//    as they are when it runs from the package, so a user's synth needs neither esbuild, nor the
//    functions' sources, nor their npm dependencies (Powertools, middy, zod, the country database).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack, type CfnResource } from 'aws-cdk-lib';
import { COUNTRY_DATABASE_FILE } from '../../functions/commons/country-database.ts';
import { AnalyticsFunction, PREBUILT_DIR, PROJECT_ROOT } from '../analytics-function.ts';
import { shareFiles } from '../prebuilt-code.ts';
import type { WebsiteAnalyticsProps } from '../settings.ts';
import { WebsiteAnalytics } from '../website-analytics.ts';

/** The package's build output, relative to the repository root. */
const LIB_DIR = 'dist';

/**
 * Settings that together select every function entry there is (restricted ingestion has its own
 * ingest entry). A setting that switches a function's entry adds its variant here.
 */
const VARIANTS: readonly WebsiteAnalyticsProps[] = [{}, { restrictIngestion: true }, { ingestion: 'function-url' }, { ingestion: 'function-url', restrictIngestion: true }];

function compile(out: string): void {
  const tsc = createRequire(path.join(PROJECT_ROOT, 'package.json')).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(PROJECT_ROOT, 'tsconfig.lib.json'), '--outDir', out], { stdio: 'inherit' });
}

/** Bundles every function of every variant and copies each bundle to `out/<bundle name>`. */
function bundleFunctions(out: string): string[] {
  const outdir = mkdtempSync(path.join(tmpdir(), 'cdk.out.package-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    const functions = VARIANTS.flatMap((props, i) => {
      const analytics = new WebsiteAnalytics(new Stack(app, `Variant${i}`), 'Default', props);
      return analytics.node.findAll().filter((node): node is AnalyticsFunction => node instanceof AnalyticsFunction);
    });
    const names = new Set<string>();
    for (const fn of functions) {
      if (names.has(fn.bundleName)) continue;
      const asset = (fn.node.defaultChild as CfnResource).getMetadata('aws:asset:path') as string;
      cpSync(path.join(outdir, asset), path.join(out, fn.bundleName), { recursive: true });
      names.add(fn.bundleName);
    }
    return [...names].sort();
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

// Builds dist/ from scratch.
const dist = path.join(PROJECT_ROOT, LIB_DIR);
rmSync(dist, { recursive: true, force: true });
compile(dist);
const bundles = bundleFunctions(path.join(dist, PREBUILT_DIR));
// The country database once, not in each of the four ingest bundles.
shareFiles(path.join(dist, PREBUILT_DIR), [COUNTRY_DATABASE_FILE]);
console.log(`${LIB_DIR}/: the construct (infra/index.js) and ${bundles.length} function bundles: ${bundles.join(', ')}`);
