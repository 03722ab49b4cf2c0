// The command line of `npm run soak` (bench/soak.ts).
import { CONTEXT_OPTION, contextOf, HELP_OPTION, intOption, parseCommandLine } from '../../local/cli.ts';

export interface SoakOptions {
  minutes: number;
  /** Events per second. */
  rate: number;
  sites: number;
  /** Percent of the events sent in POST /events batches. */
  batchPercent: number;
  batchSize: number;
  windowSeconds: number;
  /** CDK context: a 2 s batching window unless -c says otherwise. */
  context: Record<string, string>;
  seed: number;
  drainMinutes: number;
  jsonOnly: boolean;
}

/** What the soak synthesizes with unless -c overrides it: counts settle within seconds of the last POST. */
export const SOAK_CONTEXT = { batchWindowSeconds: '2' };

export const SOAK_USAGE = `Usage: npm run soak -- [options]
  --minutes N         minutes of steady load (default 10)
  --rate R            events per second (default 100)
  --sites N           sites (default 20)
  --batch-percent P   percent of the events sent in POST /events batches (default 10)
  --batch-size N      events per POST /events (default 10)
  --window-s S        latency and memory reported per window of S seconds (default 30)
  -c key=value        CDK context for synth (repeatable; default -c batchWindowSeconds=2)
  --seed N            workload seed (default 42)
  --drain-min M       fail if the queue has not drained M minutes after the last POST (default 5)
  --json-only         print only the final JSON line on stdout (progress still goes to stderr)
  -h, --help          this text`;

export function parseSoakArgs(argv: string[]): SoakOptions {
  const values = parseCommandLine(
    argv,
    {
      minutes: { type: 'string', default: '10' },
      rate: { type: 'string', default: '100' },
      sites: { type: 'string', default: '20' },
      'batch-percent': { type: 'string', default: '10' },
      'batch-size': { type: 'string', default: '10' },
      'window-s': { type: 'string', default: '30' },
      ...CONTEXT_OPTION,
      seed: { type: 'string', default: '42' },
      'drain-min': { type: 'string', default: '5' },
      'json-only': { type: 'boolean', default: false },
      ...HELP_OPTION,
    },
    SOAK_USAGE,
  );
  return {
    minutes: intOption('--minutes', values.minutes, 1, 240),
    rate: intOption('--rate', values.rate, 1, 5000),
    sites: intOption('--sites', values.sites, 1, 1000),
    batchPercent: intOption('--batch-percent', values['batch-percent'], 0, 100),
    batchSize: intOption('--batch-size', values['batch-size'], 2, 100),
    windowSeconds: intOption('--window-s', values['window-s'], 5, 3600),
    context: { ...SOAK_CONTEXT, ...contextOf(values.context) },
    seed: intOption('--seed', values.seed, 0, 2 ** 31 - 1),
    drainMinutes: intOption('--drain-min', values['drain-min'], 1, 60),
    jsonOnly: values['json-only'],
  };
}
