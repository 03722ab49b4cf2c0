// A function host that times every invocation and knows its worker threads, for the benchmark.
import { performance } from 'node:perf_hooks';
import { FunctionHost, type FunctionHostOptions, type InvokeResult } from '../../local/function-host.ts';
import { newThreads, threadCpu } from '../lib/cpu.ts';

/** Hosts start one at a time, so the threads that appear during a start are that host's. */
let starting: Promise<unknown> = Promise.resolve();

export class MeteredHost extends FunctionHost {
  /** Wall time of each invocation, ms, in completion order. */
  readonly durations: number[] = [];
  /** Invocations that returned an error. */
  failures = 0;
  /** OS thread ids of this host's worker threads (for CPU accounting). */
  readonly threadIds: number[] = [];
  readonly memorySizeMb: number;

  constructor(opts: FunctionHostOptions) {
    super(opts);
    this.memorySizeMb = opts.fn.memorySizeMb;
  }

  override start(): ReturnType<FunctionHost['start']> {
    const started = starting.then(async () => {
      const before = threadCpu();
      const result = await super.start();
      this.threadIds.push(...newThreads(before));
      return result;
    });
    starting = started.catch(() => undefined);
    return started;
  }

  override async invoke(event: unknown, opts: { timeoutMs?: number } = {}): Promise<InvokeResult> {
    const began = performance.now();
    const result = await super.invoke(event, opts);
    this.durations.push(performance.now() - began);
    if (!result.ok) this.failures++;
    return result;
  }
}
