// The command line of `npm run bench` (scripts/bench/run.ts).
import { addContextPair } from '../local/cli.ts';

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
  const o: Options = { events: 100_000, sites: 20, concurrency: 64, context: {}, jsonOnly: false, seed: 42, timeoutMinutes: 20, wire: true, calibration: 300, phased: false };
  const int = (flag: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} must be a whole number from ${min} to ${max}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--events':
        o.events = int(flag, value(), 1, 10_000_000);
        break;
      case '--sites':
        o.sites = int(flag, value(), 1, 1000);
        break;
      case '--concurrency':
        o.concurrency = int(flag, value(), 1, 1024);
        break;
      case '-c':
      case '--context':
        addContextPair(o.context, flag, value());
        break;
      case '--json-only':
        o.jsonOnly = true;
        break;
      case '--seed':
        o.seed = int(flag, value(), 0, 2 ** 31 - 1);
        break;
      case '--timeout-min':
        o.timeoutMinutes = int(flag, value(), 1, 240);
        break;
      case '--no-wire':
        o.wire = false;
        break;
      case '--calibration':
        o.calibration = int(flag, value(), 0, 10_000);
        break;
      case '--phased':
        o.phased = true;
        break;
      case '-h':
      case '--help':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  return o;
}
