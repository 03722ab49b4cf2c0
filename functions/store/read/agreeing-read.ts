import type { Agreement } from '../../domain/agreement.ts';
import { backoff, delay } from '../../commons/map-limit.ts';

/** Reads of a scope's buckets before a torn read is given up on. */
export const AGREEMENT_ATTEMPTS = 5;

/**
 * Reads until the value agrees with its totals (see agreement.ts), at most AGREEMENT_ATTEMPTS
 * times with backoff. A read `behind` is made again; one `ahead` ends the reads, since buckets
 * newer than totals read before them stay so however often they are read (a `read` that reads
 * the totals too can answer `behind` for both). `agrees` says whether the last read did.
 */
export async function readUntilAgreeing<T>(read: () => Promise<T>, agreement: (value: T) => Agreement): Promise<{ value: T; agrees: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const value = await read();
    const found = agreement(value);
    if (found === 'agrees') return { value, agrees: true };
    if (found === 'ahead' || attempt >= AGREEMENT_ATTEMPTS) return { value, agrees: false };
    await delay(backoff(attempt));
  }
}
