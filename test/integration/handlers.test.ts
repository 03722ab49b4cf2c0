import { beforeAll, describe, expect, it } from 'vitest';
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { ADMIN_AUTH, ADMIN_KEY } from '../support/aws.ts';
import { hashApiKey, newApiKey } from '../../functions/domain/api-keys.ts';
import { saveApiKey } from '../../functions/store/sites/api-keys.ts';
import { beacon } from '../support/factories.ts';
import { lambdaContext, restEvent, sqsEvent, sqsRecord } from '../support/events.ts';
import { captureOutput } from '../support/output.ts';
import { loadHandler, stackHandlers, type HttpHandler, type StackHandlers } from '../support/handlers.ts';
import { decodeQueued } from '../../functions/domain/queue-codec.ts';

let { aws, ingest, processor, stats } = {} as StackHandlers;

beforeAll(async () => {
  ({ aws, ingest, processor, stats } = await stackHandlers());
});

const post = (body: unknown, contentType = 'application/json') =>
  ingest(restEvent({ method: 'POST', path: '/event', body: JSON.stringify(body), headers: { 'Content-Type': contentType } }), lambdaContext());
const getStats = async (query: Record<string, string>) => {
  const response = await stats(restEvent({ method: 'GET', path: '/stats', query, headers: ADMIN_AUTH }), lambdaContext());
  return { ...response, json: JSON.parse(response.body) };
};

/** Receives until `count` messages came back (long polling, no fixed sleeps). */
async function receive(count: number, maxPolls = 20) {
  const messages = [];
  for (let polls = 0; messages.length < count && polls < maxPolls; polls++) {
    const { Messages = [] } = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: aws.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, AttributeNames: ['All'] }),
    );
    messages.push(...Messages);
  }
  return messages;
}

describe('ingest, processor and stats handlers with the stack environment', () => {
  it('queues a valid event and answers 202 with JSON', async () => {
    const site = `h-${Date.now()}`;
    const response = await post(beacon({ site_id: site, path: '/docs?x=1', event_id: 'k1' }));
    expect(response.statusCode).toBe(202);
    expect(response.headers?.['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.body)).toEqual({ status: 'accepted', event_id: 'k1' });

    const [message] = await receive(1);
    const body = decodeQueued(JSON.parse(message!.Body!));
    expect(body).toMatchObject({ site_id: site, path: '/docs', event_id: 'k1' });

    // The processor takes the message as the event source delivers it, then stats show it.
    const result = await processor(sqsEvent([sqsRecord(message!.Body!, { messageId: message!.MessageId! })]), lambdaContext('processor'));
    expect(result).toEqual({ batchItemFailures: [] });
    await aws.settle([message!], []);
    const { statusCode, json } = await getStats({ site_id: site });
    expect(statusCode).toBe(200);
    expect(json).toMatchObject({ total_views: 1, unique_users: 1, total_events: 1, top_paths: [{ path: '/docs', views: 1 }] });
  });

  it('queues the audience of the request (device, browser, OS, country), never its User-Agent or address', async () => {
    const site = `h-audience-${Date.now()}`;
    const userAgent =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
    const visit = { page: 1, gap_ms: 0, entry: 'https://shop.example/spring?utm_source=newsletter&utm_campaign=spring', referrer: 'https://mail.example/' };
    const response = await ingest(
      restEvent({
        method: 'POST',
        path: '/event',
        body: JSON.stringify(beacon({ site_id: site, event_id: 'a1', visit })),
        headers: { 'content-type': 'application/json', 'user-agent': userAgent, 'x-forwarded-for': '217.160.0.1, 10.0.0.1' },
        sourceIp: '10.0.0.2',
      }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(202);
    const [message] = await receive(1);
    const body = decodeQueued(JSON.parse(message!.Body!)) as Record<string, unknown>;
    expect(body).toMatchObject({ site_id: site, device: 'mobile', browser: 'Safari', os: 'iOS', country: 'DE' });
    // The visit travels as [page, gap_ms, entry_page, source, utm_medium, utm_campaign] (queue-codec.ts).
    expect(body.visit).toEqual([1, 0, '/spring', 'newsletter', '(none)', 'spring']);
    expect(message!.Body).not.toContain('217.160');
    expect(message!.Body).not.toContain('iPhone');
    expect(message!.Body).not.toContain('mail.example');
    await aws.settle([message!], []);
  });

  it("writes each invocation's metrics as EMF in the stack's namespace, EventsCounted equal to the events the batch counted", async () => {
    // Prepare: two events in one POST /events (one queue message), delivered twice in one batch with a poison message.
    const site = `h-metrics-${Date.now()}`;
    const namespace = aws.functionEnv('ProcessorFunction').POWERTOOLS_METRICS_NAMESPACE;
    const output = captureOutput();
    const context = lambdaContext('processor');
    let posted, processed, statsStatus, receivedAt, processedBy;
    try {
      // Act
      posted = await ingest(
        restEvent({
          method: 'POST',
          path: '/events',
          body: JSON.stringify([beacon({ site_id: site, event_id: 'm1' }), beacon({ site_id: site, event_id: 'm2' })]),
          headers: { 'content-type': 'application/json' },
        }),
        lambdaContext(),
      );
      const [message] = await receive(1);
      const body = message!.Body!;
      receivedAt = Date.parse((decodeQueued((JSON.parse(body) as unknown[])[0]) as { received_at: string }).received_at);
      processed = await processor(
        sqsEvent([
          sqsRecord(body, { messageId: 'first' }),
          sqsRecord(body, { messageId: 'again' }),
          sqsRecord('not json', { messageId: 'poison' }),
        ]),
        context,
      );
      processedBy = Date.now();
      await aws.settle([message!], []);
      statsStatus = (await getStats({ site_id: site })).statusCode;
    } finally {
      output.restore();
    }

    // Assess
    expect([posted.statusCode, statsStatus]).toEqual([202, 200]);
    expect(processed.batchItemFailures).toEqual([{ itemIdentifier: 'poison' }]);
    const batchLine = output.logs().find((log) => log.message === 'batch processed');
    expect(batchLine).toMatchObject({ level: 'INFO', service: 'processor', function_request_id: context.awsRequestId, records: 3, counted: 2, duplicates: 2, invalid: 1 });
    const metricSets = output.metrics();
    expect(new Set(metricSets.map((set) => set.namespace))).toEqual(new Set([namespace]));
    expect(metricSets.map((set) => set.dimensions.service).sort()).toEqual(['ingest', 'processor', 'stats']);
    expect(output.valuesOf('EventsAccepted')).toEqual([2]);
    expect(output.valuesOf('EventsCounted')).toEqual([batchLine!.counted]);
    expect(output.valuesOf('DuplicateEvents')).toEqual([2]);
    expect(output.valuesOf('InvalidMessages')).toEqual([1]);
    expect(output.valuesOf('BatchSize')).toEqual([3]);
    // From the events' receipt to their commit: within the time between the POST and the end of the batch.
    const lags = output.valuesOf('ProcessingLag');
    expect(lags).toHaveLength(1);
    expect(lags[0]).toBeGreaterThanOrEqual(0);
    expect(lags[0]).toBeLessThanOrEqual(processedBy - receivedAt);
    expect(output.valuesOf('StatsLatency')).toHaveLength(1);
  });

  it('takes an event over 7 days old only with a key of its site (read from the sites table) or the admin key, and counts it on its day', async () => {
    // Prepare
    const site = `h-import-${Date.now()}`;
    const key = newApiKey();
    const otherKey = newApiKey();
    await saveApiKey(aws.doc, aws.tables.sites, site, hashApiKey(key));
    await saveApiKey(aws.doc, aws.tables.sites, `${site}-other`, hashApiKey(otherKey));
    const day = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const old = (eventId: string) => beacon({ site_id: site, event_id: eventId, timestamp: `${day}T12:00:00.000Z` });
    const postWith = (body: unknown, authorization?: string) =>
      ingest(
        restEvent({ method: 'POST', path: '/event', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) } }),
        lambdaContext(),
      );

    // Act
    const withoutKey = await postWith(old('none'));
    const otherSite = await postWith(old('other'), `Bearer ${otherKey}`);
    const withSiteKey = await postWith(old('site'), `Bearer ${key}`);
    const withAdminKey = await postWith(old('admin'), `Bearer ${ADMIN_KEY}`);
    const messages = await receive(2);
    const processed = await processor(sqsEvent(messages.map((m) => sqsRecord(m.Body!, { messageId: m.MessageId! }))), lambdaContext('processor'));
    await aws.settle(messages, []);
    const { json } = await getStats({ site_id: site, date: day });

    // Assess
    expect([withoutKey.statusCode, otherSite.statusCode, withSiteKey.statusCode, withAdminKey.statusCode]).toEqual([400, 403, 202, 202]);
    expect(JSON.parse(withoutKey.body).error.details).toEqual([{ field: 'timestamp', message: expect.stringMatching(/^must not be more than 7 days old without a key; /) }]);
    expect(messages.map((m) => (decodeQueued(JSON.parse(m.Body!)) as { event_id: string }).event_id).sort()).toEqual(['admin', 'site']);
    expect(processed.batchItemFailures).toEqual([]);
    expect(json).toMatchObject({ date: day, total_events: 2, total_views: 2 });
  });

  it('reports only the poison messages of a batch as failures', async () => {
    const site = `h-poison-${Date.now()}`;
    const good = { ...beacon({ site_id: site }), event_id: 'g1', received_at: new Date().toISOString() };
    const event = sqsEvent([
      sqsRecord(JSON.stringify(good), { messageId: 'good' }),
      sqsRecord('not json', { messageId: 'poison-1' }),
      sqsRecord(JSON.stringify({ ...good, event_id: 'g2', site_id: 'bad site' }), { messageId: 'poison-2' }),
    ]);
    const result = await processor(event, lambdaContext('processor'));
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['poison-1', 'poison-2']);
    expect((await getStats({ site_id: site })).json.total_events).toBe(1);
  });

  it('answers 503 queue_unavailable with Retry-After when the queue cannot be reached', async () => {
    const broken = await loadHandler<HttpHandler>('functions/ingest/handler.ts', {
      ...aws.functionEnv('IngestFunction'),
      QUEUE_URL: `${aws.queueUrl}-missing`,
    });
    const response = await broken(
      restEvent({ method: 'POST', path: '/event', body: JSON.stringify(beacon()), headers: { 'content-type': 'application/json' } }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('5');
    expect(JSON.parse(response.body).error.code).toBe('queue_unavailable');
  });

  it('answers a bot 202 with the usual body, never sends its event to the queue, and logs the drop', async () => {
    // Prepare: a queue URL that fails every send, so only an event that is not queued can get a 202.
    const unqueued = await loadHandler<HttpHandler>('functions/ingest/handler.ts', {
      ...aws.functionEnv('IngestFunction'),
      QUEUE_URL: `${aws.queueUrl}-missing`,
    });
    const output = captureOutput();
    const googlebot = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

    // Act
    const response = await unqueued(
      restEvent({
        method: 'POST',
        path: '/event',
        body: JSON.stringify(beacon({ site_id: 'h-bot', event_id: 'bot-1' })),
        headers: { 'content-type': 'text/plain', 'User-Agent': googlebot },
      }),
      lambdaContext(),
    );
    output.restore();

    // Assess
    expect(response.statusCode).toBe(202);
    expect(response.headers?.['access-control-allow-origin']).toBe('*');
    expect(JSON.parse(response.body)).toEqual({ status: 'accepted', event_id: 'bot-1' });
    expect(output.logs()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'event dropped',
        service: 'ingest',
        reason: 'bot',
        site_id: 'h-bot',
        event_type: 'page_view',
        event_id: 'bot-1',
        bot: 'Google',
      }),
    ]);
    expect(output.valuesOf('EventsDropped')).toEqual([1]);
    expect(output.valuesOf('EventsAccepted')).toEqual([]);
  });

  it.each([
    ['an HTTP library with the bot filter on', 'node', {}],
    ['a crawler with the bot filter off (botFilter=false)', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', { BOT_FILTER: 'false' }],
  ])('queues the event of %s', async (_name, userAgent, env) => {
    // Prepare: a queue URL that fails every send, so only an event that is not dropped gets a 503.
    const unqueued = await loadHandler<HttpHandler>('functions/ingest/handler.ts', {
      ...aws.functionEnv('IngestFunction'),
      ...env,
      QUEUE_URL: `${aws.queueUrl}-missing`,
    });
    const output = captureOutput();

    // Act
    const response = await unqueued(
      restEvent({
        method: 'POST',
        path: '/event',
        body: JSON.stringify(beacon({ site_id: 'h-bot-off' })),
        headers: { 'content-type': 'application/json', 'User-Agent': userAgent },
      }),
      lambdaContext(),
    ).finally(() => output.restore());

    // Assess: it went to the queue (which refused it), and nothing was dropped.
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body).error.code).toBe('queue_unavailable');
    expect(output.logs().map((log) => log.message)).toEqual(['queue send failed']);
    expect(output.valuesOf('EventsDropped')).toEqual([]);
  });

  it('answers 400 invalid_query from stats with details', async () => {
    const { statusCode, json } = await getStats({ date: '2025-02-30' });
    expect(statusCode).toBe(400);
    expect(json.error.code).toBe('invalid_query');
    expect(json.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['date', 'site_id']);
  });

  it('moves a poison message to the DLQ after the redrive count, and never blocks the good ones', async () => {
    const site = `h-dlq-${Date.now()}`;
    const good = { ...beacon({ site_id: site }), event_id: 'ok-1', received_at: new Date().toISOString() };
    await aws.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: aws.queueUrl,
        Entries: [
          { Id: 'good', MessageBody: JSON.stringify(good) },
          { Id: 'poison', MessageBody: '{"oops"' },
        ],
      }),
    );
    // Deliver as the event source would, making failed messages visible again at once
    // instead of waiting out the visibility timeout.
    for (let round = 0; round < aws.maxReceiveCount + 1; round++) {
      const messages = await receive(round === 0 ? 2 : 1, round === 0 ? 20 : 2);
      if (messages.length === 0) break;
      const records = messages.map((m) => sqsRecord(m.Body!, { messageId: m.MessageId!, receiptHandle: m.ReceiptHandle! }));
      const { batchItemFailures } = await processor(sqsEvent(records), lambdaContext('processor'));
      await aws.settle(messages, batchItemFailures.map((f) => f.itemIdentifier));
    }
    expect(await aws.dlqBodies()).toEqual(['{"oops"']);
    expect((await getStats({ site_id: site })).json.total_events).toBe(1);
  });
});
