// npm run bench: end-to-end benchmark of the whole stack on this machine (see docs/benchmarks.md).
//
//   npm run bench [-- --profile long-tail --events 100000 --sites 20 --concurrency 64 -c key=value ... --json-only]
//
// Starts the local runtime (its own cloud assembly in .local/cdk.out.bench), sends a seeded,
// realistic workload to POST /event over keep-alive connections, waits until the queue is
// drained, checks every count against the ground truth through GET /stats, and reports
// throughput, latency, billed units per event and the cost per million events. All traffic goes
// to 127.0.0.1; every loop is bounded in count and time. The last line on stdout is one JSON object.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { optionsOrMessage } from './lib/command-line.ts';
import { parseArgs } from './run/options.ts';
import { checkCounts, measureStack } from './run/checks.ts';
import { computeFigures } from './run/figures.ts';
import { guardRun } from './lib/run-guard.ts';
import { drainQueue, sendLoad } from './run/load.ts';
import { reportRun } from './run/report.ts';
import { detailsOf, resultOf } from './run/result.ts';
import { generateRunWorkload, runBasics, startBenchStack } from './run/stack.ts';

async function main(): Promise<number> {
  const opts = optionsOrMessage(parseArgs);
  if (!opts) return 2;
  const basics = runBasics(opts);
  const { progress, logs, running, outDir } = basics;
  const guard = guardRun({
    progress,
    deadline: basics.hardDeadline,
    timeoutMessage: `the run took longer than ${opts.timeoutMinutes} min (--timeout-min)`,
    stop: async () => {
      await running.loadWorker?.terminate().catch(() => undefined);
      running.stack?.destroy();
      await running.runtime?.stop().catch((error: unknown) => progress(`while stopping: ${(error as Error).message}`));
      await running.proxy?.stop().catch(() => undefined);
      await logs.close();
    },
  });

  try {
    const generated = generateRunWorkload(basics);
    const started = { ...basics, ...generated, ...(await startBenchStack(basics)) };
    const loaded = { ...started, ...(await sendLoad(started)) };
    const drained = { ...loaded, ...(await drainQueue(loaded)) };
    const checked = { ...drained, ...(await checkCounts(drained)) };
    const measured = { ...checked, ...(await measureStack(checked)) };
    const run = { ...measured, ...(await computeFigures(measured)) };
    const result = resultOf(run);
    const details = detailsOf(run);
    writeFileSync(path.join(outDir, 'result.json'), `${JSON.stringify({ result, details }, null, 2)}\n`);
    reportRun({ ...run, details });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return run.countsExact && run.lakeExact && run.lakeAgrees ? 0 : 1;
  } catch (error) {
    return guard.failed(error);
  } finally {
    await guard.end();
  }
}

process.exit(await main());
