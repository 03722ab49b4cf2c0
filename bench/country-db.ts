// npm run bench:country: what the country database costs a function, for the two ways to ship it:
// a file next to index.mjs (infra/geo-database.ts) or bytes embedded in the bundle (esbuild's
// binary loader). Prints the database's size; the bytes each adds to the ingest bundle and to its
// zipped asset; the cold start it adds (import time in fresh Node processes, against the same code
// without the database; medians); the open and the first lookup after it; and the time per lookup.
// Bundles are built as AnalyticsFunction builds them (ESM, minified, @aws-sdk/* external) in
// .local/bench-country/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { COUNTRY_DATABASE_FILE, countryDatabasePath, openCountryDatabase } from '../functions/commons/country-database.ts';
import { countryOf, type CountryLookup } from '../functions/domain/country.ts';
import { countryDatabaseSourceFile } from '../infra/geo-database.ts';
import { measureInit } from './run/init-time.ts';
import { fmt, percentile, sortedCopy } from './lib/numbers.ts';
import { PROJECT_ROOT } from '../local/paths.ts';
import { prng } from './lib/random.ts';

const RUNS = 9;
const OUT = path.join(PROJECT_ROOT, '.local', 'bench-country');
const DATABASE = countryDatabaseSourceFile();
const COMMONS = path.join(PROJECT_ROOT, 'functions/commons/country-database.ts');
const INGEST = path.join(PROJECT_ROOT, 'functions/ingest/handler.ts');

/** Entries, each as the only module of its own folder: the code, how the database comes, whether the ingest handler is in. */
const VARIANTS = {
  code: `import { countryLookupOf } from ${JSON.stringify(COMMONS)}; export const lookup = countryLookupOf;`,
  file: `import { countryDatabasePath, openCountryDatabase } from ${JSON.stringify(COMMONS)}; export const lookup = openCountryDatabase(countryDatabasePath(import.meta.url));`,
  embedded: `import database from ${JSON.stringify(DATABASE)}; import { countryLookupOf } from ${JSON.stringify(COMMONS)}; export const lookup = countryLookupOf(Buffer.from(database.buffer, database.byteOffset, database.length));`,
} as const;
type Variant = keyof typeof VARIANTS;

async function bundle(name: string, source: string, copyDatabase: boolean): Promise<string> {
  const dir = path.join(OUT, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'entry.ts'), source);
  await build({
    entryPoints: [path.join(dir, 'entry.ts')],
    outfile: path.join(dir, 'asset', 'index.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    mainFields: ['module', 'main'],
    minify: true,
    external: ['@aws-sdk/*'],
    loader: { '.mmdb': 'binary' },
    banner: { js: "import { createRequire as __analyticsCreateRequire } from 'node:module'; const require = __analyticsCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
  if (copyDatabase) copyFileSync(DATABASE, path.join(dir, 'asset', COUNTRY_DATABASE_FILE));
  return path.join(dir, 'asset');
}

const bundleBytes = (asset: string) => statSync(path.join(asset, 'index.mjs')).size;
const fileBytes = (asset: string, name: string) => statSync(path.join(asset, name)).size;

/** Bytes of the asset zipped at the highest compression (CDK zips assets with deflate too). */
function zippedBytes(asset: string): number {
  const zip = path.join(path.dirname(asset), 'asset.zip');
  rmSync(zip, { force: true });
  execFileSync('zip', ['-9', '-q', '-r', '-X', zip, '.'], { cwd: asset });
  return statSync(zip).size;
}

const median = (xs: number[]) => percentile(sortedCopy(xs), 50);
const mb = (bytes: number) => `${fmt(bytes / 1_000_000, 2)} MB`;
const kb = (bytes: number) => `${fmt(bytes / 1000, 1)} KB`;

/** Random public-looking addresses (IPv4 and IPv6 from 2000::/3), the same every run. */
function addresses(count: number): string[] {
  const random = prng(7);
  const byte = () => Math.floor(random() * 256);
  const word = () => Math.floor(random() * 65_536).toString(16);
  return Array.from({ length: count }, (_, i) =>
    i % 4 === 3 ? `${(0x2000 + Math.floor(random() * 0x2000)).toString(16)}:${word()}:${word()}:${word()}::${word()}` : `${1 + (byte() % 223)}.${byte()}.${byte()}.${byte()}`,
  );
}

function perLookupNs(lookup: CountryLookup, ips: string[]): { lookup: number; countryOf: number } {
  const time = (fn: (ip: string) => unknown) => {
    const rounds: number[] = [];
    for (let round = 0; round < 5; round++) {
      const start = performance.now();
      for (const ip of ips) fn(ip);
      rounds.push(((performance.now() - start) * 1e6) / ips.length);
    }
    return median(rounds);
  };
  time(lookup); // warm-up
  return { lookup: time(lookup), countryOf: time((ip) => countryOf({ headers: { 'x-forwarded-for': ip }, sourceIp: '192.0.2.1' }, lookup)) };
}

async function main(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  const env = { PATH: process.env.PATH ?? '' };
  console.log(`Node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`database ${path.relative(PROJECT_ROOT, DATABASE)}: ${statSync(DATABASE).size.toLocaleString('en-US')} bytes (${mb(statSync(DATABASE).size)})`);

  // What each way adds to the ingest function as it is (handler plus the country code and data).
  const ingestAlone = await bundle('ingest', `export { handler } from ${JSON.stringify(INGEST)};`, false);
  const ingestWith: Record<Exclude<Variant, 'code'>, string> = {
    file: await bundle('ingest-file', `export { handler } from ${JSON.stringify(INGEST)};\n${VARIANTS.file}`, true),
    embedded: await bundle('ingest-embedded', `export { handler } from ${JSON.stringify(INGEST)};\n${VARIANTS.embedded}`, false),
  };
  const base = { bundle: bundleBytes(ingestAlone), zip: zippedBytes(ingestAlone) };
  console.log(`\ningest asset today: index.mjs ${kb(base.bundle)}, zipped ${kb(base.zip)}`);
  for (const [way, asset] of Object.entries(ingestWith)) {
    const extraFile = way === 'file' ? fileBytes(asset, COUNTRY_DATABASE_FILE) : 0;
    console.log(
      `  + country (${way}): index.mjs +${kb(bundleBytes(asset) - base.bundle)}${extraFile ? `, ${COUNTRY_DATABASE_FILE} +${mb(extraFile)}` : ''}; ` +
        `unzipped +${mb(bundleBytes(asset) + extraFile - base.bundle)}, zipped +${mb(zippedBytes(asset) - base.zip)}`,
    );
  }

  // Cold start: import of each country-only bundle in fresh processes, against the code without data.
  const imports: Record<string, number> = {};
  for (const variant of Object.keys(VARIANTS) as Variant[]) {
    const asset = await bundle(variant, VARIANTS[variant], variant === 'file');
    imports[variant] = median(await measureInit(path.join(asset, 'index.mjs'), env, RUNS));
  }
  console.log(`\ncold start, median of ${RUNS} fresh processes (import of a bundle holding only the country code):`);
  console.log(`  code without data ${fmt(imports.code!)} ms; file ${fmt(imports.file!)} ms (+${fmt(imports.file! - imports.code!)}); embedded ${fmt(imports.embedded!)} ms (+${fmt(imports.embedded! - imports.code!)})`);

  // The open alone (the metadata at the end of the file) and the first lookup after it (the
  // pages on its path), in this process (warm file cache), as the handler's module scope and its
  // first request do them.
  const file = countryDatabasePath(new URL('../functions/commons/country-database.ts', import.meta.url).href);
  const opens: number[] = [];
  const firsts: number[] = [];
  let lookup: CountryLookup | undefined;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    lookup = openCountryDatabase(file);
    opens.push(performance.now() - start);
    const first = performance.now();
    lookup(`${93 + i}.184.216.34`);
    firsts.push(performance.now() - first);
  }
  console.log(`  open in a warm process: median ${fmt(median(opens))} ms (first ${fmt(opens[0]!)} ms); the first lookup after it: median ${fmt(median(firsts))} ms`);
  const rssBefore = process.memoryUsage().rss;
  const ips = addresses(200_000);
  const ns = perLookupNs(lookup!, ips);
  const found = ips.filter((ip) => lookup!(ip) !== undefined).length;
  console.log(`\nper lookup (${ips.length.toLocaleString('en-US')} random addresses, a quarter IPv6, ${((found / ips.length) * 100).toFixed(0)}% found): lookup ${fmt(ns.lookup, 0)} ns, countryOf with X-Forwarded-For ${fmt(ns.countryOf, 0)} ns`);
  console.log(`  memory: the pages the lookups read are kept (at most the file, ${mb(statSync(file).size)}); rss ${mb(rssBefore)} before the lookups, ${mb(process.memoryUsage().rss)} after`);
  rmSync(OUT, { recursive: true, force: true });
}

await main();
