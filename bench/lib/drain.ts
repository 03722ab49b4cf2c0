// Waiting for the events queue to drain: one loop for every benchmark.
import type { QueueDepth, StackHandle } from '../../local/stack-handle.ts';
import { sleep } from './numbers.ts';

/** Messages in a queue, visible or in flight. */
export const queued = (depth: QueueDepth): number => depth.visible + depth.inFlight;

export interface DrainOptions<Left> {
  /** Given up after this moment (ms since the epoch). */
  deadline: number;
  /** Between polls. */
  intervalMs: number;
  /** The error thrown at the deadline, from what was left at the last poll. */
  fail: (left: Left) => Error;
  /** Called after each poll that found something left. */
  onPoll?: (left: Left) => void;
}

/**
 * Polls `left` (what is still to be done: messages, batches in flight, events not yet counted;
 * undefined once nothing is) until nothing is left, and returns that moment (ms since the
 * epoch); throws `fail` past the deadline.
 */
export async function drain<Left>(left: () => Promise<Left | undefined>, options: DrainOptions<Left>): Promise<number> {
  for (;;) {
    const now = await left();
    if (now === undefined) return Date.now();
    if (Date.now() > options.deadline) throw options.fail(now);
    options.onPoll?.(now);
    await sleep(options.intervalMs);
  }
}

/**
 * Waits until the events queue is empty and `counted()` (a site's all-time events, say) is
 * `expected`, printing progress every `progressMs` (if given); throws after `timeoutMs`.
 */
export async function drainUntilCounted(
  stack: StackHandle,
  counted: () => Promise<number>,
  expected: number,
  options: { timeoutMs: number; intervalMs: number; progressMs?: number },
): Promise<void> {
  const started = Date.now();
  let reported = started;
  await drain(
    async () => {
      const messages = queued(await stack.queueDepth());
      // Counted only once the queue is empty: an all-time read is not a light one.
      const count = messages === 0 ? await counted() : undefined;
      return messages === 0 && count === expected ? undefined : { messages, count };
    },
    {
      deadline: started + options.timeoutMs,
      intervalMs: options.intervalMs,
      fail: ({ messages, count }) => new Error(`not drained after ${options.timeoutMs / 60_000} min: ${messages} messages queued, ${count ?? 'some'} of ${expected} events counted`),
      onPoll: ({ messages }) => {
        if (options.progressMs === undefined || Date.now() - reported <= options.progressMs) return;
        reported = Date.now();
        console.log(`  ${messages} messages queued`);
      },
    },
  );
}
