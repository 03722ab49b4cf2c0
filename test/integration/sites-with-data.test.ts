import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { recordExistingSites } from '../../ops/migrations/record-sites/record-sites.ts';
import { processBatch, type ProcessorSettings } from '../../functions/processor/process-batch.ts';
import type { TrackedEvent } from '../../functions/domain/event.ts';
import { toQueueMessage } from '../../functions/domain/queue-codec.ts';
import { hashApiKey, newApiKey } from '../../functions/domain/api-keys.ts';
import { ALL_TIME, SITES_WITH_DATA, siteWithDataKey, totalsKey, VIEWS_ATTR } from '../../functions/domain/table-schema.ts';
import { siteCursor } from '../../functions/domain/site-list.ts';
import { meterCapacity } from '../../functions/commons/capacity.ts';
import { saveApiKey } from '../../functions/store/sites/api-keys.ts';
import { siteRecorder } from '../../functions/store/write/site-recorder.ts';
import { readSiteSummaries } from '../../functions/store/read/site-summaries.ts';
import { listSitesWithData, readSitesPage, recordSiteWithData } from '../../functions/store/sites/sites-with-data.ts';
import { trackedEvent } from '../support/factories.ts';
import { ADMIN_KEY } from '../support/aws.ts';
import { lambdaContext, restEvent } from '../support/events.ts';
import { silenceOutput } from '../support/output.ts';
import { countingStack, type CountingStack } from '../support/processing.ts';

let { aws, settings, stats } = {} as CountingStack;
beforeAll(async () => {
  silenceOutput();
  ({ aws, settings, stats } = await countingStack());
});
afterEach(() => vi.restoreAllMocks());

const run = Date.now().toString(36);
let siteCounter = 0;
const newSite = () => `sites-${run}-${String(siteCounter++).padStart(3, '0')}`;
const records = (events: TrackedEvent[]) => events.map((e, i) => ({ messageId: `m-${e.event_id}-${i}`, body: toQueueMessage(e) }));
const recording = (recordSites = siteRecorder(aws.doc, aws.tables.aggregates)): ProcessorSettings => ({ ...settings, recordSites });
const on = (site: string, ...days: string[]) => days.map((day) => trackedEvent({ site_id: site, timestamp: `${day}T12:00:00.000Z` }));
const siteRecord = async (site: string) =>
  (await aws.doc.send(new GetCommand({ TableName: aws.tables.aggregates, Key: siteWithDataKey(site), ConsistentRead: true }))).Item;

/** The requests `doc` sends from now on that read or write the sites with data. */
function sitesRequests() {
  const send = vi.spyOn(aws.doc, 'send');
  const touches = (kind: 'put' | 'read' | 'update') =>
    send.mock.calls.filter(([command]) => {
      if (kind === 'put') return command instanceof PutCommand && command.input.Item?.pk === SITES_WITH_DATA;
      if (kind === 'update') return command instanceof UpdateCommand && command.input.Key?.pk === SITES_WITH_DATA;
      if (!(command instanceof BatchGetCommand)) return false;
      return Object.values(command.input.RequestItems ?? {}).some((request) => request.Keys?.some((key) => key.pk === SITES_WITH_DATA));
    }).length;
  return { puts: () => touches('put'), reads: () => touches('read'), updates: () => touches('update') };
}

const getSites = async (authorization?: string, query: Record<string, string> = {}) => {
  const headers: Record<string, string> = authorization === undefined ? {} : { Authorization: authorization };
  const response = await stats(restEvent({ method: 'GET', path: '/sites', query, headers }), lambdaContext('stats'));
  return { status: response.statusCode, json: JSON.parse(response.body) };
};

async function keyFor(site: string): Promise<string> {
  const key = newApiKey();
  await saveApiKey(aws.doc, aws.tables.sites, site, hashApiKey(key));
  return key;
}

/** A site counted before sites were recorded (or before records kept days): its events counted without a recorder. */
async function countedUnrecorded(site: string, ...days: string[]): Promise<void> {
  expect(await processBatch(aws.doc, settings, records(on(site, ...days)), `legacy-${site}`)).toMatchObject({ failed: [], counted: days.length });
}

describe('recording the sites with data', () => {
  it('records a new site once, with its first and last days: later batches of those days neither read nor write the record', async () => {
    // Prepare
    const site = newSite();
    const processing = recording();
    const requests = sitesRequests();

    // Act
    expect(await processBatch(aws.doc, processing, records(on(site, '2026-03-04', '2026-03-02')), `rec-1-${site}`)).toMatchObject({ failed: [], counted: 2 });
    for (const batch of ['rec-2', 'rec-3']) {
      expect(await processBatch(aws.doc, processing, records(on(site, '2026-03-03')), `${batch}-${site}`)).toMatchObject({ failed: [], counted: 1 });
    }

    // Assess
    expect([requests.reads(), requests.puts(), requests.updates()]).toEqual([1, 1, 0]);
    expect(await siteRecord(site)).toMatchObject({ site_id: site, first_day: '2026-03-02', last_day: '2026-03-04', month_sketches: true });
    expect(await listSitesWithData(aws.doc, aws.tables.aggregates)).toContain(site);
  });

  it('widens the days of the record with one conditional update per new day and instance', async () => {
    // Prepare
    const site = newSite();
    const processing = recording();
    await processBatch(aws.doc, processing, records(on(site, '2026-03-10')), `wide-1-${site}`);
    const requests = sitesRequests();

    // Act: a new last day twice, then an earlier first day (a server posting older events).
    await processBatch(aws.doc, processing, records(on(site, '2026-03-11')), `wide-2-${site}`);
    await processBatch(aws.doc, processing, records(on(site, '2026-03-11', '2026-03-10')), `wide-3-${site}`);
    await processBatch(aws.doc, processing, records(on(site, '2026-03-01')), `wide-4-${site}`);

    // Assess
    expect([requests.reads(), requests.puts(), requests.updates()]).toEqual([0, 0, 2]);
    expect(await siteRecord(site)).toMatchObject({ first_day: '2026-03-01', last_day: '2026-03-11' });
  });

  it('lets another instance find the record (one read) and write a day only past what it holds; an older day never narrows it', async () => {
    // Prepare
    const site = newSite();
    await processBatch(aws.doc, recording(), records(on(site, '2026-03-05', '2026-03-07')), `first-${site}`);
    const requests = sitesRequests();

    // Act
    const inside = await processBatch(aws.doc, recording(), records(on(site, '2026-03-06')), `other-${site}`);
    const later = recording();
    await processBatch(aws.doc, later, records(on(site, '2026-03-08')), `later-${site}`);

    // Assess
    expect(inside).toMatchObject({ failed: [], counted: 1 });
    expect([requests.reads(), requests.puts(), requests.updates()]).toEqual([2, 0, 1]);
    expect(await siteRecord(site)).toMatchObject({ first_day: '2026-03-05', last_day: '2026-03-08' });
  });

  it('keeps the last day of a record made before days were kept, and leaves its first day to npm run record-sites', async () => {
    // Prepare: a record without days, as processors before this one wrote them.
    const site = newSite();
    await recordSiteWithData(aws.doc, aws.tables.aggregates, site);
    await countedUnrecorded(site, '2026-02-01', '2026-02-20');

    // Act: an event older than the last counted day comes first.
    await processBatch(aws.doc, recording(), records(on(site, '2026-02-10')), `old-${site}`);
    const listed = await readSiteSummaries(aws.doc, aws.tables.aggregates, [{ site_id: site, ...(await siteRecord(site)) }]);

    // Assess: the record is not trusted without a first day; the site's days are read instead.
    expect(await siteRecord(site)).toMatchObject({ last_day: '2026-02-10' });
    expect((await siteRecord(site))?.first_day).toBeUndefined();
    expect(listed).toEqual([{ site_id: site, first_day: '2026-02-01', last_day: '2026-02-20', views: 3 }]);
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
  const legacy = newSite();
  beforeAll(async () => {
    const events = [
      ...on(busy, '2026-03-02', '2026-03-09', '2026-02-27'),
      trackedEvent({ site_id: busy, event_type: 'signup', timestamp: '2026-03-10T08:00:00.000Z' }),
      ...on(quiet, '2026-01-05'),
    ];
    expect(await processBatch(aws.doc, recording(), records(events), `sites-${run}`)).toMatchObject({ failed: [], counted: 5 });
    // A site recorded before records kept days.
    await recordSiteWithData(aws.doc, aws.tables.aggregates, legacy);
    await countedUnrecorded(legacy, '2025-12-24', '2025-12-31');
  });

  /** Our sites on the admin's pages, read from just before them. */
  const ours = (sites: Array<{ site_id: string }>) => sites.filter((s) => [busy, quiet, legacy].includes(s.site_id));
  const fromOurs = siteCursor(`sites-${run}-`);

  it('lists for the admin key the sites with data by id: first and last day and all-time views, from the record or, for an old record, the days', async () => {
    // Act
    const { status, json } = await getSites(`Bearer ${ADMIN_KEY}`, { cursor: fromOurs });

    // Assess
    expect(status).toBe(200);
    expect(ours(json.sites)).toEqual([
      { site_id: busy, first_day: '2026-02-27', last_day: '2026-03-10', views: 3 },
      { site_id: quiet, first_day: '2026-01-05', last_day: '2026-01-05', views: 1 },
      { site_id: legacy, first_day: '2025-12-24', last_day: '2025-12-31', views: 2 },
    ]);
    const ids = (json.sites as Array<{ site_id: string }>).map((s) => s.site_id);
    expect(ids).toEqual([...ids].sort());
  });

  it('pages with limit and next_cursor: every site once, in id order, until no cursor is left', async () => {
    // Act
    const pages: Array<{ sites: Array<{ site_id: string }>; next_cursor?: string }> = [];
    let cursor: string | undefined = fromOurs;
    do {
      const { status, json } = await getSites(`Bearer ${ADMIN_KEY}`, { limit: '2', cursor });
      expect(status).toBe(200);
      pages.push(json);
      cursor = json.next_cursor;
    } while (cursor !== undefined && pages.length < 1000);

    // Assess
    expect(pages.every((page) => page.sites.length <= 2)).toBe(true);
    const ids = pages.flatMap((page) => page.sites.map((s) => s.site_id));
    expect(ids).toEqual([...new Set(ids)].sort());
    expect(ours(pages.flatMap((page) => page.sites)).map((s) => s.site_id)).toEqual([busy, quiet, legacy]);
    expect(pages.at(-1)!.next_cursor).toBeUndefined();
  });

  it('answers 400 invalid_query naming a bad cursor or limit', async () => {
    for (const [query, field] of [[{ cursor: 'not-a-cursor!' }, 'cursor'], [{ limit: '1001' }, 'limit'], [{ limit: '0' }, 'limit']] as const) {
      const { status, json } = await getSites(`Bearer ${ADMIN_KEY}`, query);
      expect(status).toBe(400);
      expect(json).toEqual({ error: { code: 'invalid_query', message: expect.any(String), details: [{ field, message: expect.any(String) }] } });
    }
  });

  it('lists for a site key its own site alone, recorded or not', async () => {
    expect(await getSites(`Bearer ${await keyFor(quiet)}`)).toEqual({
      status: 200,
      json: { sites: [{ site_id: quiet, first_day: '2026-01-05', last_day: '2026-01-05', views: 1 }] },
    });
    const unrecorded = newSite();
    await countedUnrecorded(unrecorded, '2026-01-07');
    expect((await getSites(`Bearer ${await keyFor(unrecorded)}`)).json).toEqual({
      sites: [{ site_id: unrecorded, first_day: '2026-01-07', last_day: '2026-01-07', views: 1 }],
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

describe('what a page of 100 sites costs', () => {
  // Records and all-time totals written directly: 100 sites whose ids sort together.
  const prefix = `cost-${run}-`;
  const sites = Array.from({ length: 100 }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
  beforeAll(async () => {
    for (const site of sites) {
      await recordSiteWithData(aws.doc, aws.tables.aggregates, site, { days: { first: '2026-01-01', last: '2026-03-31' } });
      await aws.doc.send(new PutCommand({ TableName: aws.tables.aggregates, Item: { ...totalsKey(site, ALL_TIME), [VIEWS_ATTR]: 7 } }));
    }
  });

  it('is one Query of the records and one BatchGetItem of the totals, with no Query per site', async () => {
    // Prepare
    const send = vi.spyOn(aws.doc, 'send');

    // Act
    const { result, capacity } = await meterCapacity(async () => {
      const page = await readSitesPage(aws.doc, aws.tables.aggregates, { limit: 100, after: `${prefix}` });
      return { page, summaries: await readSiteSummaries(aws.doc, aws.tables.aggregates, page.records) };
    });

    // Assess
    expect(result.summaries).toEqual(sites.map((site_id) => ({ site_id, first_day: '2026-01-01', last_day: '2026-03-31', views: 7 })));
    const commands = send.mock.calls.map(([command]) => command.constructor.name);
    expect(commands.filter((name) => name === QueryCommand.name)).toHaveLength(1);
    expect(commands.filter((name) => name === BatchGetCommand.name)).toHaveLength(1);
    expect(commands).toHaveLength(2);
    // Eventually consistent: half a unit per item up to 4 KB, and the Query by the size it reads.
    expect(capacity.BatchGetItem).toBe(50);
    expect(capacity.Query).toBeLessThanOrEqual(3);
  });
});

describe('npm run record-sites', () => {
  it('records the sites counted before sites were recorded, once, with their first and last days', async () => {
    // Prepare: a site whose totals exist without a record.
    const site = newSite();
    await countedUnrecorded(site, '2026-01-03', '2026-01-09');
    expect(await listSitesWithData(aws.doc, aws.tables.aggregates)).not.toContain(site);

    // Act
    const first = await recordExistingSites(aws.doc, aws.tables.aggregates);
    const again = await recordExistingSites(aws.doc, aws.tables.aggregates);

    // Assess
    expect(first.found).toContain(site);
    expect(first.recorded).toBeGreaterThanOrEqual(1);
    expect([again.recorded, again.filled]).toEqual([0, 0]);
    expect(await siteRecord(site)).toMatchObject({ first_day: '2026-01-03', last_day: '2026-01-09' });
  });

  it('gives a record made before days were kept its first and last days, keeping a later last day a processor wrote', async () => {
    // Prepare: an old record; a processor then counted a later day and kept it as the last.
    const site = newSite();
    await recordSiteWithData(aws.doc, aws.tables.aggregates, site);
    await countedUnrecorded(site, '2026-01-03', '2026-01-09');
    await processBatch(aws.doc, recording(), records(on(site, '2026-01-12')), `after-${site}`);

    // Act
    const filled = await recordExistingSites(aws.doc, aws.tables.aggregates);

    // Assess
    expect(filled.filled).toBeGreaterThanOrEqual(1);
    expect(await siteRecord(site)).toMatchObject({ first_day: '2026-01-03', last_day: '2026-01-12' });
  });
});
