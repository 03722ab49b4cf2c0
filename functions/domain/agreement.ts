/**
 * How counters read from a scope's buckets compare with the totals they must add up to, read
 * just before (or with) them. A commit adds to a scope's totals item and to its buckets in one
 * transaction, but a read may fall between its items: DynamoDB Local applies a transaction's
 * items one at a time, and on AWS a Query is read-committed per item.
 *
 * - `agrees`: the sums equal the totals;
 * - `behind`: some sum is short (the read fell in the middle of a commit): read again;
 * - `ahead`: some sum is over (the buckets are newer than the totals read before them).
 */
export type Agreement = 'agrees' | 'behind' | 'ahead';

/** The agreement of sums with the totals they must equal, as `[sum, total]` pairs. */
export function agreementOf(pairs: ReadonlyArray<readonly [sum: number, total: number]>): Agreement {
  if (pairs.some(([sum, total]) => sum > total)) return 'ahead';
  return pairs.every(([sum, total]) => sum === total) ? 'agrees' : 'behind';
}
