// Properties of the ingest handler over generated requests (fast-check): whatever the body,
// headers and query string, POST /event and POST /events answer 202 or a JSON 4xx
// `{"error":{"code","message",...}}`, never a 5xx and never a throw, under both API Gateway
// payload formats (back-dated events with or without a key included); and whatever a 202
// queued, the processor accepts again when it re-reads the message. The queue is a stub that accepts every send and keeps the bodies; the restricted
// variant reads registrations from a stub document client. A failure prints the seed and the
// shrunk request.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SendMessage } from '../../functions/commons/sqs-send-message.ts';
import { ingestHandler } from '../../functions/ingest/ingest.ts';
import { siteGate } from '../../functions/ingest/site-gate.ts';
import { MAX_BATCH_BODY_BYTES, MAX_BODY_BYTES } from '../../functions/ingest/read-beacon.ts';
import { parseQueuedEvents } from '../../functions/domain/queue-codec.ts';
import { hashApiKey, newApiKey } from '../../functions/domain/api-keys.ts';
import type { KeyCheck } from '../../functions/commons/authorize.ts';
import { beaconArbitraries, headersArb } from '../support/arbitraries.ts';
import { httpApiEvent, lambdaContext, restEvent, type ClientRequest } from '../support/events.ts';
import type { HttpHandler } from '../support/handlers.ts';
import { expectClientError } from '../support/responses.ts';

// Timestamps are drawn a minute inside the accepted window: the handler reads the clock itself.
const { validBeaconArb, trickyBeaconArb, nearBeaconArb, jsonishArb } = beaconArbitraries(new Date(), 60_000);
const QUEUE = { queueUrl: 'http://sqs.us-east-1.localhost:9324/000000000000/EventsQueue', maxMessageBytes: 1_048_576 };

/** The message bodies sent to the queue by the request under test. */
let queued: string[] = [];
/** An SQS client that accepts every send and keeps its body. */
const acceptingSqs: SendMessage = async ({ MessageBody }) => {
  queued.push(MessageBody);
  return { MessageId: randomUUID() };
};

/**
 * A document client whose sites table knows the sites with an even-length id; those whose id
 * length is a multiple of 4 allow the origin https://example.com only.
 */
const registrations = {
  send: async (command: { input: { RequestItems: Record<string, { Keys: Array<{ pk: string }> }> } }) => {
    const [[table, { Keys }]] = Object.entries(command.input.RequestItems) as [[string, { Keys: Array<{ pk: string }> }]];
    const items = Keys.map(({ pk }) => pk.replace(/^SITE#/, ''))
      .filter((site) => site.length % 2 === 0)
      .map((site) => ({ pk: `SITE#${site}`, sk: 'SITE', site_id: site, origins: site.length % 4 === 0 ? ['https://example.com'] : [], created_at: '2025-01-01T00:00:00Z' }));
    return { Responses: { [table]: items } };
  },
} as unknown as DynamoDBDocumentClient;

/** The admin key, and a key of the site `A` (requests back-dating events present them, or others). */
const ADMIN_KEY = newApiKey();
const SITE_KEY = newApiKey();
const keys: KeyCheck = {
  findKey: async (hash) => (hash === hashApiKey(SITE_KEY) ? { siteId: 'A', keyId: 'key-a', createdAt: '2025-01-01T00:00:00Z' } : undefined),
  adminKey: { peek: () => undefined, load: async () => hashApiKey(ADMIN_KEY) },
};

const options = { botFilter: true, countryLookup: () => undefined, keys };
const handlers: Record<string, HttpHandler> = {
  open: ingestHandler(acceptingSqs, QUEUE, options) as unknown as HttpHandler,
  restricted: ingestHandler(acceptingSqs, QUEUE, { ...options, gate: siteGate(registrations, 'SitesTable') }) as unknown as HttpHandler,
};

/** Beacons that are valid, or made of tricky text (unpaired surrogates, control characters, escapes): accepted or refused whole. */
const beaconArb = fc.oneof({ weight: 2, arbitrary: validBeaconArb }, { weight: 1, arbitrary: trickyBeaconArb });
const validBatchArb = fc.array(beaconArb, { minLength: 1, maxLength: 5 });

/** Bodies other than the valid one of the route: valid ones of the other route, near-valid ones, any JSON, any text, and bodies over the limits. */
const otherBodyArb = fc.oneof(
  { weight: 2, arbitrary: validBeaconArb.map((b) => JSON.stringify(b)) },
  { weight: 2, arbitrary: validBatchArb.map((b) => JSON.stringify(b)) },
  { weight: 2, arbitrary: nearBeaconArb.map((b) => JSON.stringify(b)) },
  { weight: 2, arbitrary: fc.array(fc.oneof(validBeaconArb, nearBeaconArb), { maxLength: 4 }).map((b) => JSON.stringify(b)) },
  { weight: 2, arbitrary: jsonishArb.map((value) => JSON.stringify(value) ?? '') },
  { weight: 1, arbitrary: validBeaconArb.map((b) => JSON.stringify(Array.from({ length: 101 }, () => b))) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'null', '[]', '{}', '"x"', '[[[[[[[[[[', '{"site_id":', '\u0000', '\uFEFF{}') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(validBeaconArb, fc.integer({ min: MAX_BODY_BYTES - 300, max: MAX_BATCH_BODY_BYTES + 1000 }), fc.constantFrom('a', 'é', '😀'))
      .map(([b, size, char]) => JSON.stringify({ ...b, path: `/${char.repeat(size / Buffer.byteLength(char))}` })),
  },
);

/**
 * A request as API Gateway hands it over: payload format, route, body (maybe base64), headers,
 * query string. About half carry the route's valid body, and most an accepted Content-Type
 * after the generated headers (so it is the one read), so that many requests get through.
 */
const requestArb = fc
  .record({
    format: fc.constantFrom('rest', 'http'),
    gate: fc.constantFrom('open', 'restricted'),
    path: fc.constantFrom('/event', '/events'),
    single: beaconArb,
    batch: validBatchArb,
    other: fc.option(otherBodyArb, { nil: undefined, freq: 20 }),
    valid: fc.boolean(),
    encoding: fc.oneof({ weight: 6, arbitrary: fc.constant('none' as const) }, fc.constantFrom('base64' as const, 'raw-as-base64' as const)),
    contentType: fc.option(fc.constantFrom('application/json', 'text/plain', 'text/plain;charset=UTF-8'), { freq: 4 }),
    headers: headersArb([ADMIN_KEY, SITE_KEY]),
    query: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  })
  .map(({ format, gate, path, single, batch, other, valid, encoding, contentType, headers, query }) => {
    const body = valid ? JSON.stringify(path === '/event' ? single : batch) : other;
    const request: ClientRequest = {
      method: 'POST',
      path,
      headers: { ...headers, ...(contentType ? { 'content-type': contentType } : {}) },
      query,
      ...(body === undefined ? {} : { body: encoding === 'base64' ? Buffer.from(body).toString('base64') : body }),
      isBase64Encoded: encoding !== 'none',
    };
    return { format, gate, request };
  });

const statuses = new Map<number, number>();

beforeAll(() => {
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterAll(() => vi.restoreAllMocks());

describe('POST /event and POST /events, for any request', () => {
  it('answer 202 with the event ids, or a JSON 4xx error; never a 5xx, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async ({ format, gate, request }) => {
        const event = format === 'rest' ? restEvent(request) : httpApiEvent(request);
        queued = [];
        const response = await handlers[gate]!(event, lambdaContext('ingest'));
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect(response.headers?.['content-type']).toMatch(/^application\/json/);
        expect(response.headers?.['access-control-allow-origin']).toBe('*');
        const body = JSON.parse(response.body);
        if (response.statusCode === 202) {
          expect(body.status).toBe('accepted');
          if (request.path === '/events') expect(body.event_ids.length).toBeGreaterThan(0);
          else expect(typeof body.event_id).toBe('string');
          // What was queued (nothing, for a bot) is every accepted event, and the processor accepts it again.
          const reread = queued.flatMap((message) => {
            const parsed = parseQueuedEvents(message);
            if (!parsed.ok) throw new Error(`the processor refuses what ingestion queued: ${JSON.stringify(parsed.issues)}`);
            return parsed.value.map((e) => e.event_id);
          });
          if (queued.length > 0) expect(reread).toEqual(body.event_ids ?? [body.event_id]);
          return;
        }
        expectClientError(response.statusCode, body);
      }),
      { numRuns: 400 },
    );
    // The requests reached every answer, not only the first check a request fails.
    expect([...statuses.keys()].sort()).toEqual([202, 400, 401, 403, 413, 415]);
  });
});
