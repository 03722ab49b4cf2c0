import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { toQueueMessage, type TrackedEvent } from '../domain/event.ts';
import { HttpError } from '../commons/http.ts';

export const RETRY_AFTER_SECONDS = 5;

/** Sends one accepted event to the queue; a queue failure is a 503 the client may retry. */
export async function enqueue(sqs: SQSClient, queueUrl: string, event: TrackedEvent): Promise<void> {
  try {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: toQueueMessage(event) }));
  } catch (error) {
    console.error(JSON.stringify({ level: 'error', message: 'queue send failed', error: String(error) }));
    throw new HttpError(503, 'queue_unavailable', 'The event queue is unavailable; retry later', undefined, {
      'retry-after': String(RETRY_AFTER_SECONDS),
    });
  }
}
