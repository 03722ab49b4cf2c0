import { describe, expect, it } from 'vitest';
import { readLogLine } from '../../bench/run/function-logs.ts';

const batchLine = {
  level: 'INFO',
  message: 'batch processed',
  timestamp: '2026-12-01T17:06:18.993Z',
  service: 'processor',
  function_request_id: '5108076e-2753-4d6b-bbfa-a54f5e7df7b5',
  records: 2,
  counted: 1,
  duplicates: 0,
  invalid: 1,
  failed: 1,
  units: 1,
  capacity: { PutItem: 3, TransactWriteItems: 4 },
  ms: 131,
};

describe('readLogLine', () => {
  it("keeps a function's line with a capacity object, by logical id", () => {
    // Act & Assess
    expect(readLogLine(`[ProcessorFunctionA1B2] ${JSON.stringify(batchLine)}`)).toEqual({ kind: 'capacity', fn: 'ProcessorFunctionA1B2', json: batchLine });
  });

  it.each(['WARN', 'ERROR', 'CRITICAL', 'error', 'warn'])('counts a function line of level %s as a problem', (level) => {
    // Act & Assess
    expect(readLogLine(`[IngestFunction] {"level":"${level}","message":"queue send failed"}`)).toEqual({ kind: 'problem', source: 'function' });
  });

  it.each([
    ['an INFO line without capacity', '[IngestFunction] {"level":"INFO","message":"event dropped","reason":"bot"}'],
    ['a metrics line as the runtime shows it', '[ProcessorFunction] metrics EventsCounted=3000 InvalidMessages=0 service=processor'],
    [
      'raw EMF',
      '[ProcessorFunction] {"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[["service"]],"Metrics":[{"Name":"InvalidMessages","Unit":"Count"}]}]},"service":"processor","InvalidMessages":0}',
    ],
  ])('passes over %s', (_name, line) => {
    // Act & Assess
    expect(readLogLine(line)).toEqual({ kind: 'other' });
  });

  it("counts the runtime's own error lines as problems", () => {
    // Act & Assess
    expect(readLogLine('[ProcessorFunction] ERROR 1f2e Sandbox.Timedout: Task timed out after 60.00 seconds')).toEqual({
      kind: 'problem',
      source: 'runtime',
    });
    expect(readLogLine('poller: receive failed')).toEqual({ kind: 'problem', source: 'runtime' });
  });
});
