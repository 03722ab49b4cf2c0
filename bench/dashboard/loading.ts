// How `npm run bench:dashboard` loads its site: batches posted as a tracker's server would post
// them, and history older than the API takes queued as ingestion queued it when it came in.
import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { mapLimit } from '../../functions/commons/map-limit.ts';
import { acceptBatch } from '../../functions/domain/event.ts';
import { toQueueMessages } from '../../functions/domain/queue-codec.ts';
import { classifyUserAgent } from '../../functions/domain/user-agent.ts';
import type { StackHandle } from '../../local/stack-handle.ts';
import type { Batch } from '../workload/dashboard.ts';

/** Posts batches through POST /events, a few at once, with the site's key (events over 7 days old are imports). */
export async function post(api: string, batches: Batch[], key: string): Promise<void> {
  await mapLimit(batches, 6, async (batch) => {
    const response = await fetch(`${api}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': batch.userAgent, 'x-forwarded-for': batch.address, authorization: `Bearer ${key}` },
      body: JSON.stringify(batch.events),
    });
    const body = await response.text();
    if (response.status !== 202) throw new Error(`POST /events: ${response.status} ${body}`);
  });
}

/** Queues batches as ingestion did when they were received (just after their latest event). */
export async function queueAsReceived(stack: StackHandle, batches: Batch[]): Promise<void> {
  const { sqs } = stack;
  const queueUrl = stack.get('eventsQueue');
  await mapLimit(batches, 6, async (batch) => {
    const audience = { ...classifyUserAgent(batch.userAgent), country: batch.country };
    const accepted = acceptBatch(batch.events, new Date(batch.latestMs + 60_000), randomUUID, audience);
    if (!accepted.ok) throw new Error(`a queued batch is invalid: ${JSON.stringify(accepted.issues.slice(0, 3))}`);
    for (const body of toQueueMessages(accepted.value, 262_144)) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  });
}
