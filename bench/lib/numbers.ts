// `npm run bench`: small numeric helpers, and the error a failed check throws.

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const sum = (xs: Iterable<number>): number => {
  let s = 0;
  for (const x of xs) s += x;
  return s;
};
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
export const sortedCopy = (xs: ArrayLike<number>): Float64Array => Float64Array.from(xs as ArrayLike<number>).sort();
export const round = (x: number, digits: number): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
export const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : String(x));

export class BenchFailure extends Error {}
