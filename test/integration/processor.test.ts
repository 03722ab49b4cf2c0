import { beforeAll, describe, expect, it } from 'vitest';
import { processBatch, type ProcessorSettings } from '../../functions/processor/process-batch.ts';
import type { TrackedEvent } from '../../functions/domain/event.ts';
import { toQueueMessage, toQueueMessages } from '../../functions/domain/queue-codec.ts';
import { readScopeStats } from '../../functions/store/read/site-stats.ts';
import { claimEvents } from '../../functions/store/write/raw-events.ts';
import { ALL_TIME, rawEventKey } from '../../functions/domain/table-schema.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { meterCapacity } from '../../functions/commons/capacity.ts';
import { itemCount, unitDeltas } from '../../functions/domain/counter-units.ts';
import { saveSite } from '../../functions/store/sites/registrations.ts';
import { siteZones, ZONE_CACHE_MS } from '../../functions/store/sites/site-zones.ts';
import { trackedEvent } from '../support/factories.ts';
import { stackResources, type StackResources } from '../support/aws.ts';
import { processorSettings } from '../support/processing.ts';

let aws: StackResources;
let settings: ProcessorSettings;
beforeAll(async () => {
  aws = await stackResources();
  settings = processorSettings(aws);
});

let siteCounter = 0;
const newSite = () => `proc-${Date.now().toString(36)}-${siteCounter++}`;
const records = (events: TrackedEvent[]) => events.map((e, i) => ({ messageId: `m-${e.event_id}-${i}`, body: toQueueMessage(e) }));
const aggregates = (site: string, scope: string) => readScopeStats(aws.doc, aws.tables.aggregates, site, scope, 4);

describe('processBatch', () => {
  it('stores raw events with a TTL and counts views, types, paths and users exactly', async () => {
    // Prepare
    const site = newSite();
    const events = [
      ...Array.from({ length: 30 }, (_, i) => trackedEvent({ site_id: site, path: i % 3 ? '/a' : '/b', user_id: `u${i % 7}` })),
      trackedEvent({ site_id: site, event_type: 'signup', path: '/a', user_id: 'u-new' }),
    ];
    const receivedAt = Date.parse(events[0]!.received_at);
    // Act
    const before = Date.now();
    const result = await processBatch(aws.doc, settings, records(events), 'batch-1');
    const after = Date.now();
    // Assess
    expect(result).toMatchObject({ failed: [], counted: 31, duplicates: 0, units: 1 });
    // The fixtures were all received at one instant, long ago: the lag is from then to the commit.
    expect(result.maxLagMs).toBeGreaterThanOrEqual(before - receivedAt);
    expect(result.maxLagMs).toBeLessThanOrEqual(after - receivedAt);
    const day = await aggregates(site, '2025-11-12');
    expect(day.views).toBe(30);
    expect(day.events).toBe(31);
    expect(day.eventsByType).toEqual({ page_view: 30, signup: 1 });
    expect(Object.fromEntries(day.pathViews)).toEqual({ '/a': 20, '/b': 10 });
    expect(day.uniqueUsers).toBe(8);
    expect(await aggregates(site, ALL_TIME)).toEqual(day);
    const raw = await aws.doc.send(new GetCommand({ TableName: aws.tables.events, Key: rawEventKey(site, events[0]!.event_id) }));
    // The raw item is the event's claim alone: its unit and when; the event itself is in the lake.
    expect(Object.keys(raw.Item!).sort()).toEqual(['claimed_at', 'expires_at', 'pk', 'sk', 'unit']);
    expect(raw.Item!.unit).toBe('batch-1:' + site + ':0');
    expect(raw.Item!.expires_at).toBeGreaterThan(Date.now() / 1000 + 89 * 86_400);
  });

  it('fails only the bad messages of a batch and counts the rest', async () => {
    const site = newSite();
    const good = [trackedEvent({ site_id: site }), trackedEvent({ site_id: site })];
    const batch = [
      ...records(good),
      { messageId: 'bad-json', body: '{"site_id":' },
      { messageId: 'bad-field', body: toQueueMessage(trackedEvent({ path: 'no-slash' })) },
    ];
    const result = await processBatch(aws.doc, settings, batch, 'batch-2');
    expect(result.failed.sort()).toEqual(['bad-field', 'bad-json']);
    expect(result.invalid.find((i) => i.messageId === 'bad-field')?.issues).toEqual([{ field: 'path', message: 'must start with "/"' }]);
    expect((await aggregates(site, ALL_TIME)).events).toBe(2);
  });

  it('counts a redelivered message once, in the same batch or a later one', async () => {
    const site = newSite();
    const events = [trackedEvent({ site_id: site }), trackedEvent({ site_id: site, user_id: 'other' })];
    const first = await processBatch(aws.doc, settings, [...records(events), ...records([events[0]!])], 'batch-3');
    expect(first).toMatchObject({ failed: [], counted: 2, duplicates: 1 });
    const again = await processBatch(aws.doc, settings, records(events), 'batch-4');
    expect(again).toMatchObject({ failed: [], counted: 0, duplicates: 2 });
    const all = await aggregates(site, ALL_TIME);
    expect([all.views, all.events, all.uniqueUsers]).toEqual([2, 2, 2]);
  });

  it('counts every event of a packed message (POST /events) once, also when the message is redelivered', async () => {
    // Prepare: one message of 40 events over two sites and two days, one event also sent alone.
    const [siteA, siteB] = [newSite(), newSite()];
    const events = Array.from({ length: 40 }, (_, i) =>
      trackedEvent({
        site_id: i % 4 ? siteA : siteB,
        user_id: `u${i % 9}`,
        path: `/p${i % 3}`,
        timestamp: i % 2 ? '2025-11-12T10:00:00.000Z' : '2025-11-13T10:00:00.000Z',
      }),
    );
    const [packed] = toQueueMessages(events, 1_048_576);
    const batch = [{ messageId: 'packed', body: packed! }, ...records([events[5]!])];

    // Act
    const first = await processBatch(aws.doc, settings, batch, 'batch-packed-1');
    const again = await processBatch(aws.doc, settings, [{ messageId: 'packed-again', body: packed! }], 'batch-packed-2');

    // Assess
    expect(first).toMatchObject({ failed: [], counted: 40, duplicates: 1 });
    expect(again).toMatchObject({ failed: [], counted: 0, duplicates: 40 });
    const [a, b] = [await aggregates(siteA, ALL_TIME), await aggregates(siteB, ALL_TIME)];
    expect([a.views, b.views]).toEqual([30, 10]);
    expect((await aggregates(siteA, '2025-11-12')).views + (await aggregates(siteA, '2025-11-13')).views).toBe(30);
    expect(b.uniqueUsers).toBe(new Set(events.filter((e) => e.site_id === siteB).map((e) => e.user_id)).size);
  });

  it('fails a packed message as a whole when one of its events is bad, and counts none of it', async () => {
    const site = newSite();
    const events = [trackedEvent({ site_id: site }), trackedEvent({ site_id: site })];
    const parts = events.map((e, i) => JSON.parse(toQueueMessage(i === 1 ? { ...e, path: 'no-slash' } : e)));
    const result = await processBatch(aws.doc, settings, [{ messageId: 'bad-pack', body: JSON.stringify(parts) }, ...records([trackedEvent({ site_id: site })])], 'batch-bad-pack');
    expect(result.failed).toEqual(['bad-pack']);
    expect(result.invalid).toEqual([{ messageId: 'bad-pack', issues: [{ field: '[1].path', message: 'must start with "/"' }] }]);
    expect((await aggregates(site, ALL_TIME)).events).toBe(1);
  });

  it('retries an event another processor claimed moments ago, and takes it over once that claim is stale', async () => {
    // Prepare: a processor claimed the event and died before committing.
    const site = newSite();
    const event = trackedEvent({ site_id: site });
    const claimedAt = Date.now();
    await claimEvents(aws.doc, aws.tables.events, [{ event, unitId: 'dead-batch:x:0' }], { now: claimedAt, leaseMs: 90_000, expiresAt: undefined, markerExpiresAt: undefined });
    // Act + Assess: while the lease runs, the message goes back to the queue uncounted.
    const early = await processBatch(aws.doc, settings, records([event]), 'batch-5', claimedAt + 1_000);
    expect(early.failed).toHaveLength(1);
    expect((await aggregates(site, ALL_TIME)).events).toBe(0);
    // After the lease the event is taken over and counted once; a late commit of the dead unit is refused.
    const late = await processBatch(aws.doc, settings, records([event]), 'batch-6', claimedAt + 91_000);
    expect(late).toMatchObject({ failed: [], counted: 1 });
    expect((await aggregates(site, ALL_TIME)).events).toBe(1);
  });

  it('never loses an update when batches of one site and day run concurrently', async () => {
    // Prepare: 8 concurrent batches, overlapping users, 2,000 users in all so sketches turn dense.
    const site = newSite();
    const batches = Array.from({ length: 8 }, (_, b) =>
      Array.from({ length: 250 }, (_, i) =>
        trackedEvent({ site_id: site, path: `/p${i % 13}`, user_id: `user-${(b * 250 + i) % 2000}`, event_type: i % 10 ? 'page_view' : 'click' }),
      ),
    );
    const smallUsers = Array.from({ length: 6 }, (_, b) =>
      Array.from({ length: 50 }, (_, i) => trackedEvent({ site_id: `${site}-small`, user_id: `s-${(b * 37 + i) % 400}` })),
    );
    // Act
    const results = await Promise.all([
      ...batches.map((events, b) => processBatch(aws.doc, settings, records(events), `conc-${b}`)),
      ...smallUsers.map((events, b) => processBatch(aws.doc, settings, records(events), `small-${b}`)),
    ]);
    // Assess
    expect(results.flatMap((r) => r.failed)).toEqual([]);
    const day = await aggregates(site, '2025-11-12');
    expect(day.events).toBe(2000);
    expect(day.views).toBe(1800);
    expect([...day.pathViews.values()].reduce((a, b) => a + b)).toBe(1800);
    expect(Math.abs(day.uniqueUsers - 2000) / 2000).toBeLessThanOrEqual(0.02);
    const expectedSmall = new Set(smallUsers.flat().map((e) => e.user_id)).size;
    expect((await aggregates(`${site}-small`, '2025-11-12')).uniqueUsers).toBe(expectedSmall);
  });

  it('reports the capacity units each batch consumed, per operation', async () => {
    // Prepare: 20 events of one site, day and user, on 3 paths.
    const site = newSite();
    const events = Array.from({ length: 20 }, (_, i) => trackedEvent({ site_id: site, path: `/p${i % 3}`, user_id: 'same-user' }));
    // Act
    const [first, second] = await Promise.all([
      meterCapacity(() => processBatch(aws.doc, settings, records(events), 'metered-1')),
      meterCapacity(() => processBatch(aws.doc, settings, records([trackedEvent({ site_id: `${site}-other` })]), 'metered-2')),
    ]);
    // Assess: 20 raw puts plus 2 sketch shards (one user, day and all time); one transaction of
    // the marker and every counter item; nothing of the concurrent batch leaks in.
    expect(first.capacity.PutItem).toBe(22);
    expect(first.capacity.TransactItems).toBe(1 + itemCount(unitDeltas(site, events, 4)));
    expect(first.capacity.TransactWriteItems).toBeGreaterThan(0);
    expect(first.capacity).toHaveProperty('BatchGetItem');
    expect(second.capacity.PutItem).toBe(3);
  });

  it('recognises a duplicate for the retention period, and after it counts the event anew', async () => {
    // Prepare: one event counted with 1-day retention.
    const site = newSite();
    const event = trackedEvent({ site_id: site });
    const oneDay = { ...settings, retentionDays: 1 };
    const start = Date.now();
    expect(await processBatch(aws.doc, oneDay, records([event]), 'kept-1', start)).toMatchObject({ counted: 1 });
    // Act + Assess: within the day a copy is a duplicate; once the raw event has expired (even if
    // TTL has not deleted it yet) a copy is a new occurrence.
    expect(await processBatch(aws.doc, oneDay, records([event]), 'kept-2', start + 23 * 3_600_000)).toMatchObject({ counted: 0, duplicates: 1 });
    expect(await processBatch(aws.doc, oneDay, records([event]), 'kept-3', start + 25 * 3_600_000)).toMatchObject({ counted: 1, duplicates: 0 });
    expect((await aggregates(site, ALL_TIME)).events).toBe(2);
  });
});


describe('processBatch in a site\'s time zone', () => {
  const zoned = (zones: ProcessorSettings['siteZones']): ProcessorSettings => ({ ...settings, siteZones: zones });
  const daysOf = async (site: string, days: string[]) => Promise.all(days.map(async (day) => (await aggregates(site, day)).events));

  it('counts an event at 23:30 UTC on a winter day on the next Berlin date, and an unregistered site\'s on its UTC date', async () => {
    // Prepare
    const berlin = newSite();
    const unregistered = newSite();
    await saveSite(aws.doc, aws.tables.sites, berlin, { timeZone: 'Europe/Berlin' });
    const late = { timestamp: '2026-01-14T23:30:00.000Z' };
    const events = [trackedEvent({ site_id: berlin, ...late }), trackedEvent({ site_id: unregistered, ...late })];

    // Act
    const result = await processBatch(aws.doc, zoned(siteZones(aws.doc, aws.tables.sites)), records(events), 'batch-tz-1');

    // Assess
    expect(result).toMatchObject({ failed: [], counted: 2 });
    expect(await daysOf(berlin, ['2026-01-14', '2026-01-15'])).toEqual([0, 1]);
    expect(await daysOf(unregistered, ['2026-01-14', '2026-01-15'])).toEqual([1, 0]);
    expect((await aggregates(berlin, '2026-01-15')).uniqueUsers).toBe(1);
  });

  it('follows daylight saving: 22:30 UTC is the next Berlin date in summer, 21:30 is not', async () => {
    const site = newSite();
    await saveSite(aws.doc, aws.tables.sites, site, { timeZone: 'Europe/Berlin' });
    const events = [trackedEvent({ site_id: site, timestamp: '2026-07-01T21:30:00.000Z' }), trackedEvent({ site_id: site, timestamp: '2026-07-01T22:30:00.000Z' })];
    await processBatch(aws.doc, zoned(siteZones(aws.doc, aws.tables.sites)), records(events), 'batch-tz-2');
    expect(await daysOf(site, ['2026-07-01', '2026-07-02'])).toEqual([1, 1]);
  });

  it('applies a new zone to events processed once the cached one is a minute old', async () => {
    // Prepare
    let now = 1_000_000;
    const zones = siteZones(aws.doc, aws.tables.sites, () => now);
    const site = newSite();
    const at = { timestamp: '2026-01-15T02:00:00.000Z' }; // Jan 15 in Berlin, Jan 14 in New York
    await saveSite(aws.doc, aws.tables.sites, site, { timeZone: 'Europe/Berlin' });

    // Act
    await processBatch(aws.doc, zoned(zones), records([trackedEvent({ site_id: site, ...at })]), 'batch-tz-3');
    await saveSite(aws.doc, aws.tables.sites, site, { timeZone: 'America/New_York' });
    now += ZONE_CACHE_MS - 1;
    await processBatch(aws.doc, zoned(zones), records([trackedEvent({ site_id: site, ...at })]), 'batch-tz-4');
    now += 1;
    await processBatch(aws.doc, zoned(zones), records([trackedEvent({ site_id: site, ...at })]), 'batch-tz-5');

    // Assess
    expect(await daysOf(site, ['2026-01-14', '2026-01-15'])).toEqual([1, 2]);
  });

  it('holds back the messages of a site whose zone cannot be read, and counts nothing of them', async () => {
    // Prepare: a table that does not exist stands for an unreadable sites table.
    const site = newSite();
    const events = [trackedEvent({ site_id: site }), trackedEvent({ site_id: site })];
    const unreadable = siteZones(aws.doc, 'no-such-table');

    // Act
    const result = await processBatch(aws.doc, zoned(unreadable), records(events), 'batch-tz-6');
    const retried = await processBatch(aws.doc, zoned(siteZones(aws.doc, aws.tables.sites)), records(events), 'batch-tz-7');

    // Assess
    expect(result).toMatchObject({ counted: 0, units: 0 });
    expect(result.failed.sort()).toEqual(records(events).map((r) => r.messageId).sort());
    expect(retried).toMatchObject({ failed: [], counted: 2 });
    expect((await aggregates(site, ALL_TIME)).events).toBe(2);
  });
});
