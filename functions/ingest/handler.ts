import middy from '@middy/core';
import { createSqsClient } from '../commons/sqs-client.ts';
import { intEnv, requireEnv } from '../commons/env.ts';
import { CORS_HEADERS, httpErrors, json, readRequest, type HttpResponse, type ProxyEventLike } from '../commons/http.ts';
import { enqueue, type QueueTarget } from './enqueue.ts';
import { botMatch, logDropped } from './is-bot.ts';
import { readBatch, readBeacon } from './read-beacon.ts';

const config: QueueTarget = {
  queueUrl: requireEnv('QUEUE_URL'),
  maxMessageBytes: intEnv('QUEUE_MAX_MESSAGE_BYTES', { default: 262_144, min: 1_024, max: 1_048_576 }),
};
const sqs = createSqsClient();

/**
 * POST /event (one event) and POST /events (a JSON array of up to 100): validate, queue, answer
 * 202 without waiting for the database. Events from bots get the same 202 (a bot learns
 * nothing from the answer) but are logged instead of queued.
 */
export const handler = middy<ProxyEventLike, HttpResponse>()
  .use(httpErrors(CORS_HEADERS))
  .handler(async (event) => {
    const request = readRequest(event);
    const batch = request.route.endsWith('/events');
    const accepted = batch ? readBatch(request, new Date()) : [readBeacon(request, new Date())];
    const bot = botMatch(request.headers['user-agent']);
    if (bot) logDropped(accepted, 'bot', { bot });
    else await enqueue(sqs, config, accepted);
    const ids = batch ? { event_ids: accepted.map((e) => e.event_id) } : { event_id: accepted[0]!.event_id };
    return json(202, { status: 'accepted', ...ids }, CORS_HEADERS);
  });
