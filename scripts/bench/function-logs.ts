// What the local runtime and the functions print during a bench run: every line goes to
// .local/bench/runtime.log; the lines carrying a `capacity` object (the processor's one per
// batch, the stats function's one per request) are kept by function logical id; errors and
// warnings are kept and the first 20 echoed.
import { createWriteStream } from 'node:fs';
import { sleep } from './numbers.ts';

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
  capacity: Record<string, number>;
  ms: number;
  date: string | null;
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
    const m = /^\[([A-Za-z0-9]+)\] (\{.*\})\s*$/.exec(line);
    if (m) {
      try {
        const json = JSON.parse(m[2]!) as Record<string, unknown>;
        if (json.capacity && typeof json.capacity === 'object') {
          this.capacityLines.push({ fn: m[1]!, json });
          return;
        }
        if (json.level === 'error' || json.level === 'warn') this.problem('function', line);
      } catch {
        // not JSON after all
      }
      return;
    }
    if (/\bERROR\b|failed|error/i.test(line)) this.problem('runtime', line);
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
