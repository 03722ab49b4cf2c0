import type { TrackedEvent } from '../domain/event.ts';
import { toQueueMessages } from '../domain/queue-codec.ts';
import { HttpError } from '../commons/http.ts';
import { intEnv, requireEnv } from '../commons/env.ts';
import { logger } from '../commons/observability.ts';
import type { SendMessage } from '../commons/sqs-send-message.ts';

export const RETRY_AFTER_SECONDS = 5;

export interface QueueTarget {
  queueUrl: string;
  /** The queue's MaximumMessageSize: events are packed into messages of at most this many bytes. */
  maxMessageBytes: number;
}

/** The queue from the function's environment (read once, at cold start). */
export function queueFromEnv(): QueueTarget {
  return {
    queueUrl: requireEnv('QUEUE_URL'),
    maxMessageBytes: intEnv('QUEUE_MAX_MESSAGE_BYTES', { default: 262_144, min: 1_024, max: 1_048_576 }),
  };
}

/**
 * Sends accepted events to the queue, packed into as few messages as fit (a POST /events of
 * 256 KB always fits one message of the queue's 1 MiB, so it is queued all or nothing).
 * A queue failure (once the sender's retries are spent) is a 503 the client may retry.
 */
export async function enqueue(sendMessage: SendMessage, target: QueueTarget, events: readonly TrackedEvent[]): Promise<void> {
  try {
    const bodies = toQueueMessages(events, target.maxMessageBytes);
    await Promise.all(bodies.map((body) => sendMessage({ QueueUrl: target.queueUrl, MessageBody: body })));
  } catch (error) {
    logger.error('queue send failed', error as Error);
    throw new HttpError(503, 'queue_unavailable', 'The event queue is unavailable; retry later', undefined, {
      'retry-after': String(RETRY_AFTER_SECONDS),
    });
  }
}
