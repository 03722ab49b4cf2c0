import { describe, expect, it } from 'vitest';
import { billedWriteUnits, isEarlyEmptyReceive, sqsBilledRequests } from '../../scripts/bench/billing.ts';

describe('the bench billing rules', () => {
  it('bills SQS one request per started 64 KB of payload', () => {
    expect(sqsBilledRequests(0)).toBe(1);
    expect(sqsBilledRequests(64 * 1024)).toBe(1);
    expect(sqsBilledRequests(64 * 1024 + 1)).toBe(2);
  });

  it('does not bill empty long polls that ended before their wait time; bills timed-out ones and short polls', () => {
    expect(isEarlyEmptyReceive({ received: 0, waitTimeSeconds: 20, elapsedMs: 3 })).toBe(true);
    expect(isEarlyEmptyReceive({ received: 0, waitTimeSeconds: 20, elapsedMs: 20_001 })).toBe(false);
    expect(isEarlyEmptyReceive({ received: 0, waitTimeSeconds: 1, elapsedMs: 990 })).toBe(false);
    expect(isEarlyEmptyReceive({ received: 0, waitTimeSeconds: 0, elapsedMs: 1 })).toBe(false);
    expect(isEarlyEmptyReceive({ received: 3, waitTimeSeconds: 20, elapsedMs: 3 })).toBe(false);
  });

  it('bills each transaction item 2 units per started KB', () => {
    const units = billedWriteUnits({ singleItemReported: { PutItem: 10 }, transactionItemSizes: [100, 1024, 1025] });
    expect(units.total).toBe(10 + 2 + 2 + 4);
  });
});
