// The command line of `npm run bench` (scripts/bench/run.ts).
import { CONTEXT_OPTION, contextOf, HELP_OPTION, intOption, parseCommandLine } from '../local/cli.ts';

export interface Options {
  events: number;
  sites: number;
  concurrency: number;
  context: Record<string, string>;
  jsonOnly: boolean;
  seed: number;
  timeoutMinutes: number;
  wire: boolean;
  calibration: number;
  phased: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]
  --events N          events to send (default 100000)
  --sites N           sites (default 20)
  --concurrency N     HTTP requests in flight (default 64)
  -c key=value        CDK context for synth (repeatable; default: the project's defaults)
  --json-only         print only the final JSON line on stdout (progress still goes to stderr)
  --seed N            workload seed (default 42)
  --timeout-min M     fail if the whole run takes longer (default 20)
  --no-wire           no counting proxies (no per-key figures, SQS calls not counted)
  --calibration N     sequential requests to time one ingest invocation (default 300)
  --phased            profiling: start the queue poller only after the last POST, so ingestion and
                      processing are measured apart (end-to-end events/s is then not meaningful)
  -h, --help          this text`;

export function parseArgs(argv: string[]): Options {
  const values = parseCommandLine(
    argv,
    {
      events: { type: 'string', default: '100000' },
      sites: { type: 'string', default: '20' },
      concurrency: { type: 'string', default: '64' },
      ...CONTEXT_OPTION,
      'json-only': { type: 'boolean', default: false },
      seed: { type: 'string', default: '42' },
      'timeout-min': { type: 'string', default: '20' },
      'no-wire': { type: 'boolean', default: false },
      calibration: { type: 'string', default: '300' },
      phased: { type: 'boolean', default: false },
      ...HELP_OPTION,
    },
    USAGE,
  );
  return {
    events: intOption('--events', values.events, 1, 10_000_000),
    sites: intOption('--sites', values.sites, 1, 1000),
    concurrency: intOption('--concurrency', values.concurrency, 1, 1024),
    context: contextOf(values.context),
    jsonOnly: values['json-only'],
    seed: intOption('--seed', values.seed, 0, 2 ** 31 - 1),
    timeoutMinutes: intOption('--timeout-min', values['timeout-min'], 1, 240),
    wire: !values['no-wire'],
    calibration: intOption('--calibration', values.calibration, 0, 10_000),
    phased: values.phased,
  };
}
