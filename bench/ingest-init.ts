// npm run bench:init: the ingest bundle's size and init time alone, as `npm run bench` measures
// them (bench/run/init-time.ts), without starting the emulators or sending a workload. Synthesizes
// the app into .local/bench-init/cdk.out (or reads the assembly given with --cdk-out), finds the
// function behind POST /event (or the ingestion function URL), and imports its index.mjs in fresh Node processes with the
// function's environment resolved as the local runtime resolves it.
//   npm run bench:init                        # synth, then measure (median of 7 runs, 3 times)
//   npm run bench:init -- --cdk-out cdk.out   # measure an assembly already synthesized
//   npm run bench:init -- -c ingestion=function-url   # the function URL's entry (it also serves t.js)
// Options: --rounds N (times the bench's measurement is repeated, default 3).
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CONTEXT_OPTION, contextOf } from '../local/cli.ts';
import { PROJECT_ROOT } from '../local/paths.ts';
import { templateFunctionUrls } from '../local/template-function-urls.ts';
import { synthesize } from '../local/synth.ts';
import { loadTemplate, localBindings, resolveEnvironment } from '../local/template.ts';
import { fmt, percentile, sortedCopy } from './lib/numbers.ts';
import { measureBundleInit } from './run/init-time.ts';

const { values: args } = parseArgs({ options: { 'cdk-out': { type: 'string' }, rounds: { type: 'string', default: '3' }, ...CONTEXT_OPTION } });
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new Error('--rounds: a whole number from 1 to 20');

const cdkOut = args['cdk-out'] ? path.resolve(args['cdk-out']) : path.join(PROJECT_ROOT, '.local', 'bench-init', 'cdk.out');
if (!args['cdk-out']) await synthesize({ outDir: cdkOut, context: contextOf(args.context) });

const model = loadTemplate(cdkOut);
const route = Object.values(model.restApis)
  .flatMap((api) => api.routes)
  .find((r) => r.httpMethod === 'POST' && r.resourcePath === '/event');
const ingestId = route?.integration.type === 'AWS_PROXY' ? route.integration.functionLogicalId : templateFunctionUrls(model)[0]?.functionLogicalId;
const ingest = ingestId ? model.functions[ingestId] : undefined;
if (!ingest?.handlerFile) throw new Error(`no function behind POST /event with a bundled handler in ${cdkOut}`);
const env = resolveEnvironment(model, ingest, localBindings(model, { sqsEndpoint: 'http://127.0.0.1:4566' }));

console.log(`Node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`ingest bundle ${path.relative(PROJECT_ROOT, ingest.handlerFile)}`);
const medians: number[] = [];
for (let round = 1; round <= rounds; round++) {
  const init = await measureBundleInit(ingest.handlerFile, env, model.region);
  medians.push(init.initMs);
  if (round === 1) console.log(`  bundle ${init.bundleBytes.toLocaleString('en-US')} bytes (${fmt(init.bundleBytes / 1024, 1)} KB of 1,024 bytes)`);
  console.log(
    `  round ${round}: ingest init ${fmt(init.initMs, 1)} ms (median of ${init.runs.length}; with NODE_OPTIONS=${init.nodeOptions ?? ''}), ` +
      `${fmt(init.initMsWithoutNodeOptions, 1)} ms without; where it goes: ` +
      Object.entries(init.breakdownMs).map(([k, v]) => `${k} ${fmt(v, 1)} ms`).join(', '),
  );
}
console.log(`ingest init, median of the ${rounds} rounds' medians: ${fmt(percentile(sortedCopy(medians), 50), 1)} ms; load average now ${loadavg()[0]!.toFixed(1)}`);
