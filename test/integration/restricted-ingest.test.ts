import { beforeAll, describe, expect, it } from 'vitest';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { acceptBeacon, type TrackedEvent } from '../../functions/domain/event.ts';
import { siteGate, SITE_CACHE_MS, UNKNOWN_SITE_CACHE_MS } from '../../functions/ingest/site-gate.ts';
import { HttpError } from '../../functions/commons/http.ts';
import { saveSite, deleteSite } from '../../functions/store/sites/registrations.ts';
import { ADMIN_KEY, stackResources, type StackResources } from '../support/aws.ts';
import { hashApiKey, newApiKey } from '../../functions/domain/api-keys.ts';
import { saveApiKey } from '../../functions/store/sites/api-keys.ts';
import { beacon } from '../support/factories.ts';
import { lambdaContext, restEvent } from '../support/events.ts';
import { loadHandler, type HttpHandler } from '../support/handlers.ts';
import { captureOutput } from '../support/output.ts';
import { decodeQueued } from '../../functions/domain/queue-codec.ts';

let aws: StackResources;
let ingest: HttpHandler;
const run = Date.now().toString(36);

beforeAll(async () => {
  aws = await stackResources();
  // The default template's ingest environment, plus the sites table restrictIngestion=true adds.
  ingest = await loadHandler<HttpHandler>('functions/ingest/restricted-handler.ts', { ...aws.functionEnv('IngestFunction'), SITES_TABLE: aws.tables.sites });
});

const post = async (route: '/event' | '/events', body: unknown, origin?: string, authorization?: string) => {
  const headers: Record<string, string> = { 'Content-Type': 'text/plain', ...(origin ? { Origin: origin } : {}), ...(authorization ? { Authorization: authorization } : {}) };
  const response = await ingest(restEvent({ method: 'POST', path: route, body: JSON.stringify(body), headers }), lambdaContext());
  return { status: response.statusCode, json: JSON.parse(response.body), headers: response.headers ?? {} };
};

describe('restricted ingestion (restricted-handler.ts against DynamoDB Local)', () => {
  it('accepts a registered site from its origin and from a server, and queues the event', async () => {
    const site = `reg-ok-${run}`;
    await saveSite(aws.doc, aws.tables.sites, site, { origins: ['https://www.ok.example'] });
    const fromBrowser = await post('/event', beacon({ site_id: site, event_id: `${run}-1` }), 'https://www.ok.example');
    const fromServer = await post('/event', beacon({ site_id: site, event_id: `${run}-2` }));
    expect([fromBrowser.status, fromServer.status]).toEqual([202, 202]);
    const { Messages = [] } = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: aws.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    await aws.settle(Messages, []);
    expect(Messages.map((m) => (decodeQueued(JSON.parse(m.Body!)) as { event_id: string }).event_id).sort()).toEqual(expect.arrayContaining([`${run}-1`, `${run}-2`]));
  });

  it('takes events over 7 days old of a registered site only with its key or the admin key', async () => {
    // Prepare
    const site = `reg-import-${run}`;
    const key = newApiKey();
    await saveSite(aws.doc, aws.tables.sites, site, { origins: [] });
    await saveApiKey(aws.doc, aws.tables.sites, site, hashApiKey(key));
    const old = beacon({ site_id: site, event_id: `${run}-import`, timestamp: new Date(Date.now() - 90 * 86_400_000).toISOString() });

    // Act
    const withoutKey = await post('/events', [beacon({ site_id: site }), old]);
    const wrongKey = await post('/events', [old], undefined, `Bearer ${newApiKey()}`);
    const withKey = await post('/events', [old], undefined, `Bearer ${key}`);
    const withAdminKey = await post('/event', old, undefined, `Bearer ${ADMIN_KEY}`);
    const queued: string[] = [];
    for (let polls = 0; queued.length < 2 && polls < 20; polls++) {
      const { Messages = [] } = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: aws.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      await aws.settle(Messages, []);
      for (const message of Messages) {
        const json = JSON.parse(message.Body!) as unknown[];
        for (const event of typeof json[0] === 'string' ? [json] : json) {
          const { site_id, event_id } = decodeQueued(event) as { site_id: string; event_id: string };
          if (site_id === site) queued.push(event_id);
        }
      }
    }

    // Assess
    expect([withoutKey.status, wrongKey.status, withKey.status, withAdminKey.status]).toEqual([400, 401, 202, 202]);
    expect(queued).toEqual([`${run}-import`, `${run}-import`]);
    expect(withoutKey.json.error.details.map((d: { field: string }) => d.field)).toEqual(['[1].timestamp']);
    expect(wrongKey.json.error.code).toBe('unauthorized');
  });

  it('answers 403 forbidden for an unregistered site, and a batch holding one is refused whole', async () => {
    const site = `reg-yes-${run}`;
    await saveSite(aws.doc, aws.tables.sites, site, { origins: [] });
    const single = await post('/event', beacon({ site_id: `reg-no-${run}` }));
    const batch = await post('/events', [beacon({ site_id: site }), beacon({ site_id: `reg-no-${run}` })]);
    for (const response of [single, batch]) {
      expect(response.status).toBe(403);
      expect(response.json.error).toEqual({ code: 'forbidden', message: `Site reg-no-${run} is not registered for ingestion` });
      expect(response.headers['access-control-allow-origin']).toBe('*');
    }
  });

  it('answers 403 forbidden to a browser on another origin', async () => {
    const site = `reg-origin-${run}`;
    await saveSite(aws.doc, aws.tables.sites, site, { origins: ['https://www.mine.example'] });
    const response = await post('/event', beacon({ site_id: site }), 'https://evil.example');
    expect([response.status, response.json.error.message]).toEqual([403, `Origin https://evil.example may not send events of site ${site}`]);
  });
});

describe('siteGate', () => {
  const event = (siteId: string): TrackedEvent => {
    const result = acceptBeacon(beacon({ site_id: siteId }), new Date(), () => 'id');
    if (!result.ok) throw new Error('fixture must be valid');
    return result.value;
  };
  const refusal = (promise: Promise<void>) => promise.then(() => undefined, (error: HttpError) => error.statusCode);

  it('trusts a registration for a minute and an unknown site for 10 s, then reads again', async () => {
    // Prepare
    let now = 1_000_000;
    const gate = siteGate(aws.doc, aws.tables.sites, () => now);
    const site = `reg-cache-${run}`;

    // Act + Assess: unregistered, then registered but still cached as unregistered, then read again.
    expect(await refusal(gate([event(site)], undefined))).toBe(403);
    await saveSite(aws.doc, aws.tables.sites, site, { origins: [] });
    expect(await refusal(gate([event(site)], undefined))).toBe(403);
    now += UNKNOWN_SITE_CACHE_MS;
    expect(await refusal(gate([event(site)], undefined))).toBeUndefined();
    await deleteSite(aws.doc, aws.tables.sites, site);
    now += SITE_CACHE_MS - 1;
    expect(await refusal(gate([event(site)], undefined))).toBeUndefined();
    now += 1;
    expect(await refusal(gate([event(site)], undefined))).toBe(403);
  });

  it('answers 503 when the registrations cannot be read, never 5xx for what the client sent otherwise', async () => {
    const gate = siteGate(aws.doc, 'no-such-table', () => 0);
    const output = captureOutput();
    const status = await refusal(gate([event(`reg-x-${run}`)], undefined));
    output.restore();
    expect(status).toBe(503);
    expect(output.logs()).toEqual([expect.objectContaining({ level: 'ERROR', message: 'site registrations unavailable' })]);
  });
});
