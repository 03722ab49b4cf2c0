// Names clients choose (event types, paths, campaign values) count like any other, from POST
// /events to GET /stats, also those that are names of every JavaScript object's members
// (`__proto__`, `constructor`, ...): the handlers with the stack's environment, the real queue
// and DynamoDB Local.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@aws-sdk/client-sqs';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ADMIN_AUTH } from '../support/aws.ts';
import { lambdaContext, restEvent, sqsEvent, sqsRecord } from '../support/events.ts';
import { beacon } from '../support/factories.ts';
import { stackHandlers, type StackHandlers } from '../support/handlers.ts';
import { decodeQueued } from '../../functions/domain/queue-codec.ts';

let { aws, ingest, processor, stats } = {} as StackHandlers;

beforeAll(async () => {
  ({ aws, ingest, processor, stats } = await stackHandlers());
});

/** Names of Object.prototype's members, and one that is not. */
const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'signup'] as const;

const getJson = async (path: string, query: Record<string, string>) => {
  const response = await stats(restEvent({ method: 'GET', path, query, headers: ADMIN_AUTH }), lambdaContext());
  expect(response.statusCode, response.body).toBe(200);
  return JSON.parse(response.body);
};

/** Whether a queue message holds an event of `site`. */
const isOf = (site: string) => (message: Message) => {
  const json = JSON.parse(message.Body!) as unknown[];
  const events = typeof json[0] === 'string' ? [json] : json;
  return events.some((event) => (decodeQueued(event) as { site_id: string }).site_id === site);
};

/** Receives until `count` messages of `site` came back (long polling); others are made visible again. */
async function receiveOf(site: string, count: number, maxPolls = 20): Promise<Message[]> {
  const mine: Message[] = [];
  for (let polls = 0; mine.length < count && polls < maxPolls; polls++) {
    const { Messages = [] } = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: aws.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const others = Messages.filter((message) => !isOf(site)(message));
    await aws.settle(others, others.map((message) => message.MessageId!));
    mine.push(...Messages.filter(isOf(site)));
  }
  return mine;
}

describe('names of JavaScript object members, sent by clients', () => {
  it('count like any other as event types, paths and campaign values, for a day, a range and all time', async () => {
    // Prepare: n + 1 events of the n-th name, and page views on paths and with campaigns of those names.
    const site = `names-${Date.now().toString(36)}`;
    const now = new Date();
    const today = now.toISOString().slice(0, 10);
    const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
    const custom = NAMES.flatMap((name, n) => Array.from({ length: n + 1 }, (_, i) => beacon({ site_id: site, event_type: name, event_id: `${name}-${i}` })));
    const views = NAMES.map((name, n) =>
      beacon({
        site_id: site,
        path: `/${name}`,
        user_id: `u${n}`,
        event_id: `view-${n}`,
        visit: { page: 1, gap_ms: 0, entry: `https://shop.example/${name}?utm_campaign=${name}&utm_medium=${name}`, referrer: `https://${name.replace(/_/g, '')}.example/` },
      }),
    );

    // Act
    const posted = await ingest(
      restEvent({ method: 'POST', path: '/events', body: JSON.stringify([...custom, ...views]), headers: { 'content-type': 'application/json' } }),
      lambdaContext(),
    );
    const messages = await receiveOf(site, 1);
    const processed = await processor(sqsEvent(messages.map((m) => sqsRecord(m.Body!, { messageId: m.MessageId! }))), lambdaContext('processor'));
    await aws.settle(messages, []);
    const day = await getJson('/stats', { site_id: site, date: today, limit: '100' });
    const range = await getJson('/stats', { site_id: site, from: yesterday, to: today, limit: '100' });
    const allTime = await getJson('/stats', { site_id: site, limit: '100' });
    const campaigns = await getJson('/stats/breakdown', { site_id: site, dimension: 'utm_campaign', date: today, limit: '100' });
    const entryPages = await getJson('/stats/breakdown', { site_id: site, from: yesterday, to: today, dimension: 'entry_page', limit: '100' });

    // Assess: exact counts, each name an own property of the JSON the API answered.
    expect(posted.statusCode).toBe(202);
    expect(processed.batchItemFailures).toEqual([]);
    const expectedTypes = Object.fromEntries([...NAMES.map((name, n) => [name, n + 1] as const), ['page_view', NAMES.length] as const]);
    for (const body of [day, range, allTime]) {
      expect(Object.entries(body.events_by_type).sort()).toEqual(Object.entries(expectedTypes).sort());
      expect(body.total_events).toBe(custom.length + views.length);
      expect(body.top_paths).toEqual(NAMES.map((name) => ({ path: `/${name}`, views: 1 })).sort((a, b) => (a.path < b.path ? -1 : 1)));
    }
    expect(Object.hasOwn(day.events_by_type, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(day.events_by_type)).toBe(Object.prototype);
    expect(campaigns.results.map((row: { value: string; visits: number; views: number }) => [row.value, row.visits, row.views]).sort()).toEqual(
      NAMES.map((name) => [name, 1, 1]).sort(),
    );
    expect(entryPages.results.map((row: { value: string }) => row.value).sort()).toEqual(NAMES.map((name) => `/${name}`).sort());
  });
});
