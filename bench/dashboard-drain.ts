import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { localSqsClient } from '../local/clients.ts';
import type { LocalRuntime } from '../local/runtime.ts';

/**
 * Waits until the events queue is empty and `counted()` (a site's all-time events, say) is
 * `expected`, printing progress every 15 s; throws after `timeoutMs`.
 */
export async function waitUntilDrained(rt: LocalRuntime, counted: () => Promise<number>, expected: number, timeoutMs: number): Promise<void> {
  const sqs = localSqsClient(rt.sqsEndpoint);
  const queueUrl = Object.entries(rt.queues).find(([id]) => id.startsWith('EventsQueue'))![1];
  const started = Date.now();
  let reported = started;
  try {
    for (;;) {
      const { Attributes: a = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      const queued = Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible);
      // Counted only once the queue is empty: an all-time read is not a light one.
      const count = queued === 0 ? await counted() : undefined;
      if (queued === 0 && count === expected) return;
      if (Date.now() - started > timeoutMs) throw new Error(`not drained after ${timeoutMs / 60_000} min: ${queued} messages queued, ${count ?? 'some'} of ${expected} events counted`);
      if (Date.now() - reported > 15_000) {
        reported = Date.now();
        console.log(`  ${queued} messages queued`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    sqs.destroy();
  }
}
