// `npm run soak`: what the soak watches (the memory of each process) and how it reports it.
import { displayName, type LocalRuntime } from '../../local/runtime.ts';
import { mib, rssOfPid } from './memory.ts';
import { fmt, sum } from '../lib/numbers.ts';
import type { WindowFigures } from './load.ts';

/** Memory of each process at one moment, MiB. */
export interface MemorySample {
  atS: number;
  /** This process: the API server, fauxqs, the poller, the load, and every function's worker thread. */
  mainRss: number;
  mainHeap: number;
  /** V8 heap in use per function (its worker threads; they share mainRss). */
  functionHeaps: Record<string, number>;
  /** DynamoDB Local's JVM. */
  javaRss: number;
}

export async function sampleMemory(rt: LocalRuntime, atS: number): Promise<MemorySample> {
  const functionHeaps: Record<string, number> = {};
  for (const [id, host] of Object.entries(rt.hosts)) functionHeaps[displayName(id)] = mib(sum(await host.heapUsed()));
  const usage = process.memoryUsage();
  return { atS, mainRss: mib(usage.rss), mainHeap: mib(usage.heapUsed), functionHeaps, javaRss: mib(rssOfPid(rt.dynamodb.pid)) };
}

export const windowLine = (w: WindowFigures, memory: MemorySample | undefined): string =>
  `${`${fmt(w.fromS, 0)}-${fmt(w.toS, 0)} s`.padEnd(11)} ${String(w.requests).padStart(6)} ${String(w.events).padStart(7)} ${String(w.failures).padStart(5)} ` +
  `${fmt(w.p50Ms, 1).padStart(7)} ${fmt(w.p99Ms, 1).padStart(7)} ${fmt(w.maxMs, 1).padStart(8)}` +
  (memory ? ` ${fmt(memory.mainRss, 0).padStart(8)} ${fmt(memory.mainHeap, 0).padStart(6)} ${fmt(memory.javaRss, 0).padStart(8)}` : '');
export const WINDOW_HEADER = 'window       reqs   events  fail  p50 ms  p99 ms   max ms  main MiB  heap  java MiB';

