// `npm run bench`: how long a function bundle takes to import in a fresh Node process.
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../../local/paths.ts';
import { percentile, sortedCopy } from '../lib/numbers.ts';

/** Runs `code` (an ES module) in a fresh Node process in the project folder; returns its stdout. */
function runFresh(code: string, env: Record<string, string>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      if (exitCode === 0) resolve(out);
      else reject(new Error(`a fresh node process failed (exit ${exitCode}): ${err.trim().slice(0, 500)}`));
    });
  });
}

/** Import time (ms) of a bundle in a fresh Node process, `runs` times. */
export async function measureInit(file: string, env: Record<string, string>, runs: number): Promise<number[]> {
  const code = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(Number(await runFresh(code, env)));
  return times;
}

/**
 * Where a bundle's import time goes: each package it imports at run time (kept external, such as
 * the AWS SDK, which Lambda's runtime provides), imported one after the other, then the bundle's
 * own code. Medians of `runs` fresh processes.
 */
export async function initBreakdown(file: string, env: Record<string, string>, runs: number): Promise<Record<string, number>> {
  const source = readFileSync(file, 'utf8');
  const externals = [...new Set([...source.matchAll(/(?:from|import)\s*["'](@[^"']+|[a-z][^"':]*)["']/g)].map((m) => m[1]!))].filter((m) => !m.startsWith('node:'));
  const code = `
    const parts = {};
    let t = performance.now();
    for (const m of ${JSON.stringify(externals)}) { await import(m); const n = performance.now(); parts[m] = n - t; t = n; }
    await import(${JSON.stringify(pathToFileURL(file).href)});
    parts['the bundle itself'] = performance.now() - t;
    process.stdout.write(JSON.stringify(parts));`;
  const samples: Array<Record<string, number>> = [];
  for (let i = 0; i < runs; i++) samples.push(JSON.parse(await runFresh(code, env)) as Record<string, number>);
  const out: Record<string, number> = {};
  for (const key of Object.keys(samples[0] ?? {})) out[key] = percentile(sortedCopy(samples.map((s) => s[key] ?? NaN)), 50);
  return out;
}

export interface BundleInit {
  bundleBytes: number;
  /** Median import time with the function's NODE_OPTIONS, as deployed; runs of it. */
  initMs: number;
  runs: number[];
  /** The same without NODE_OPTIONS (source maps off), when the function sets it. */
  initMsWithoutNodeOptions: number;
  runsWithoutNodeOptions: number[];
  nodeOptions: string | undefined;
  /** `initBreakdown`, with the deployed NODE_OPTIONS. */
  breakdownMs: Record<string, number>;
}

/** Size and import time of a function's bundle, in fresh processes with the function's own environment (`functionEnv`). */
export async function measureBundleInit(file: string, functionEnv: Record<string, string>, region: string): Promise<BundleInit> {
  const { NODE_OPTIONS: nodeOptions, ...variables } = functionEnv;
  const baseEnv: Record<string, string> = {
    ...variables,
    PATH: process.env.PATH ?? '',
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
  const deployedEnv = { ...baseEnv, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) };
  const runs = await measureInit(file, deployedEnv, 7);
  const runsWithoutNodeOptions = nodeOptions ? await measureInit(file, baseEnv, 7) : runs;
  return {
    bundleBytes: statSync(file).size,
    initMs: percentile(sortedCopy(runs), 50),
    runs,
    initMsWithoutNodeOptions: percentile(sortedCopy(runsWithoutNodeOptions), 50),
    runsWithoutNodeOptions,
    nodeOptions,
    breakdownMs: await initBreakdown(file, deployedEnv, 5),
  };
}
