import { describe, expect, it } from 'vitest';
import { formatEmf, parseEmf, readableOutput } from '../emf.ts';

/** An EMF line as Powertools' Metrics writes it for the processor. */
const processorLine = JSON.stringify({
  _aws: {
    Timestamp: 1_796_144_162_398,
    CloudWatchMetrics: [
      {
        Namespace: 'BeaconAnalytics/AnalyticsStack',
        Dimensions: [['service']],
        Metrics: [
          { Name: 'EventsCounted', Unit: 'Count' },
          { Name: 'ProcessingLag', Unit: 'Milliseconds' },
        ],
      },
    ],
  },
  service: 'processor',
  EventsCounted: 3000,
  ProcessingLag: [412, 97],
});

describe('parseEmf', () => {
  it('reads the namespace, dimensions and every value of each metric', () => {
    // Act
    const sets = parseEmf(processorLine);

    // Assess
    expect(sets).toEqual([
      {
        namespace: 'BeaconAnalytics/AnalyticsStack',
        dimensions: { service: 'processor' },
        metrics: [
          { name: 'EventsCounted', unit: 'Count', values: [3000] },
          { name: 'ProcessingLag', unit: 'Milliseconds', values: [412, 97] },
        ],
      },
    ]);
  });

  it.each([
    ['a log line', '{"level":"INFO","message":"batch processed","records":3}'],
    ['plain text', 'hello from local-probe'],
    ['JSON that only mentions "_aws"', '{"message":"the \\"_aws\\" key"}'],
    ['broken JSON', '{"_aws":{"CloudWatchMetrics":['],
    ['an _aws object without metrics', '{"_aws":{"Timestamp":1}}'],
  ])('is undefined for %s', (_name, line) => {
    // Act & Assess
    expect(parseEmf(line)).toBeUndefined();
  });
});

describe('formatEmf', () => {
  it('writes one line of name=value pairs, units as suffixes, then the dimensions', () => {
    // Act & Assess
    expect(formatEmf(parseEmf(processorLine)!)).toBe('metrics EventsCounted=3000 ProcessingLag=[412,97]ms service=processor');
  });

  it('shows every dimension of a metric that has more than the service', () => {
    // Prepare
    const line = JSON.stringify({
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['service', 'reason']], Metrics: [{ Name: 'EventsDropped', Unit: 'Count' }] }],
      },
      service: 'ingest',
      reason: 'bot',
      EventsDropped: 2,
    });

    // Act & Assess
    expect(readableOutput(line)).toBe('metrics EventsDropped=2 service=ingest reason=bot');
  });
});

describe('readableOutput', () => {
  it('leaves lines that are not metrics as they were printed', () => {
    // Prepare
    const line = '{"level":"INFO","message":"event dropped","reason":"bot"}';

    // Act & Assess
    expect(readableOutput(line)).toBe(line);
  });
});
