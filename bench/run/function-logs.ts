// What the local runtime and the functions print during a bench run: every line goes to
// .local/bench/runtime.log; the lines carrying a `capacity` object (the processor's one per
// batch, the stats function's one per request) are kept by function logical id; errors and
// warnings are kept and the first 20 echoed. Metrics lines (EMF) are neither.
import { createWriteStream } from 'node:fs';
import { sleep } from '../lib/numbers.ts';

/** The processor's line per batch. */
export interface BatchLine {
  records: number;
  counted: number;
  duplicates: number;
  invalid: number;
  failed: number;
  units: number;
  capacity: Record<string, number>;
  ms: number;
}
/** The stats function's line per request. */
export interface StatsLine {
  /** Which GET it served: `stats`, `breakdown` or `timeseries`. */
  route?: string;
  capacity: Record<string, number>;
  ms: number;
  date: string | null;
}

/** What one line of the runtime's log is to the bench. */
export type LogLine =
  | { kind: 'capacity'; fn: string; json: Record<string, unknown> }
  | { kind: 'problem'; source: 'function' | 'runtime' }
  | { kind: 'other' };

/** Function log levels that make a line a problem (Powertools writes them upper case). */
const PROBLEM_LEVELS = new Set(['WARN', 'ERROR', 'CRITICAL']);

/**
 * Reads one line of the runtime's log: `[LogicalId] {json}` for a function's log line (its
 * `capacity` lines kept, its warnings and errors problems), `[LogicalId] metrics ...` or raw EMF
 * JSON for its metrics, anything else from the runtime itself.
 */
export function readLogLine(line: string): LogLine {
  const m = /^\[([A-Za-z0-9]+)\] (.*?)\s*$/.exec(line);
  if (m && m[2]!.startsWith('metrics ')) return { kind: 'other' };
  if (m && m[2]!.startsWith('{')) {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(m[2]!) as Record<string, unknown>;
    } catch {
      return { kind: 'other' };
    }
    if ('_aws' in json) return { kind: 'other' };
    if (json.capacity && typeof json.capacity === 'object') return { kind: 'capacity', fn: m[1]!, json };
    return PROBLEM_LEVELS.has(String(json.level).toUpperCase()) ? { kind: 'problem', source: 'function' } : { kind: 'other' };
  }
  return /\bERROR\b|failed|error/i.test(line) ? { kind: 'problem', source: 'runtime' } : { kind: 'other' };
}

export class FunctionLogs {
  readonly problemLines: string[] = [];
  private readonly capacityLines: Array<{ fn: string; json: Record<string, unknown> }> = [];
  private readonly file;

  constructor(
    logPath: string,
    private readonly echo: (line: string) => void,
  ) {
    this.file = createWriteStream(logPath);
  }

  /** The runtime's `log` option. */
  readonly onLine = (line: string): void => {
    this.file.write(`${line}\n`);
    const read = readLogLine(line);
    if (read.kind === 'capacity') this.capacityLines.push({ fn: read.fn, json: read.json });
    else if (read.kind === 'problem') this.problem(read.source, line);
  };

  /** The capacity lines of one function so far. */
  capacityOf<T>(fn: string): T[] {
    return this.capacityLines.filter((l) => l.fn === fn).map((l) => l.json as unknown as T);
  }

  /** A function's output reaches this process asynchronously: waits (up to 5 s) until it printed `count` capacity lines. */
  async waitForCapacityLines(fn: string, count: number): Promise<void> {
    for (let i = 0; i < 50 && this.capacityOf(fn).length < count; i++) await sleep(100);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.file.end(() => resolve()));
  }

  private problem(source: 'function' | 'runtime', line: string): void {
    this.problemLines.push(line);
    if (this.problemLines.length <= 20) this.echo(`${source}: ${line.slice(0, 400)}`);
  }
}
