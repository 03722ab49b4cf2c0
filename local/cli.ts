// Command lines of npm start and the benchmarks, parsed with node:util's parseArgs.
import { parseArgs } from 'node:util';

/** `-c key=value` / `--context key=value`, repeatable: CDK context for synth. */
export const CONTEXT_OPTION = { context: { type: 'string', short: 'c', multiple: true } } as const;
/** `-h` / `--help`: parseCommandLine prints the usage and exits. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h', default: false } } as const;

/** The CDK context of repeated `-c key=value` options. */
export function contextOf(pairs: readonly string[] = []): Record<string, string> {
  const context: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`-c expects key=value, got ${pair}`);
    context[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return context;
}

/**
 * Context `npm start` uses unless told otherwise: a 2 s batch window, so an event shows up in
 * GET /stats within seconds. Deployed stacks and the benchmark keep the stack's 30 s default,
 * which makes batches larger and writes cheaper.
 */
export const LOCAL_CONTEXT_DEFAULTS: Readonly<Record<string, string>> = { batchWindowSeconds: '2' };

/** `npm start`'s context: the local defaults, overridden by what was given with `-c`. */
export function localContext(given: Record<string, string>): Record<string, string> {
  return { ...LOCAL_CONTEXT_DEFAULTS, ...given };
}

/** A whole number from `min` to `max`, or an error naming the option. */
export function intOption(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} must be a whole number from ${min} to ${max}`);
  return n;
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/**
 * Strict parseArgs over `argv`: unknown options and stray arguments are errors that show
 * `usage`; with HELP_OPTION among `options`, `-h` / `--help` prints `usage` and exits.
 */
export function parseCommandLine<T extends NonNullable<Options>>(argv: string[], options: T, usage: string) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${usage}`);
  }
  if ((parsed.values as { help?: unknown }).help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed.values;
}
