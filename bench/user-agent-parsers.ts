// What a User-Agent parser costs and how well it classifies: ua-parser-js 1.0.41 (through
// functions/domain/user-agent.ts) against bowser 2.15.1 (through the same mapping onto the
// device, browser and OS lists, written below). For each, bundled and minified as the stack
// bundles functions (ESM, node24):
// - bytes of the parser and its mapping alone, and bytes added to the ingest function's bundle;
// - import time of the bundle in a fresh Node process, over that of an empty bundle (median);
// - the first call after import, and CPU time per call over a corpus of User-Agents (the test
//   samples with other version numbers), after two passes of warm-up (median of passes);
// - how many of the test samples (bench/lib/user-agent-samples.ts) it classifies as expected.
//
// bowser is not a dependency of the project: install it in a folder of its own first.
//   npm install --prefix /tmp/ua-candidates --no-audit --no-fund bowser@2.15.1
//   npx tsx bench/user-agent-parsers.ts --modules /tmp/ua-candidates/node_modules
// Options: --runs N (fresh processes per import time, default 30), --corpus N (User-Agents,
// default 3000), --passes N (timed passes per process, default 10).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import type { UserAgentClass } from '../functions/domain/user-agent.ts';
import { USER_AGENT_SAMPLES } from './lib/user-agent-samples.ts';
import { PROJECT_ROOT } from '../local/paths.ts';
import { fmt, percentile, sortedCopy } from './lib/numbers.ts';
import { prng } from './lib/random.ts';

const { values: args } = parseArgs({
  options: {
    modules: { type: 'string' },
    runs: { type: 'string', default: '30' },
    corpus: { type: 'string', default: '3000' },
    passes: { type: 'string', default: '10' },
  },
});
if (!args.modules) throw new Error('--modules <folder>: a node_modules folder holding bowser 2.15.1 (see the comment at the top)');

/** Each entry exports `classify(userAgent)`, as functions/domain/user-agent.ts does. */
const ENTRIES = {
  'no parser': `export function classify(userAgent) { return { device: 'desktop', browser: 'other', os: String(userAgent) }; }`,
  'ua-parser-js 1.0.41': `export { classifyUserAgent as classify } from ${JSON.stringify(path.join(PROJECT_ROOT, 'functions/domain/user-agent.ts'))};`,
  'bowser 2.15.1': `
    import Bowser from 'bowser';
    const BROWSERS = new Map([['Chrome', 'Chrome'], ['Safari', 'Safari'], ['Firefox', 'Firefox'], ['Focus', 'Firefox'],
      ['Microsoft Edge', 'Edge'], ['Opera', 'Opera'], ['Opera Touch', 'Opera'], ['Opera Coast', 'Opera'],
      ['Samsung Internet for Android', 'Samsung Internet']]);
    const SYSTEMS = new Map([['Windows', 'Windows'], ['macOS', 'macOS'], ['iOS', 'iOS'], ['Android', 'Android'],
      ['Linux', 'Linux'], ['Chrome OS', 'ChromeOS']]);
    export function classify(userAgent) {
      if (!userAgent) return { device: 'desktop', browser: 'other', os: 'other' };
      const parser = Bowser.getParser(userAgent, true);
      const type = parser.getPlatformType();
      return {
        device: type === 'mobile' || type === 'tablet' ? type : 'desktop',
        browser: BROWSERS.get(parser.getBrowserName()) ?? 'other',
        os: SYSTEMS.get(parser.getOSName()) ?? 'other',
      };
    }`,
} as const;
type Candidate = keyof typeof ENTRIES;
const PARSERS: readonly Candidate[] = ['ua-parser-js 1.0.41', 'bowser 2.15.1'];

/** The stack's bundling options (infra/analytics-function.ts), without source maps. */
const BUNDLING: BuildOptions = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*'],
  nodePaths: [path.resolve(args.modules)],
  write: false,
  logLevel: 'error',
};

async function bundle(contents: string): Promise<string> {
  const result = await build({ ...BUNDLING, stdin: { contents, resolveDir: PROJECT_ROOT, loader: 'ts', sourcefile: 'entry.ts' } });
  return result.outputFiles![0]!.text;
}

const INGEST_ENTRY = `export * from ${JSON.stringify(path.join(PROJECT_ROOT, 'functions/ingest/handler.ts'))};`;

/** Bytes that the entry in `entryFile` adds to the ingest function's bundle. */
async function ingestBytesAdded(entryFile: string): Promise<number> {
  const [alone, both] = await Promise.all([bundle(INGEST_ENTRY), bundle(`${INGEST_ENTRY}\nexport { classify } from ${JSON.stringify(entryFile)};`)]);
  return Buffer.byteLength(both) - Buffer.byteLength(alone);
}

/** User-Agents shaped like the samples, with other version numbers (deterministic). */
function corpus(size: number): string[] {
  const random = prng(7);
  const seeds = USER_AGENT_SAMPLES.map((s) => s.userAgent);
  return Array.from({ length: size }, (_, i) =>
    seeds[i % seeds.length]!.replace(/\/(\d+)\.(\d+)/g, () => `/${1 + Math.floor(random() * 130)}.${Math.floor(random() * 10)}`),
  );
}

/** Runs `code` (an ES module) in a fresh Node process and returns what it prints, parsed as JSON. */
function runFresh<T>(code: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', (exitCode) => (exitCode === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`a fresh node process failed (exit ${exitCode})`))));
  });
}

/** CPU ms (user and system) since `before`. */
const CPU_MS = `((used) => (used.user + used.system) / 1000)`;

interface ColdStart {
  importCpuMs: number;
  importWallMs: number;
  firstCallCpuMs: number;
  firstCallWallMs: number;
}

/** Import of the bundle in `file` and its first call, in a fresh process. */
function coldStart(file: string, userAgent: string): Promise<ColdStart> {
  return runFresh<ColdStart>(`
    let cpu = process.cpuUsage(), wall = performance.now();
    const { classify } = await import(${JSON.stringify(pathToFileURL(file).href)});
    const importCpuMs = ${CPU_MS}(process.cpuUsage(cpu)), importWallMs = performance.now() - wall;
    cpu = process.cpuUsage(); wall = performance.now();
    classify(${JSON.stringify(userAgent)});
    const firstCallCpuMs = ${CPU_MS}(process.cpuUsage(cpu)), firstCallWallMs = performance.now() - wall;
    process.stdout.write(JSON.stringify({ importCpuMs, importWallMs, firstCallCpuMs, firstCallWallMs }));`);
}

/** CPU µs per call of each timed pass over the corpus, in a fresh process, after two passes of warm-up. */
function timeCalls(file: string, corpusFile: string, passes: number): Promise<number[]> {
  return runFresh<number[]>(`
    import { readFileSync } from 'node:fs';
    const { classify } = await import(${JSON.stringify(pathToFileURL(file).href)});
    const userAgents = JSON.parse(readFileSync(${JSON.stringify(corpusFile)}, 'utf8'));
    for (let i = 0; i < 2; i++) for (const ua of userAgents) classify(ua);
    const usPerCall = [];
    for (let p = 0; p < ${passes}; p++) {
      const cpu = process.cpuUsage();
      for (const ua of userAgents) classify(ua);
      usPerCall.push(${CPU_MS}(process.cpuUsage(cpu)) * 1000 / userAgents.length);
    }
    process.stdout.write(JSON.stringify(usPerCall));`);
}

const median = (xs: readonly number[]): number => percentile(sortedCopy(xs), 50);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ua-parsers-'));
  try {
    const entries = {} as Record<Candidate, string>;
    const files = {} as Record<Candidate, string>;
    const codes = {} as Record<Candidate, string>;
    for (const [name, source] of Object.entries(ENTRIES) as Array<[Candidate, string]>) {
      entries[name] = path.join(dir, `${name.replace(/\W+/g, '-')}.entry.ts`);
      writeFileSync(entries[name], source);
      codes[name] = await bundle(source);
      files[name] = path.join(dir, `${name.replace(/\W+/g, '-')}.mjs`);
      writeFileSync(files[name], codes[name]);
    }
    const corpusFile = path.join(dir, 'corpus.json');
    writeFileSync(corpusFile, JSON.stringify(corpus(Number(args.corpus))));

    // Interleaved, so that a busy moment of the machine falls on every candidate alike.
    const names = Object.keys(ENTRIES) as Candidate[];
    const starts = Object.fromEntries(names.map((name) => [name, [] as ColdStart[]])) as Record<Candidate, ColdStart[]>;
    for (let run = 0; run < Number(args.runs); run++) {
      for (const name of names) starts[name].push(await coldStart(files[name], USER_AGENT_SAMPLES[0]!.userAgent));
    }
    const perCall = Object.fromEntries(PARSERS.map((name) => [name, [] as number[]])) as Record<Candidate, number[]>;
    for (let run = 0; run < 3; run++) {
      for (const name of PARSERS) perCall[name].push(...(await timeCalls(files[name], corpusFile, Number(args.passes))));
    }
    const m = (name: Candidate, field: keyof ColdStart): number => median(starts[name].map((s) => s[field]));

    console.log(`node ${process.version}; cold start: ${args.runs} fresh processes each, medians, CPU ms (wall ms); per call: ${args.corpus} User-Agents x ${args.passes} passes x 3 processes, median CPU µs\n`);
    console.log('| parser | bundle bytes (gzip) | bytes added to the ingest bundle | import ms over an empty bundle | first call ms | µs per call | samples right |');
    console.log('|---|---|---|---|---|---|---|');
    const misses: string[] = [];
    for (const name of PARSERS) {
      const { classify } = (await import(pathToFileURL(files[name]).href)) as { classify: (ua: string) => UserAgentClass };
      let right = 0;
      for (const s of USER_AGENT_SAMPLES) {
        const got = classify(s.userAgent);
        if (got.device === s.device && got.browser === s.browser && got.os === s.os) right++;
        else misses.push(`${name}: ${s.name}: ${got.device}, ${got.browser}, ${got.os} (expected ${s.device}, ${s.browser}, ${s.os})`);
      }
      const gzip = gzipSync(codes[name]).length;
      console.log(
        `| ${name} | ${Buffer.byteLength(codes[name]).toLocaleString('en-US')} (${gzip.toLocaleString('en-US')}) | ${(await ingestBytesAdded(entries[name])).toLocaleString('en-US')} ` +
          `| ${fmt(m(name, 'importCpuMs') - m('no parser', 'importCpuMs'), 1)} (${fmt(m(name, 'importWallMs') - m('no parser', 'importWallMs'), 1)}) ` +
          `| ${fmt(m(name, 'firstCallCpuMs'), 1)} (${fmt(m(name, 'firstCallWallMs'), 1)}) | ${fmt(median(perCall[name]), 1)} ` +
          `| ${right} of ${USER_AGENT_SAMPLES.length} |`,
      );
    }
    console.log(`\nempty bundle: import ${fmt(m('no parser', 'importCpuMs'), 1)} (${fmt(m('no parser', 'importWallMs'), 1)}) ms`);
    if (misses.length > 0) console.log(`\nSamples classified otherwise than expected:\n${misses.map((m) => `- ${m}`).join('\n')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
