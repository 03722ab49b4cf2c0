// Back-dated events (imports) at the ingest handler: over 7 days old only with a key of every
// event's site or the admin key; the key is read only when some event is that old. The queue
// keeps what it is sent; keys come from a stub of the sites table.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey, newApiKey } from '../../functions/domain/api-keys.ts';
import { backdatedIssues, MAX_UNKEYED_AGE_DAYS, UNKEYED_AGE_ISSUE } from '../../functions/domain/event.ts';
import { parseQueuedEvents } from '../../functions/domain/queue-codec.ts';
import type { KeyCheck } from '../../functions/commons/authorize.ts';
import type { SendMessage } from '../../functions/commons/sqs-send-message.ts';
import { ingestHandler } from '../../functions/ingest/ingest.ts';
import { siteGate } from '../../functions/ingest/site-gate.ts';
import { beacon, trackedEvent } from '../support/factories.ts';
import { lambdaContext, restEvent } from '../support/events.ts';
import type { HttpHandler } from '../support/handlers.ts';
import { captureOutput, type CapturedOutput } from '../support/output.ts';

const DAY_MS = 86_400_000;
const ADMIN_KEY = newApiKey();
const KEY_OF_A = newApiKey();
const QUEUE = { queueUrl: 'http://sqs.us-east-1.localhost:9324/000000000000/EventsQueue', maxMessageBytes: 1_048_576 };

let queued: string[] = [];
let keyReads = 0;
let sitesTableDown = false;
const sqs: SendMessage = async ({ MessageBody }) => {
  queued.push(MessageBody);
  return { MessageId: randomUUID() };
};
const keys: KeyCheck = {
  findKey: async (hash) => {
    keyReads++;
    if (sitesTableDown) throw new Error('sites table unavailable');
    return hash === hashApiKey(KEY_OF_A) ? { siteId: 'site-a', keyId: 'key-a', createdAt: '2025-01-01T00:00:00Z' } : undefined;
  },
  adminKey: { peek: () => undefined, load: async () => hashApiKey(ADMIN_KEY) },
};
/** Registrations for restricted ingestion: site-a and site-b, any origin. */
const registrations = {
  send: async (command: { input: { RequestItems: Record<string, { Keys: Array<{ pk: string }> }> } }) => {
    const [[table, { Keys }]] = Object.entries(command.input.RequestItems) as [[string, { Keys: Array<{ pk: string }> }]];
    const items = Keys.map(({ pk }) => pk.replace(/^SITE#/, ''))
      .filter((site) => site === 'site-a' || site === 'site-b')
      .map((site) => ({ pk: `SITE#${site}`, sk: 'SITE', site_id: site, origins: [], created_at: '2025-01-01T00:00:00Z' }));
    return { Responses: { [table]: items } };
  },
} as unknown as DynamoDBDocumentClient;

const options = { botFilter: true, countryLookup: () => undefined, keys };
const handlers = {
  open: ingestHandler(sqs, QUEUE, options) as unknown as HttpHandler,
  restricted: ingestHandler(sqs, QUEUE, { ...options, gate: siteGate(registrations, 'SitesTable') }) as unknown as HttpHandler,
};

const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

async function post(gate: keyof typeof handlers, path: '/event' | '/events', body: unknown, headers: Record<string, string> = {}) {
  const response = await handlers[gate](
    restEvent({ method: 'POST', path, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } }),
    lambdaContext('ingest'),
  );
  return { status: response.statusCode, headers: response.headers ?? {}, body: JSON.parse(response.body) };
}

let output: CapturedOutput;
beforeEach(() => {
  queued = [];
  keyReads = 0;
  sitesTableDown = false;
  output = captureOutput();
});
afterEach(() => output.restore());

describe('backdatedIssues', () => {
  it(`names the timestamp of each event more than ${MAX_UNKEYED_AGE_DAYS} days older than its receipt, by index in a batch`, () => {
    // Prepare
    const receivedAt = '2025-11-12T20:00:00.000Z';
    const at = (timestamp: string) => trackedEvent({ timestamp, received_at: receivedAt });
    const events = [at('2025-11-05T20:00:00.000Z'), at('2025-11-05T19:59:59.999Z'), at('2024-10-08T20:00:00.000Z')];

    // Act, Assess
    expect(backdatedIssues(events, true)).toEqual([
      { field: '[1].timestamp', message: UNKEYED_AGE_ISSUE },
      { field: '[2].timestamp', message: UNKEYED_AGE_ISSUE },
    ]);
    expect(backdatedIssues(events.slice(1, 2), false)).toEqual([{ field: 'timestamp', message: UNKEYED_AGE_ISSUE }]);
    expect(backdatedIssues(events.slice(0, 1), false)).toEqual([]);
  });
});

describe.each(['open', 'restricted'] as const)('POST /event and POST /events back-dating events (%s ingestion)', (gate) => {
  it('accept events up to 7 days old without a key, and read no key, whatever Authorization the request carries', async () => {
    // Act
    const fresh = await post(gate, '/event', beacon({ site_id: 'site-a', timestamp: daysAgo(6.9) }), bearer('bak_not-a-key'));
    const batch = await post(gate, '/events', [beacon({ site_id: 'site-a' }), beacon({ site_id: 'site-b', timestamp: daysAgo(6) })]);

    // Assess
    expect([fresh.status, batch.status]).toEqual([202, 202]);
    expect(keyReads).toBe(0);
    expect(queued).toHaveLength(2);
  });

  it('refuse an older event without a key: 400 invalid_event naming its timestamp, nothing queued', async () => {
    // Act
    const single = await post(gate, '/event', beacon({ site_id: 'site-a', timestamp: daysAgo(8) }));
    const batch = await post(gate, '/events', [beacon({ site_id: 'site-a' }), beacon({ site_id: 'site-a', timestamp: daysAgo(30) })]);

    // Assess
    expect(single).toMatchObject({ status: 400, body: { error: { code: 'invalid_event', details: [{ field: 'timestamp', message: UNKEYED_AGE_ISSUE }] } } });
    expect(single.body.error.details[0].message).toMatch(/^must not be more than 7 days old without a key; /);
    expect(batch).toMatchObject({ status: 400, body: { error: { code: 'invalid_event', details: [{ field: '[1].timestamp', message: UNKEYED_AGE_ISSUE }] } } });
    expect(queued).toEqual([]);
  });

  it('accept events up to 400 days old with a key of their site, or the admin key, and queue them as the processor accepts them', async () => {
    // Act
    const withSiteKey = await post(gate, '/events', [beacon({ site_id: 'site-a', timestamp: daysAgo(399), event_id: 'old-a' }), beacon({ site_id: 'site-a', event_id: 'new-a' })], bearer(KEY_OF_A));
    const withAdminKey = await post(gate, '/event', beacon({ site_id: 'site-b', timestamp: daysAgo(200), event_id: 'old-b' }), bearer(ADMIN_KEY));

    // Assess
    expect([withSiteKey.status, withAdminKey.status]).toEqual([202, 202]);
    const reread = queued.map((body) => parseQueuedEvents(body));
    expect(reread.every((result) => result.ok)).toBe(true);
    expect(reread.flatMap((result) => (result.ok ? result.value.map((e) => e.event_id) : []))).toEqual(['old-a', 'new-a', 'old-b']);
    expect(output.logs().filter((log) => log.message === 'back-dated events accepted').map((log) => [log.reader, log.events, log.backdated])).toEqual([
      ['key:key-a', 2, 1],
      ['admin', 1, 1],
    ]);
  });

  it('refuse events over 400 days old even with the admin key', async () => {
    const response = await post(gate, '/event', beacon({ site_id: 'site-a', timestamp: daysAgo(401) }), bearer(ADMIN_KEY));
    expect(response).toMatchObject({ status: 400, body: { error: { code: 'invalid_event', details: [{ field: 'timestamp', message: 'must not be more than 400 days old' }] } } });
  });

  it('answer 401 unauthorized for a key that is not valid, as the stats API does', async () => {
    // Act
    const unknown = await post(gate, '/event', beacon({ site_id: 'site-a', timestamp: daysAgo(8) }), bearer(newApiKey()));
    const notBearer = await post(gate, '/event', beacon({ site_id: 'site-a', timestamp: daysAgo(8) }), { Authorization: 'Basic dXNlcjpwYXNz' });

    // Assess
    for (const response of [unknown, notBearer]) {
      expect(response).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.headers['access-control-allow-origin']).toBe('*');
    }
    expect(queued).toEqual([]);
  });

  it('answer 403 forbidden for a site key when any event of the request is of another site', async () => {
    // Act
    const other = await post(gate, '/event', beacon({ site_id: 'site-b', timestamp: daysAgo(8) }), bearer(KEY_OF_A));
    const mixed = await post(gate, '/events', [beacon({ site_id: 'site-a', timestamp: daysAgo(8) }), beacon({ site_id: 'site-b' })], bearer(KEY_OF_A));

    // Assess
    expect(other).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: 'This API key may not send events of site site-b' } } });
    expect(mixed).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(queued).toEqual([]);
  });

  it('answer 503 auth_unavailable when keys cannot be read, with Retry-After', async () => {
    // Prepare
    sitesTableDown = true;

    // Act
    const response = await post(gate, '/event', beacon({ site_id: 'site-a', timestamp: daysAgo(8) }), bearer(KEY_OF_A));

    // Assess
    expect(response).toMatchObject({ status: 503, body: { error: { code: 'auth_unavailable' } } });
    expect(response.headers['retry-after']).toBe('5');
    expect(output.logs().map((log) => [log.level, log.message])).toContainEqual(['ERROR', 'site keys unavailable']);
  });
});
