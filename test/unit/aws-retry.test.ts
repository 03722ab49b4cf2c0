// The SDK's standard retry mode as aws-retry.ts restates it: what is retried, the backoff, the quota.
import { describe, expect, it } from 'vitest';
import { backoffMs, failureType, RetryQuota } from '../../functions/commons/aws-retry.ts';

describe('failureType', () => {
  it.each([
    [{ kind: 'response', status: 400, code: 'ThrottlingException' }, 'throttling'],
    [{ kind: 'response', status: 400, code: 'RequestThrottled' }, 'throttling'],
    [{ kind: 'response', status: 429, code: 'Http429' }, 'throttling'],
    [{ kind: 'response', status: 500, code: 'InternalError' }, 'transient'],
    [{ kind: 'response', status: 503, code: 'ServiceUnavailable' }, 'transient'],
    [{ kind: 'response', status: 400, code: 'RequestTimeout' }, 'transient'],
    [{ kind: 'response', status: 501, code: 'NotImplemented' }, 'final'],
    [{ kind: 'response', status: 400, code: 'QueueDoesNotExist' }, 'final'],
    [{ kind: 'response', status: 403, code: 'AccessDenied' }, 'final'],
    [{ kind: 'network', code: 'ECONNRESET' }, 'transient'],
    [{ kind: 'network', code: 'EAI_AGAIN' }, 'transient'],
    [{ kind: 'network', code: 'TimeoutError' }, 'transient'],
    [{ kind: 'network', code: 'ERR_INVALID_URL' }, 'final'],
    [{ kind: 'network', code: undefined }, 'final'],
  ] as const)('%o is %s', (failure, type) => {
    // Act & Assess
    expect(failureType(failure)).toBe(type);
  });
});

describe('backoffMs', () => {
  it('draws up to base x 2^retry, base 50 ms (1 s after a throttle), capped at 20 s', () => {
    // Act & Assess
    expect([0, 1, 2].map((retry) => backoffMs('transient', retry, undefined, 0.999))).toEqual([49, 99, 199]);
    expect(backoffMs('throttling', 1, undefined, 0.5)).toBe(1_000);
    expect(backoffMs('throttling', 10, undefined, 0.5)).toBe(10_000);
  });

  it('waits for a Retry-After hint, up to 5 s past the backoff', () => {
    // Act & Assess
    expect(backoffMs('transient', 0, '2', 0.5)).toBe(2_000);
    expect(backoffMs('transient', 0, '60', 0.5)).toBe(5_025);
    expect(backoffMs('transient', 0, new Date(10_000).toUTCString(), 0.5, 9_000)).toBe(1_000);
    expect(backoffMs('transient', 0, 'soon', 0.5)).toBe(25);
  });
});

describe('RetryQuota', () => {
  it('allows 35 transient retries from a full quota, then none until successes give tokens back', () => {
    // Prepare
    const quota = new RetryQuota();

    // Act
    const taken = Array.from({ length: 40 }, () => quota.take('transient')).filter((cost) => cost !== undefined);

    // Assess
    expect(taken).toHaveLength(35);
    expect(quota.take('transient')).toBeUndefined();
    expect(quota.take('throttling')).toBe(5);
    quota.succeeded(14);
    quota.succeeded(undefined);
    expect(quota.available).toBe(500 - 35 * 14 - 5 + 15);
  });
});
