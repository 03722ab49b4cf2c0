import middy from '@middy/core';
import { createSqsClient } from '../commons/sqs-client.ts';
import { requireEnv } from '../commons/env.ts';
import { CORS_HEADERS, httpErrors, json, readRequest, type HttpResponse, type ProxyEventLike } from '../commons/http.ts';
import { enqueue } from './enqueue.ts';
import { botMatch, logDropped } from './is-bot.ts';
import { readBeacon } from './read-beacon.ts';

const config = { queueUrl: requireEnv('QUEUE_URL') };
const sqs = createSqsClient();

/**
 * POST /event: validate, queue, answer 202 without waiting for the database. Events from bots
 * get the same 202 (a bot learns nothing from the answer) but are logged instead of queued.
 */
export const handler = middy<ProxyEventLike, HttpResponse>()
  .use(httpErrors(CORS_HEADERS))
  .handler(async (event) => {
    const request = readRequest(event);
    const accepted = readBeacon(request, new Date());
    const bot = botMatch(request.headers['user-agent']);
    if (bot) logDropped(accepted, 'bot', { bot });
    else await enqueue(sqs, config.queueUrl, accepted);
    return json(202, { status: 'accepted', event_id: accepted.event_id }, CORS_HEADERS);
  });
