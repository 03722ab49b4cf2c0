import { describe, expect, it } from 'vitest';
import { billedLogBytes, logBytesPerEvent, logsUsdPerMillion, PLATFORM_LINES_JSON } from '../../bench/run/log-bytes.ts';

describe('CloudWatch Logs bytes of a bench run', () => {
  it('bills 26 bytes of metadata with every log event', () => {
    // Act & Assess
    expect(billedLogBytes(3, 600)).toBe(678);
  });

  it("adds Lambda's START and REPORT lines only to functions that keep them", () => {
    // Prepare
    const platform = billedLogBytes(PLATFORM_LINES_JSON.length, PLATFORM_LINES_JSON.reduce((n, line) => n + Buffer.byteLength(line), 0));
    const ingest = { printed: { lines: 1000, bytes: 200_000 }, invocations: 1000, platformLines: false };
    const processor = { printed: { lines: 2, bytes: 1_000 }, invocations: 2, platformLines: true };

    // Act
    const perEvent = logBytesPerEvent([ingest, processor], 1000);

    // Assess
    expect(perEvent.application).toBeCloseTo((200_000 + 26_000 + 1_000 + 52) / 1000, 6);
    expect(perEvent.platform).toBeCloseTo((2 * platform) / 1000, 6);
    expect(perEvent.total).toBeCloseTo(perEvent.application + perEvent.platform, 6);
  });

  it('prices a GiB per million events at $0.50', () => {
    // Act & Assess
    expect(logsUsdPerMillion(1024 ** 3 / 1_000_000)).toBeCloseTo(0.5, 9);
  });
});
