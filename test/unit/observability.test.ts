// The functions' logger and metrics (log-lines.ts, emf-metrics.ts) write the lines Powertools for
// AWS Lambda writes: each case runs the same calls on both, with the same environment, and
// compares what each wrote to stdout and stderr, timestamps aside.
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics as PowertoolsMetrics, MetricUnit as PowertoolsUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Metrics } from '../../functions/commons/emf-metrics.ts';
import { Logger } from '../../functions/commons/log-lines.ts';
import { lambdaContext } from '../support/events.ts';

interface Written {
  stream: 'stdout' | 'stderr';
  line: string;
}

/** What `act` writes to stdout and stderr, line by line, timestamps replaced. */
function written(act: () => void): Written[] {
  const lines: Written[] = [];
  const capture = (stream: Written['stream']) => (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) {
      lines.push({ stream, line: line.replace(/"timestamp":"[^"]+"/, '"timestamp":"T"').replace(/"Timestamp":\d+/, '"Timestamp":0') });
    }
    return true;
  };
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture('stdout')), vi.spyOn(process.stderr, 'write').mockImplementation(capture('stderr'))];
  try {
    act();
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
  return lines;
}

afterEach(() => vi.unstubAllEnvs());

const ENVIRONMENTS = {
  'the stack environment': { POWERTOOLS_SERVICE_NAME: 'ingest', POWERTOOLS_METRICS_NAMESPACE: 'BeaconAnalytics/Test', POWERTOOLS_LOG_LEVEL: 'INFO', AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' },
  "Lambda's log level (DEBUG) and a trace id": {
    POWERTOOLS_SERVICE_NAME: 'stats',
    POWERTOOLS_METRICS_NAMESPACE: 'N',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    AWS_LAMBDA_LOG_LEVEL: 'DEBUG',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
  },
  'nothing set': { POWERTOOLS_SERVICE_NAME: '', POWERTOOLS_METRICS_NAMESPACE: '', POWERTOOLS_LOG_LEVEL: '', AWS_LAMBDA_INITIALIZATION_TYPE: '' },
  'provisioned concurrency, ERROR and above': { POWERTOOLS_LOG_LEVEL: 'ERROR', AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency' },
};

const stubEnv = (env: Record<string, string>) => {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
};

// Made once, so that both loggers get the same stack.
const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const failure = Object.assign(new Error('The event queue is unavailable', { cause }), { name: 'QueueDoesNotExist', statusCode: 400 });
const circular: Record<string, unknown> = { id: 1 };
circular.self = circular;

/** The calls the functions make, and some they could. */
function logCalls(logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'> & { addContext(context: Context): void }): void {
  logger.info('at cold start', { table: 'Sites', count: 3, nested: { list: [1, 'b', null], empty: '' }, nothing: null, blank: '', missing: undefined });
  logger.addContext({ ...lambdaContext('ingest'), awsRequestId: 'first' });
  logger.debug('debug line', { detail: 1 });
  logger.info('event dropped', { reason: 'bot', site_id: 's', event_type: 'page_view', event_id: 'e', bot: 'Googlebot' });
  logger.warn('slow', { ms: 1234.5, big: 2n ** 70n, when: new Date(0) });
  logger.error('queue send failed', failure);
  logger.error('with a reserved key', { level: 'x', message: 'y', kept: true });
  logger.info('circular', { circular }, 'and a string');
  logger.addContext({ ...lambdaContext('ingest'), awsRequestId: 'second' });
  logger.info('second invocation', undefined, null);
}

describe('the logger', () => {
  it.each(Object.entries(ENVIRONMENTS))('writes what Powertools writes, with %s', (_name, env) => {
    // Prepare
    stubEnv(env);

    // Act
    const theirs = written(() => logCalls(new PowertoolsLogger()));
    const ours = written(() => logCalls(new Logger()));

    // Assess
    expect(ours).toEqual(theirs);
    expect(theirs.length).toBeGreaterThan(0);
  });
});

/** The metrics calls the functions make. */
function metricCalls(make: () => { addMetric(...args: never[]): unknown; singleMetric(): unknown; hasStoredMetrics(): boolean; publishStoredMetrics(): unknown }): void {
  const m = make() as unknown as PowertoolsMetrics;
  m.addMetric('EventsCounted', PowertoolsUnit.Count, 3);
  m.addMetric('ProcessingLag', PowertoolsUnit.Milliseconds, 120);
  m.addMetric('ProcessingLag', PowertoolsUnit.Milliseconds, 80);
  m.addMetric('ProcessingLag', PowertoolsUnit.Milliseconds, 0);
  m.publishStoredMetrics();
  const single = m.singleMetric();
  single.addDimension('reason', 'bot');
  single.addMetric('EventsDropped', PowertoolsUnit.Count, 2);
  m.addMetric('EventsAccepted', PowertoolsUnit.Count, 1);
  for (let i = 0; i < 150; i++) m.addMetric(`Metric${i}`, PowertoolsUnit.Count, i);
  if (m.hasStoredMetrics()) m.publishStoredMetrics();
  for (let i = 0; i < 101; i++) m.addMetric('Repeated', PowertoolsUnit.Count, i);
  m.publishStoredMetrics();
}

describe('the metrics', () => {
  it.each(Object.entries(ENVIRONMENTS))('write the EMF lines Powertools writes, with %s', (_name, env) => {
    // Prepare
    stubEnv(env);

    // Act
    const theirs = written(() => metricCalls(() => new PowertoolsMetrics()));
    const ours = written(() => metricCalls(() => new Metrics() as never));

    // Assess
    expect(ours).toEqual(theirs);
    expect(theirs.length).toBeGreaterThan(3);
  });
});
