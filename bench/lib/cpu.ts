// CPU time per thread of this process and per other process, from /proc (Linux). Used to show
// how the machine's cores were shared between the load generator, the API server, the
// functions, the emulators and the proxies. Elsewhere the readers return empty results.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface CpuSample {
  /** ms of user + system CPU. */
  ms: number;
  /** ms of user + system CPU of its children that exited and were waited for. */
  childrenMs: number;
  name: string;
}

function parseStat(text: string): CpuSample | undefined {
  // pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17): comm may contain spaces and parentheses.
  const close = text.lastIndexOf(')');
  const name = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ').map(Number);
  const [utime, stime, cutime, cstime] = [fields[11], fields[12], fields[13], fields[14]];
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  const ms = (ticks: number | undefined) => ((ticks ?? 0) * 1000) / TICKS_PER_SECOND;
  return { name, ms: ms(utime! + stime!), childrenMs: ms((cutime ?? 0) + (cstime ?? 0)) };
}

/** CPU per thread of this process, by thread id. */
export function threadCpu(): Map<number, CpuSample> {
  const out = new Map<number, CpuSample>();
  if (!existsSync('/proc/self/task')) return out;
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = parseStat(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'));
      if (stat) out.set(Number(tid), stat);
    } catch {
      // the thread ended
    }
  }
  return out;
}

/** CPU of a whole process (all its threads), or undefined when it is gone. */
export function processCpu(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.ms;
  } catch {
    return undefined;
  }
}

/** Thread ids that exist now and did not in `before`. */
export function newThreads(before: Map<number, CpuSample>): number[] {
  return [...threadCpu().keys()].filter((tid) => !before.has(tid));
}

/** The whole machine's CPU time by kind (all cores), ms, from /proc/stat. */
export interface MachineCpu {
  /** user + nice + system: time spent running processes. */
  processes: number;
  /** Hardware and software interrupts (e.g. loopback networking), when the kernel accounts them apart. */
  interrupts: number;
  /** Time the hypervisor gave this virtual machine's CPUs to someone else. */
  steal: number;
}

export function machineCpu(): MachineCpu | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, ...values] = line.trim().split(/\s+/);
    const t = values.map((v) => (Number(v) * 1000) / TICKS_PER_SECOND);
    // user nice system idle iowait irq softirq steal
    return { processes: (t[0] ?? 0) + (t[1] ?? 0) + (t[2] ?? 0), interrupts: (t[5] ?? 0) + (t[6] ?? 0), steal: t[7] ?? 0 };
  } catch {
    return undefined;
  }
}

/** CPU of every process on the machine, by pid (name and ms of user + system). */
export function allProcessesCpu(): Map<number, CpuSample> {
  const out = new Map<number, CpuSample>();
  if (!existsSync('/proc')) return out;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (stat) out.set(Number(entry), stat);
    } catch {
      // gone
    }
  }
  return out;
}
