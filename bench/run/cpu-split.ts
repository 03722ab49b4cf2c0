// How the bench's run shared the machine's two cores: CPU per thread of this process (the API
// server, the load generator, the proxies, each function), DynamoDB Local's JVM and the rest of
// the machine, between two snapshots.
import { allProcessesCpu, machineCpu, processCpu, threadCpu, type CpuSample, type MachineCpu } from '../lib/cpu.ts';
import { fmt, sum } from '../lib/numbers.ts';

export interface CpuSnapshot {
  threads: Map<number, CpuSample>;
  java?: number;
  process: NodeJS.CpuUsage;
  machine?: MachineCpu;
  processes: Map<number, CpuSample>;
  at: number;
}

export function cpuSnapshot(javaPid: number | undefined): CpuSnapshot {
  return {
    processes: allProcessesCpu(),
    threads: threadCpu(),
    java: processCpu(javaPid),
    process: process.cpuUsage(),
    machine: machineCpu(),
    at: Date.now(),
  };
}

export interface CpuSplit {
  windowMs: number;
  rows: Array<{ label: string; ms: number; share: number }>;
  totalShare: number;
  otherProcessesMs: number;
  otherProcessesShare: number;
  otherProcesses: Array<{ name: string; ms: number }>;
  interruptsMs: number;
  stealMs: number;
}

/** The rows' CPU summed, leaving out what could not be measured (NaN). */
const measuredMs = (rows: CpuSplit['rows']): number => sum(rows.map((r) => (Number.isFinite(r.ms) ? r.ms : 0)));

/** The label of a function's row in a split. */
export const functionRowLabel = (name: string): string => `function ${name} (worker)`;

/**
 * CPU between two snapshots, by what used it. `functions`: each function's display name and its
 * host's thread ids; `loadGeneratorMs`: the load worker's own figure (its thread may be gone).
 */
export function cpuSplit(
  a: CpuSnapshot,
  b: CpuSnapshot,
  opts: { functions: Array<{ name: string; threadIds: number[] }>; loadGeneratorMs: number; javaPid: number | undefined },
): CpuSplit {
  const windowMs = b.at - a.at;
  const delta = (tid: number): number => (b.threads.get(tid)?.ms ?? 0) - (a.threads.get(tid)?.ms ?? 0);
  const rows: CpuSplit['rows'] = [];
  const claimed = new Set<number>();
  const claim = (label: string, tids: number[], ms?: number): void => {
    tids.forEach((t) => claimed.add(t));
    const value = ms ?? sum(tids.map(delta));
    rows.push({ label, ms: value, share: value / (windowMs * 2) });
  };
  const named = (name: string): number[] => [...new Set([...a.threads, ...b.threads].filter(([, s]) => s.name === name).map(([t]) => t))];
  claim('main thread: API server, fauxqs, SQS poller', [process.pid]);
  claim('load generator (worker)', named('bench-load'), opts.loadGeneratorMs);
  claim('counting proxies (worker)', named('bench-wire'));
  for (const fn of opts.functions) claim(functionRowLabel(fn.name), fn.threadIds);
  claim('other threads of the Node process (GC, libuv, compiler)', [...b.threads.keys()].filter((t) => !claimed.has(t)));
  claim('DynamoDB Local (java process)', [], a.java !== undefined && b.java !== undefined ? b.java - a.java : NaN);
  // CPU the rest of the machine used meanwhile (other processes): the machine's busy time minus
  // this process and DynamoDB Local.
  const ours = (b.process.user + b.process.system - a.process.user - a.process.system) / 1000 + (b.java ?? 0) - (a.java ?? 0);
  const otherMs = a.machine && b.machine ? Math.max(0, b.machine.processes - a.machine.processes - ours) : NaN;
  const interruptsMs = a.machine && b.machine ? b.machine.interrupts - a.machine.interrupts : NaN;
  const stealMs = a.machine && b.machine ? b.machine.steal - a.machine.steal : NaN;
  // The busiest other processes, by name (to tell other work on the machine from this run's own helpers).
  const others = new Map<string, number>();
  for (const [pid, after] of b.processes) {
    if (pid === process.pid || pid === opts.javaPid) continue;
    const before = a.processes.get(pid);
    // Its own CPU and that of its children that ended meanwhile (short-lived commands).
    const ms = after.ms - (before?.ms ?? 0) + after.childrenMs - (before?.childrenMs ?? 0);
    if (ms > 0) others.set(after.name, (others.get(after.name) ?? 0) + ms);
  }
  return {
    windowMs,
    rows: rows.sort((x, y) => y.ms - x.ms),
    totalShare: measuredMs(rows) / (windowMs * 2),
    otherProcessesMs: otherMs,
    otherProcessesShare: otherMs / (windowMs * 2),
    otherProcesses: [...others].sort((x, y) => y[1] - x[1]).slice(0, 6).map(([name, ms]) => ({ name, ms })),
    interruptsMs,
    stealMs,
  };
}

/** CPU of everything measured in a split, per event. */
export const cpuMsPerEvent = (cpu: CpuSplit, events: number): number => measuredMs(cpu.rows) / events;

/** The split as report lines. */
export function cpuSplitLines(title: string, cpu: CpuSplit, events: number): string[] {
  const row = (label: string, ms: number) => `  ${label.padEnd(58)} ${fmt(ms / 1000, 1).padStart(6)} s  ${fmt((100 * ms) / (cpu.windowMs * 2), 1).padStart(5)}%`;
  const lines = [
    `CPU ${title} (${fmt(cpu.windowMs / 1000, 1)} s x 2 cores, ${fmt(100 * cpu.totalShare, 0)}% used, ${fmt(cpuMsPerEvent(cpu, events), 2)} ms of CPU per event):`,
    ...cpu.rows.map((r) => row(r.label, r.ms)),
    row('(other processes on the machine)', cpu.otherProcessesMs),
    row('(interrupts, e.g. loopback networking)', cpu.interruptsMs),
    row('(steal: CPU the hypervisor gave to other machines)', cpu.stealMs),
  ];
  if (cpu.otherProcessesShare > 0.05 && cpu.otherProcesses.length) {
    lines.push(`    busiest other processes (CPU in the window, plus the whole CPU of children that ended in it): ${cpu.otherProcesses.map((p) => `${p.name} ${fmt(p.ms / 1000, 1)} s`).join(', ')}`);
  }
  return lines;
}
