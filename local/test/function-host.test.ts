import type { FunctionModel } from '../template.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { FunctionHost, type InvokeResult } from '../function-host.ts';
import { lambdaEnvironment } from '../lambda-environment.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { standInFunction } from './fixtures/functions.ts';

const hosts: FunctionHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.stop()));
});

function host(
  module: string,
  opts: { timeoutSeconds?: number; variables?: Record<string, string>; lines?: string[]; logging?: FunctionModel['logging'] } = {},
): FunctionHost {
  const fn = standInFunction(module, { timeoutSeconds: opts.timeoutSeconds ?? 3, ...(opts.logging ? { logging: opts.logging } : {}) });
  const h = new FunctionHost({
    fn,
    functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${fn.name}`,
    environment: lambdaEnvironment({
      fn,
      variables: opts.variables ?? {},
      region: 'us-east-1',
      dynamodbEndpoint: 'http://127.0.0.1:1',
      sqsEndpoint: 'http://127.0.0.1:2',
    }),
    moduleFallbackDir: PROJECT_ROOT,
    log: (line) => opts.lines?.push(line),
  });
  hosts.push(h);
  return h;
}

const payload = (result: InvokeResult): any => {
  if (!result.ok) throw new Error(`invocation failed: ${result.error.errorType}: ${result.error.errorMessage}`);
  return result.payload;
};

describe('FunctionHost', () => {
  it('gives each function its own environment with the Lambda variables', async () => {
    const a = host('probe', { variables: { TABLE_NAME: 'table-a', ONLY_A: '1' } });
    const b = host('probe', { variables: { TABLE_NAME: 'table-b', AWS_REGION: 'eu-west-1' } });
    const [envA, envB] = await Promise.all([a.invoke({ action: 'env' }), b.invoke({ action: 'env' })]).then((r) => r.map((x) => payload(x).env));
    expect(envA.TABLE_NAME).toBe('table-a');
    expect(envA.ONLY_A).toBe('1');
    expect(envB.TABLE_NAME).toBe('table-b');
    expect(envB.ONLY_A).toBeUndefined();
    // reserved variables win over the template's, as on Lambda
    expect(envB.AWS_REGION).toBe('us-east-1');
    expect(envA).toMatchObject({
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1',
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:2',
      AWS_LAMBDA_FUNCTION_NAME: 'local-probe',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_LAMBDA_FUNCTION_TIMEOUT: '3',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    });
    // nothing leaks in from the parent process (e.g. real credentials or npm settings)
    expect(Object.keys(envA).filter((k) => k === 'HOME' || k === 'AWS_PROFILE' || k === 'INIT_CWD')).toEqual([]);
  });

  it('sets the log format and level Lambda derives from LoggingConfig', async () => {
    // Prepare
    const text = host('probe');
    const json = host('probe', { logging: { format: 'JSON', applicationLogLevel: 'DEBUG' } });

    // Act
    const [envText, envJson] = await Promise.all([text.invoke({ action: 'env' }), json.invoke({ action: 'env' })]).then((r) => r.map((x) => payload(x).env));

    // Assess
    expect(envText.AWS_LAMBDA_LOG_FORMAT).toBe('Text');
    expect(envText.AWS_LAMBDA_LOG_LEVEL).toBeUndefined();
    expect(envJson).toMatchObject({ AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'DEBUG' });
  });

  it('passes a Lambda-like context', async () => {
    const h = host('probe', { timeoutSeconds: 5 });
    const result = await h.invoke({ action: 'context' });
    const context = payload(result);
    expect(context).toMatchObject({
      awsRequestId: result.requestId,
      functionName: 'local-probe',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:local-probe',
      memoryLimitInMB: '128',
      logGroupName: '/aws/lambda/local-probe',
    });
    expect(context.remaining).toBeGreaterThan(4_000);
    expect(context.remaining).toBeLessThanOrEqual(5_000);
  });

  it('runs several invocations at once in one sandbox, with JSON results like Lambda', async () => {
    const h = host('probe');
    const results = await Promise.all(Array.from({ length: 5 }, () => h.invoke({ action: 'sleep', ms: 200 })));
    const bodies = results.map(payload);
    expect(Math.max(...bodies.map((b) => b.inFlightSeen))).toBeGreaterThan(1);
    expect(new Set(bodies.map((b) => b.coldStartAt)).size).toBe(1);
    expect(h.stats.coldStarts).toBe(1);
    expect(payload(await h.invoke({ action: 'undefined' }))).toBeNull();
    expect(payload(await h.invoke({ action: 'date' }))).toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });

  it('turns a thrown error into an error result and logs it', async () => {
    const lines: string[] = [];
    const h = host('probe', { lines });
    const result = await h.invoke({ action: 'throw', message: 'bad input' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
    expect(result.timedOut).toBe(false);
    expect(lines.some((l) => l.includes('TypeError: bad input') && l.includes(result.requestId))).toBe(true);
    // the sandbox survives a thrown error
    expect((await h.invoke({ action: 'echo' })).ok).toBe(true);
    expect(h.stats.coldStarts).toBe(1);
  });

  it('enforces the timeout and replaces the sandbox, so a late result never counts', async () => {
    const lines: string[] = [];
    const h = host('probe', { timeoutSeconds: 1, lines });
    const started = Date.now();
    // The handler would sleep 5 s: answering well before that shows the timeout ended it (a
    // loaded machine can add a second to the sandbox's start).
    const result = await h.invoke({ action: 'sleep', ms: 5_000 });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.timedOut).toBe(true);
    expect(result.error.errorMessage).toBe('Task timed out after 1.00 seconds');
    const next = await h.invoke({ action: 'echo' });
    expect(next.ok).toBe(true);
    expect(h.stats.coldStarts).toBe(2);
  });

  it('reports an import/handler problem on every invocation and retries the init', async () => {
    const lines: string[] = [];
    const h = host('no-handler', { lines });
    const first = await h.invoke({});
    const second = await h.invoke({});
    for (const result of [first, second]) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.errorType).toBe('Runtime.HandlerNotFound');
    }
    expect(h.stats.coldStarts).toBe(2);
  });

  it('fails the invocations of a sandbox that crashes and starts a new one', async () => {
    const h = host('probe', { lines: [] });
    const crashed = await h.invoke({ action: 'reject-later' });
    expect(crashed.ok).toBe(false);
    if (!crashed.ok) expect(crashed.error.errorType).toBe('Runtime.ExitError');
    expect((await h.invoke({ action: 'echo' })).ok).toBe(true);
  });

  it('forwards console output line by line, prefixed with the function', async () => {
    const lines: string[] = [];
    const h = host('probe', { lines });
    await h.invoke({ action: 'log' });
    await expect.poll(() => lines.find((l) => l.includes('hello from local-probe'))).toMatch(/^\[probeFunction\] /);
  });

  it('shows a metrics line (embedded metric format) as one readable line', async () => {
    const lines: string[] = [];
    const h = host('probe', { lines });
    await h.invoke({ action: 'metrics' });
    await expect.poll(() => lines.find((l) => l.includes('Probes'))).toBe('[probeFunction] metrics Probes=2 service=probe');
  });

  it('reports the V8 heap of its live worker thread, and none before the first start or once stopped', async () => {
    const h = host('probe');
    expect(await h.heapUsed()).toEqual([]);
    payload(await h.invoke({ action: 'env' }));
    const heaps = await h.heapUsed();
    expect(heaps).toHaveLength(1);
    expect(heaps[0]).toBeGreaterThan(1024 * 1024);
    await h.stop();
    expect(await h.heapUsed()).toEqual([]);
  });
});
