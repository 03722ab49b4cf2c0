// `npm run soak`: resident memory of processes, read from /proc (Linux).
import { readFileSync } from 'node:fs';

/** The VmRSS line of a /proc/<pid>/status text, in bytes; undefined without one. */
export function vmRssBytes(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** Resident memory of a process, bytes; undefined when it is gone or /proc cannot be read. */
export function rssOfPid(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return vmRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

export const mib = (bytes: number | undefined): number => (bytes === undefined ? NaN : bytes / 1024 / 1024);
