/** Maps over items with at most `limit` calls in flight, keeping the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Waits `ms` milliseconds (for backoff between retries of a remote call). */
export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with full jitter, in milliseconds. */
export const backoff = (attempt: number, baseMs = 20, capMs = 2_000): number =>
  Math.random() * Math.min(capMs, baseMs * 2 ** attempt);

/**
 * mapLimit that lets every call finish before it rejects with the first error, so no call of a
 * failed step is still in flight when the next step (or the next run) begins.
 */
export async function mapLimitSettled<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  let failure: { error: unknown } | undefined;
  const results = await mapLimit(items, limit, async (item, index) => {
    try {
      return await fn(item, index);
    } catch (error) {
      failure ??= { error };
      return undefined as R;
    }
  });
  if (failure) throw failure.error;
  return results;
}
