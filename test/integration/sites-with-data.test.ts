import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { recordExistingSites } from '../../scripts/ops/existing-sites.ts';
import { processBatch, type ProcessorSettings } from '../../functions/processor/process-batch.ts';
import { toQueueMessage, type TrackedEvent } from '../../functions/domain/event.ts';
import { hashApiKey, newApiKey } from '../../functions/domain/api-keys.ts';
import { ALL_TIME, SITES_WITH_DATA, totalsKey, VIEWS_ATTR } from '../../functions/domain/keys.ts';
import { saveApiKey } from '../../functions/store/api-keys.ts';
import { siteRecorder } from '../../functions/store/site-recorder.ts';
import { listSitesWithData } from '../../functions/store/sites-with-data.ts';
import { trackedEvent } from '../support/factories.ts';
import { ADMIN_KEY, stackResources, type StackResources } from '../support/aws.ts';
import { lambdaContext, restEvent } from '../support/events.ts';
import { loadHandler } from '../support/handlers.ts';
import { silenceOutput } from '../support/output.ts';

type HttpHandler = (event: unknown, context: unknown) => Promise<APIGatewayProxyResult>;

let aws: StackResources;
let settings: ProcessorSettings;
let stats: HttpHandler;
beforeAll(async () => {
  silenceOutput();
  aws = await stackResources();
  settings = { tables: aws.tables, pathBuckets: 4, leaseMs: 90_000, retentionDays: 90 };
  stats = await loadHandler<HttpHandler>('functions/stats/handler.ts', aws.functionEnv('StatsFunction'));
});
afterEach(() => vi.restoreAllMocks());

const run = Date.now().toString(36);
let siteCounter = 0;
const newSite = () => `sites-${run}-${siteCounter++}`;
const records = (events: TrackedEvent[]) => events.map((e, i) => ({ messageId: `m-${e.event_id}-${i}`, body: toQueueMessage(e) }));
const recording = (recordSites = siteRecorder(aws.doc, aws.tables.aggregates)): ProcessorSettings => ({ ...settings, recordSites });

/** The requests `doc` sends from now on that read or write the sites with data. */
function sitesRequests() {
  const send = vi.spyOn(aws.doc, 'send');
  const touches = (kind: 'put' | 'read') =>
    send.mock.calls.filter(([command]) => {
      if (kind === 'put') return command instanceof PutCommand && command.input.Item?.pk === SITES_WITH_DATA;
      if (!(command instanceof BatchGetCommand)) return false;
      return Object.values(command.input.RequestItems ?? {}).some((request) => request.Keys?.some((key) => key.pk === SITES_WITH_DATA));
    }).length;
  return { puts: () => touches('put'), reads: () => touches('read') };
}

const getSites = async (authorization?: string) => {
  const headers: Record<string, string> = authorization === undefined ? {} : { Authorization: authorization };
  const response = await stats(restEvent({ method: 'GET', path: '/sites', query: {}, headers }), lambdaContext('stats'));
  return { status: response.statusCode, json: JSON.parse(response.body) };
};

async function keyFor(site: string): Promise<string> {
  const key = newApiKey();
  await saveApiKey(aws.doc, aws.tables.sites, site, hashApiKey(key));
  return key;
}

describe('recording the sites with data', () => {
  it('records a new site once: later batches of the instance neither read nor write the record', async () => {
    // Prepare
    const site = newSite();
    const processing = recording();
    const requests = sitesRequests();

    // Act
    for (const batch of ['rec-1', 'rec-2', 'rec-3']) {
      expect(await processBatch(aws.doc, processing, records([trackedEvent({ site_id: site })]), `${batch}-${site}`)).toMatchObject({ failed: [], counted: 1 });
    }

    // Assess
    expect(requests.puts()).toBe(1);
    expect(requests.reads()).toBe(1);
    expect(await listSitesWithData(aws.doc, aws.tables.aggregates)).toContain(site);
  });

  it('lets another instance find the record (one read) without writing it again', async () => {
    // Prepare
    const site = newSite();
    await processBatch(aws.doc, recording(), records([trackedEvent({ site_id: site })]), `first-${site}`);
    const requests = sitesRequests();

    // Act
    const result = await processBatch(aws.doc, recording(), records([trackedEvent({ site_id: site })]), `other-${site}`);

    // Assess
    expect(result).toMatchObject({ failed: [], counted: 1 });
    expect(requests.reads()).toBe(1);
    expect(requests.puts()).toBe(0);
  });

  it('holds back the messages of a site that cannot be recorded, and counts them once it can', async () => {
    // Prepare: a table that does not exist stands for an unwritable aggregates table.
    const site = newSite();
    const events = [trackedEvent({ site_id: site }), trackedEvent({ site_id: site })];

    // Act
    const held = await processBatch(aws.doc, recording(siteRecorder(aws.doc, 'no-such-table')), records(events), `held-${site}`);
    const retried = await processBatch(aws.doc, recording(), records(events), `retried-${site}`);

    // Assess
    expect(held).toMatchObject({ counted: 0, units: 0 });
    expect(held.failed.sort()).toEqual(records(events).map((r) => r.messageId).sort());
    expect(retried).toMatchObject({ failed: [], counted: 2 });
  });
});

describe('GET /sites', () => {
  const busy = newSite();
  const quiet = newSite();
  beforeAll(async () => {
    const events = [
      ...['2026-03-02', '2026-03-09', '2026-02-27'].map((day) => trackedEvent({ site_id: busy, timestamp: `${day}T12:00:00.000Z` })),
      trackedEvent({ site_id: busy, event_type: 'signup', timestamp: '2026-03-10T08:00:00.000Z' }),
      trackedEvent({ site_id: quiet, timestamp: '2026-01-05T12:00:00.000Z' }),
    ];
    expect(await processBatch(aws.doc, recording(), records(events), `sites-${run}`)).toMatchObject({ failed: [], counted: 5 });
  });

  it('lists for the admin key every site with data: its first and last day and all-time views, most viewed first', async () => {
    // Act
    const { status, json } = await getSites(`Bearer ${ADMIN_KEY}`);

    // Assess
    expect(status).toBe(200);
    const ours = (json.sites as Array<{ site_id: string }>).filter((s) => s.site_id === busy || s.site_id === quiet);
    expect(ours).toEqual([
      { site_id: busy, first_day: '2026-02-27', last_day: '2026-03-10', views: 3 },
      { site_id: quiet, first_day: '2026-01-05', last_day: '2026-01-05', views: 1 },
    ]);
    const views = (json.sites as Array<{ views: number }>).map((s) => s.views);
    expect(views).toEqual([...views].sort((a, b) => b - a));
  });

  it('lists for a site key its own site alone', async () => {
    expect(await getSites(`Bearer ${await keyFor(quiet)}`)).toEqual({
      status: 200,
      json: { sites: [{ site_id: quiet, first_day: '2026-01-05', last_day: '2026-01-05', views: 1 }] },
    });
  });

  it('lists nothing for the key of a site without data', async () => {
    expect(await getSites(`Bearer ${await keyFor(newSite())}`)).toEqual({ status: 200, json: { sites: [] } });
  });

  it('answers 401 unauthorized in the error shape without a valid key', async () => {
    for (const authorization of [undefined, 'Bearer bak_not-a-key']) {
      const { status, json } = await getSites(authorization);
      expect(status).toBe(401);
      expect(json).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  });
});

describe('npm run record-sites', () => {
  it('records the sites counted before sites were recorded, once', async () => {
    // Prepare: a site whose all-time totals exist without a record.
    const site = newSite();
    await aws.doc.send(new PutCommand({ TableName: aws.tables.aggregates, Item: { ...totalsKey(site, ALL_TIME), [VIEWS_ATTR]: 2 } }));
    expect(await listSitesWithData(aws.doc, aws.tables.aggregates)).not.toContain(site);

    // Act
    const first = await recordExistingSites(aws.doc, aws.tables.aggregates);
    const again = await recordExistingSites(aws.doc, aws.tables.aggregates);

    // Assess
    expect(first.found).toContain(site);
    expect(first.recorded).toBeGreaterThanOrEqual(1);
    expect(again.recorded).toBe(0);
    expect(await listSitesWithData(aws.doc, aws.tables.aggregates)).toContain(site);
  });
});
