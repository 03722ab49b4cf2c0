// What a run writes to CloudWatch Logs per event, and its price. The functions' own lines are
// counted as they printed them (FunctionHost.printed); Lambda's platform lines, which the local
// runtime does not write, are added per invocation for functions that keep them (system log
// level INFO), sized from the lines Lambda writes in JSON log format.
import { PRICES } from '../lib/prices.ts';

/** Lambda's system log lines per invocation at INFO in JSON log format (a warm start; values typical). */
export const PLATFORM_LINES_JSON = [
  '{"time":"2026-12-01T12:00:00.000Z","type":"platform.start","record":{"requestId":"6f1c7a5e-3c1b-4f43-a4d5-0b8f0f5b8f4e","version":"$LATEST"}}',
  '{"time":"2026-12-01T12:00:00.012Z","type":"platform.report","record":{"requestId":"6f1c7a5e-3c1b-4f43-a4d5-0b8f0f5b8f4e","metrics":{"durationMs":11.52,"billedDurationMs":12,"memorySizeMB":128,"maxMemoryUsedMB":86},"status":"success"}}',
];

/** The lines and bytes one function wrote during the run, and whether Lambda adds its own. */
export interface FunctionLogUse {
  printed: { lines: number; bytes: number };
  invocations: number;
  /** System log level INFO: START and REPORT lines for every invocation. */
  platformLines: boolean;
}

/** Billed bytes of `lines` log events of `bytes` in all: CloudWatch Logs adds 26 bytes to each. */
export function billedLogBytes(lines: number, bytes: number): number {
  return bytes + lines * PRICES.cloudwatchLogs.eventOverheadBytes;
}

/** Billed CloudWatch Logs bytes per event: the functions' own lines and Lambda's platform lines. */
export function logBytesPerEvent(functions: readonly FunctionLogUse[], events: number): { application: number; platform: number; total: number } {
  const platformPerInvocation = billedLogBytes(
    PLATFORM_LINES_JSON.length,
    PLATFORM_LINES_JSON.reduce((sum, line) => sum + Buffer.byteLength(line), 0),
  );
  let application = 0;
  let platform = 0;
  for (const fn of functions) {
    application += billedLogBytes(fn.printed.lines, fn.printed.bytes);
    if (fn.platformLines) platform += fn.invocations * platformPerInvocation;
  }
  return { application: application / events, platform: platform / events, total: (application + platform) / events };
}

/** US dollars per million events for `bytesPerEvent` of CloudWatch Logs ingestion. */
export function logsUsdPerMillion(bytesPerEvent: number): number {
  return ((bytesPerEvent * 1_000_000) / 1024 ** 3) * PRICES.cloudwatchLogs.perGbIngested;
}
