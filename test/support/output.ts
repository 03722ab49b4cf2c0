import { vi } from 'vitest';
import { parseEmf, type EmfMetricSet } from '../../local/emf.ts';

/** The JSON object a line holds, or undefined for any other line. */
const jsonObject = (line: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

export interface CapturedOutput {
  /** The JSON log lines written so far (EMF lines left out). */
  logs: () => Array<Record<string, unknown>>;
  /** The EMF metric sets written so far. */
  metrics: () => EmfMetricSet[];
  /** Every value written so far for a metric, across all EMF lines. */
  valuesOf: (name: string) => number[];
  restore: () => void;
}

/**
 * Captures what the functions write to stdout and stderr, where their logger and metrics
 * write (not through the global console), and keeps it out of the test output.
 */
export function captureOutput(): CapturedOutput {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array): boolean => {
    lines.push(...(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')).split('\n').filter((line) => line.trim() !== ''));
    return true;
  };
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
  const metrics = () => lines.flatMap((line) => parseEmf(line) ?? []);
  return {
    logs: () =>
      lines
        .filter((line) => !parseEmf(line))
        .map(jsonObject)
        .filter((log) => log !== undefined),
    metrics,
    valuesOf: (name) => metrics().flatMap((set) => set.metrics.filter((m) => m.name === name).flatMap((m) => m.values)),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

/** Keeps what the functions write out of the test output (until the returned function is called). */
export function silenceOutput(): () => void {
  const spies = [vi.spyOn(process.stdout, 'write').mockReturnValue(true), vi.spyOn(process.stderr, 'write').mockReturnValue(true)];
  return () => spies.forEach((spy) => spy.mockRestore());
}
