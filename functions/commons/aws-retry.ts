/**
 * The AWS SDK's standard retry mode, for the requests a function signs itself (sqs-send-message.ts):
 * which failures are retried, how long to wait, and the shared retry quota. The figures are those
 * of the SDK (@smithy/core's retry strategy, 2026 defaults): 3 attempts, a full-jitter backoff of
 * base 50 ms (1,000 ms after a throttle) capped at 20 s, a `Retry-After` hint honoured up to 5 s
 * past the backoff, and a quota of 500 tokens a retry takes 14 of (5 after a throttle) and a
 * success gives back.
 */

export const MAX_ATTEMPTS = 3;
const BASE_DELAY_MS = 50;
const THROTTLING_BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 20_000;
const RETRY_AFTER_EXTRA_MS = 5_000;
const QUOTA_TOKENS = 500;
const RETRY_COST = 14;
const THROTTLING_RETRY_COST = 5;
const NO_RETRY_INCREMENT = 1;

const THROTTLING_CODES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const NETWORK_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** What a failed attempt was: a service's error answer, or a request that got no answer. */
export type AttemptFailure =
  | { readonly kind: 'response'; readonly status: number; readonly code: string; readonly retryAfter?: string | undefined }
  | { readonly kind: 'network'; readonly code: string | undefined };

/** `throttling` and `transient` failures are retried; any other is final. */
export type FailureType = 'throttling' | 'transient' | 'final';

export function failureType(failure: AttemptFailure): FailureType {
  if (failure.kind === 'network') return failure.code !== undefined && (NETWORK_ERROR_CODES.has(failure.code) || TRANSIENT_CODES.has(failure.code)) ? 'transient' : 'final';
  if (failure.status === 429 || THROTTLING_CODES.has(failure.code)) return 'throttling';
  if (TRANSIENT_CODES.has(failure.code) || TRANSIENT_STATUS.has(failure.status)) return 'transient';
  return 'final';
}

/** Milliseconds to wait before retry number `retry` (0 for the first), `random` in [0, 1). */
export function backoffMs(type: 'throttling' | 'transient', retry: number, retryAfter: string | undefined, random: number, now = Date.now()): number {
  const base = type === 'throttling' ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
  const delay = Math.floor(random * Math.min(base * 2 ** retry, MAX_DELAY_MS));
  const hinted = retryAfterMs(retryAfter, now);
  return hinted === undefined ? delay : Math.max(delay, Math.min(hinted, delay + RETRY_AFTER_EXTRA_MS));
}

/** A `Retry-After` header (seconds or an HTTP date) as milliseconds from `now`. */
function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(header) ? Number(header) : (Date.parse(header) - now) / 1000;
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** The tokens retries spend, shared by every request of a client, so an outage does not multiply the load by the attempts. */
export class RetryQuota {
  private tokens = QUOTA_TOKENS;

  /** Takes the cost of one retry of `type`; false, taking nothing, when too few are left. */
  take(type: 'throttling' | 'transient'): number | undefined {
    const cost = type === 'throttling' ? THROTTLING_RETRY_COST : RETRY_COST;
    if (this.tokens < cost) return undefined;
    this.tokens -= cost;
    return cost;
  }

  /** A request succeeded: gives back what its last retry took (`spent`), or one token if it was not retried. */
  succeeded(spent: number | undefined): void {
    this.tokens = Math.min(QUOTA_TOKENS, this.tokens + (spent ?? NO_RETRY_INCREMENT));
  }

  get available(): number {
    return this.tokens;
  }
}
