// The command line of `npm run bench` (bench/run.ts).
import { CONTEXT_OPTION, contextOf, HELP_OPTION, intOption, parseCommandLine } from '../../local/cli.ts';
import { PROFILES, type Profile } from '../workload/workload.ts';

/**
 * Each profile's defaults. long-tail: 100,000 events of one site on one day show about 19,700
 * of its 20,000 pages (most of them two or three times) and take about as long as the default.
 */
export const PROFILE_DEFAULTS: Readonly<Record<Profile, { events: number; sites: number }>> = {
  default: { events: 100_000, sites: 20 },
  'long-tail': { events: 100_000, sites: 1 },
};

export interface Options {
  profile: Profile;
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
  --profile P         workload: default (20 sites, 3 days) or long-tail (one site, one day, 20,000 pages)
  --events N          events to send (default 100000, both profiles)
  --sites N           sites (default 20; the long-tail profile has one)
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
      profile: { type: 'string', default: 'default' },
      events: { type: 'string' },
      sites: { type: 'string' },
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
  const profile = values.profile as Profile;
  if (!PROFILES.includes(profile)) throw new Error(`--profile must be one of ${PROFILES.join(', ')}\n${USAGE}`);
  const defaults = PROFILE_DEFAULTS[profile];
  const sites = intOption('--sites', values.sites ?? String(defaults.sites), 1, 1000);
  if (profile === 'long-tail' && sites !== 1) throw new Error('--sites: the long-tail profile has one site');
  return {
    profile,
    events: intOption('--events', values.events ?? String(defaults.events), 1, 10_000_000),
    sites,
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
