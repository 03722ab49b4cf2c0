import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { TrackedEvent } from '../../functions/domain/event.ts';
import { compactedKey, isCompacted } from '../../functions/domain/lake-compaction.ts';
import { compactLake, LEASE_MS, OpenDayError, SiteBusyError, type CompactionRun } from '../../functions/compactor/compact-lake.ts';
import type { CompactionContext } from '../../functions/compactor/compact-day.ts';
import { processBatch, type ProcessorSettings } from '../../functions/processor/process-batch.ts';
import { lakeWriter, readLakeObject, readLakeText } from '../../functions/store/lake/lake-objects.ts';
import { listLakeObjects } from '../../functions/store/lake/lake-listing.ts';
import { listSites, writeCompacted } from '../../functions/store/lake/compaction-objects.ts';
import { takeLease } from '../../functions/store/lake/compaction-lease.ts';
import { abortUnit } from '../../functions/store/write/commit-markers.ts';
import { readScopeStats } from '../../functions/store/read/site-stats.ts';
import { stackResources, type StackResources } from '../support/aws.ts';
import { trackedEvent } from '../support/factories.ts';
import { faultyClient, type FaultMode } from '../support/faults.ts';
import { lakeLines } from '../support/lake.ts';
import { silenceOutput } from '../support/output.ts';
import { processorSettings, queueRecords } from '../support/processing.ts';

// Compaction of the lake against the S3 emulator and DynamoDB Local: a closed day's objects become
// one, every event in it once, the export and the counters as they were, under crashes too.
let aws: StackResources;
let settings: ProcessorSettings;
let context: CompactionContext;
const run = Date.now().toString(36);
const DAY = '2025-11-12';
const NEXT = '2025-11-13';
/** A moment when both days are closed (well past their end everywhere and the margin). */
const CLOSED: Omit<CompactionRun, 'siteId'> = { now: Date.parse('2025-11-20T00:00:00Z'), marginMs: 3_600_000, lookbackDays: 31 };

beforeAll(async () => {
  silenceOutput();
  aws = await stackResources();
  settings = processorSettings(aws, { lake: lakeWriter(aws.s3, aws.lakeBucket) });
  context = { s3: aws.s3, bucket: aws.lakeBucket, doc: aws.doc, eventsTable: aws.tables.events };
});

let batches = 0;
/**
 * Counts `count` events of a site, on DAY and NEXT, in batches of `perBatch` (one object per batch and day).
 * Batch numbers are zero-padded: the S3 emulator lists keys in locale order but starts after a key
 * in byte order (S3 itself uses byte order for both), and the two agree on such names.
 */
async function countEvents(siteId: string, count: number, perBatch: number): Promise<TrackedEvent[]> {
  const events = Array.from({ length: count }, (_, i) =>
    trackedEvent({ site_id: siteId, event_id: `${siteId}-${batches}-${i}`, user_id: `u${i % 5}`, path: `/p${i % 3}`, timestamp: `${i % 3 ? DAY : NEXT}T10:00:00.000Z` }),
  );
  for (let i = 0; i < count; i += perBatch) {
    expect((await processBatch(aws.doc, settings, queueRecords(events.slice(i, i + perBatch)), `cb${run}-${String(++batches).padStart(4, '0')}`)).failed).toEqual([]);
  }
  return events;
}

/** A unit's object that no commit followed: its processor died (no marker) or it was aborted. */
async function uncommittedObject(siteId: string, batch: string, abort: boolean): Promise<string> {
  const unitId = `${batch}:${siteId}:0`;
  const event = trackedEvent({ site_id: siteId, event_id: `${siteId}-${batch}`, timestamp: `${DAY}T11:00:00.000Z` });
  await lakeWriter(aws.s3, aws.lakeBucket).write(unitId, siteId, [event]);
  if (abort) await abortUnit(aws.doc, aws.tables.events, unitId, undefined);
  return event.event_id;
}

/** The event ids an export of the site hands out, or that its stored objects hold, sorted. */
const ids = async (siteId: string, as: 'exported' | 'stored' = 'exported') =>
  (await lakeLines(aws.s3, aws.lakeBucket, [siteId], as)).map((line) => line.record.event_id).sort();
const objectsOf = async (siteId: string) => [...new Set((await lakeLines(aws.s3, aws.lakeBucket, [siteId], 'stored')).map((line) => line.key))];
const counts = (siteId: string) => Promise.all([DAY, NEXT].map((day) => readScopeStats(aws.doc, aws.tables.aggregates, siteId, day, 4)));
const sorted = (events: TrackedEvent[], extra: string[] = []) => [...events.map((e) => e.event_id), ...extra].sort();

describe('lake compaction', () => {
  it('rewrites a closed day’s objects into one, every event in it once; export and counts unchanged', async () => {
    const site = `compact-${run}`;
    const events = await countEvents(site, 60, 6);
    expect((await objectsOf(site)).length).toBe(20);
    const before = { ids: await ids(site), counts: await counts(site) };

    const done = await compactLake(context, { ...CLOSED, siteId: site });

    expect(done.map(({ day, folded, events: n }) => [day, folded, n])).toEqual([
      [DAY, 10, 40],
      [NEXT, 10, 20],
    ]);
    const objects = await objectsOf(site);
    expect(objects).toHaveLength(2);
    expect(objects.every(isCompacted)).toBe(true);
    expect(await ids(site, 'stored')).toEqual(sorted(events));
    expect(await ids(site)).toEqual(before.ids);
    expect(await counts(site)).toEqual(before.counts);
    // Nothing left to do: a second run changes nothing.
    expect((await compactLake(context, { ...CLOSED, siteId: site })).length).toBe(0);
    expect(await objectsOf(site)).toEqual(objects);
  });

  it('leaves the objects of units that did not commit, and folds in a late object on the next run', async () => {
    const site = `late-${run}`;
    const events = await countEvents(site, 12, 3);
    const dead = await uncommittedObject(site, `dead${run}`, false);
    const aborted = await uncommittedObject(site, `aborted${run}`, true);
    await compactLake(context, { ...CLOSED, siteId: site });
    expect((await objectsOf(site)).filter((key) => !isCompacted(key))).toHaveLength(2);
    expect(await ids(site, 'stored')).toEqual(sorted(events, [dead, aborted]));

    const late = await countEvents(site, 3, 3);
    const [folded] = await compactLake(context, { ...CLOSED, siteId: site, day: DAY });
    expect(folded).toMatchObject({ folded: 2, uncommitted: 2 });
    expect((await objectsOf(site)).filter(isCompacted)).toHaveLength(2);
    expect(await ids(site, 'stored')).toEqual(sorted([...events, ...late], [dead, aborted]));
  });

  it('pages an export with every event once while a compacted object and its sources are both in the folder', async () => {
    const site = `pages-${run}`;
    const events = await countEvents(site, 30, 3);
    // A run that wrote the compacted object of DAY and deleted none of its sources yet.
    const sources = (await objectsOf(site)).filter((key) => key.includes(`/date=${DAY}/`));
    const body = (await Promise.all(sources.map((key) => readLakeText(aws.s3, aws.lakeBucket, key)))).join('');
    await writeCompacted(aws.s3, aws.lakeBucket, compactedKey(site, DAY, sources, 20), sources, body);
    expect(await ids(site, 'stored')).toHaveLength(events.length + 20);

    // One file a page: the second page resumes inside DAY, after its compacted object.
    const exported: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 30; page++) {
      const { objects, more } = await listLakeObjects(aws.s3, aws.lakeBucket, site, { from: DAY, to: NEXT }, { after, limit: 1 });
      for (const { key } of objects) exported.push(...(await readLakeObject(aws.s3, aws.lakeBucket, key)).map((record) => record.event_id));
      if (!more) break;
      after = objects.at(-1)!.key;
    }
    expect(exported.sort()).toEqual(sorted(events));
    // The next run deletes the sources the compacted object holds, and compacts NEXT.
    await compactLake(context, { ...CLOSED, siteId: site });
    expect(await ids(site, 'stored')).toEqual(sorted(events));
    expect(await objectsOf(site)).toHaveLength(2);
  });

  it('runs from the command line: npm run compact -- --site S --date D against a deployed stack’s bucket and table', async () => {
    const site = `cli-${run}`;
    const events = await countEvents(site, 9, 3);
    const args = ['--import', 'tsx', 'ops/compact.ts', '--site', site, '--date', DAY, '--bucket', aws.lakeBucket, '--events-table', aws.tables.events];
    const { stdout } = await promisify(execFile)(process.execPath, args);
    expect(stdout).toContain(`${site} ${DAY}: 3 objects -> 1 (6 events)`);
    expect((await objectsOf(site)).filter((key) => key.includes(`/date=${DAY}/`)).every(isCompacted)).toBe(true);
    expect(await ids(site, 'stored')).toEqual(sorted(events));
  });

  it('finds the sites a scheduled run looks at: every site folder of the lake', async () => {
    // A run over all sites would also compact other test files' sites, which run alongside: only the listing is run here.
    const sites = await listSites(aws.s3, aws.lakeBucket);
    expect(sites).toEqual(expect.arrayContaining([`compact-${run}`, `late-${run}`, `pages-${run}`]));
    expect(new Set(sites).size).toBe(sites.length);
  });

  it('leaves a site to the run that holds its lease', async () => {
    const site = `leased-${run}`;
    await countEvents(site, 6, 3);
    const objects = await objectsOf(site);
    await takeLease(aws.doc, aws.tables.events, site, 'another run', CLOSED.now, CLOSED.now + LEASE_MS);
    await expect(compactLake(context, { ...CLOSED, siteId: site })).rejects.toThrow(SiteBusyError);
    expect(await objectsOf(site)).toEqual(objects);
    // Its lease ended: the run it held the site for died.
    expect(await compactLake(context, { ...CLOSED, now: CLOSED.now + LEASE_MS + 1, siteId: site })).toHaveLength(2);
  });

  it('does not touch a day that is not closed', async () => {
    const site = `open-${run}`;
    await countEvents(site, 6, 2);
    const objects = await objectsOf(site);
    // Twelve hours into NEXT: DAY has not ended at UTC-12 yet.
    const open = { now: Date.parse(`${NEXT}T12:00:00Z`), marginMs: 3_600_000, lookbackDays: 31, siteId: site };
    expect(await compactLake(context, open)).toEqual([]);
    await expect(compactLake(context, { ...open, day: DAY })).rejects.toThrow(OpenDayError);
    expect(await objectsOf(site)).toEqual(objects);
  });
});

/** A day with a compacted object, two late objects and one of a unit that never committed. */
async function dayToCompactAgain(site: string): Promise<{ expected: string[]; exported: string[] }> {
  const events = await countEvents(site, 6, 3);
  await compactLake(context, { ...CLOSED, siteId: site });
  const late = await countEvents(site, 6, 3);
  const dead = await uncommittedObject(site, `dead${run}`, false);
  return { expected: sorted([...events, ...late], [dead]), exported: await ids(site) };
}

/** A compaction of `site` whose DynamoDB and S3 calls fail as `mode` says at call `k`. */
function faultyCompaction(mode: FaultMode, k: number, site: string): { done: Promise<unknown>; calls: () => number } {
  const faulty = faultyClient(inject('dynamodbEndpoint'), mode, k, inject('sqsEndpoint'));
  return { done: compactLake({ ...context, s3: faulty.s3, doc: faulty.doc }, { ...CLOSED, siteId: site }), calls: faulty.calls };
}

/** Calls (DynamoDB and S3) a clean compaction of such a day makes, so every crash point can be visited. */
async function callsOfCleanRun(mode: FaultMode): Promise<number> {
  const site = `clean-${mode}-${run}`;
  await dayToCompactAgain(site);
  const probe = faultyCompaction('crash-before', Infinity, site);
  await probe.done;
  return probe.calls();
}

describe.each<FaultMode>(['crash-before', 'crash-after'])('a compaction that dies (%s) at any DynamoDB or S3 call', (mode) => {
  it('exports every event once at the crash, and the next run leaves each in exactly one object', async () => {
    const calls = await callsOfCleanRun(mode);
    expect(calls).toBeGreaterThan(10);
    for (let k = 1; k <= calls; k++) {
      // Prepare
      const site = `${mode}-${k}-${run}`;
      const { expected, exported } = await dayToCompactAgain(site);
      const before = await counts(site);
      // Act: the run dies at call k; the export meanwhile lists every event once; the next run finishes.
      // (A crash at the lease's return is not an error of the run: that lease ends by itself.)
      await faultyCompaction(mode, k, site).done.catch(() => undefined);
      expect(await ids(site), `export after a crash at call ${k}`).toEqual(exported);
      // The next run, once the lease of the one that died has ended.
      await compactLake(context, { ...CLOSED, now: CLOSED.now + LEASE_MS + 1, siteId: site });
      // Assess
      expect(await ids(site, 'stored'), `events stored after a crash at call ${k}`).toEqual(expected);
      expect(await ids(site), `export after a crash at call ${k}`).toEqual(exported);
      expect(await counts(site)).toEqual(before);
      const objects = await objectsOf(site);
      expect(objects.filter(isCompacted), `compacted objects after a crash at call ${k}`).toHaveLength(2);
      expect(objects.filter((key) => !isCompacted(key)), `the dead unit's object after a crash at call ${k}`).toHaveLength(1);
    }
  });
});
