import { beforeAll, describe, expect, it } from 'vitest';
import { lakeWriter, readLakeObject } from '../../functions/store/lake/lake-objects.ts';
import { listLakeObjects } from '../../functions/store/lake/lake-listing.ts';
import { stackResources, type StackResources } from '../support/aws.ts';
import { trackedEvent } from '../support/factories.ts';

// The lake's objects in the S3 emulator: written per unit and day, listed by site and range of
// days page by page, removed for an aborted unit.
let aws: StackResources;
const run = Date.now().toString(36);
const site = `lake-${run}`;
beforeAll(async () => {
  aws = await stackResources();
  const lake = lakeWriter(aws.s3, aws.lakeBucket);
  const event = (day: string, i: number, siteId = site) =>
    trackedEvent({ site_id: siteId, event_id: `${siteId}-${day}-${i}`, day, timestamp: `${day}T12:00:00.000Z` });
  await lake.write(`b1:${site}:0`, site, [event('2026-11-01', 1), event('2026-11-02', 2), event('2026-11-02', 3)]);
  await lake.write(`b2:${site}:0`, site, [event('2026-11-02', 4), event('2026-11-03', 5)]);
  // A site whose id begins with the other's must never be listed with it.
  await lake.write(`b1:${site}.x:0`, `${site}.x`, [event('2026-11-02', 6, `${site}.x`)]);
});

describe('lake objects', () => {
  it('lists a site’s objects of a range of days, by day, with their event counts and sizes', async () => {
    const { objects, more } = await listLakeObjects(aws.s3, aws.lakeBucket, site, { from: '2026-11-02', to: '2026-11-03' });
    expect(more).toBe(false);
    expect(objects.map((o) => [o.date, o.events])).toEqual([
      ['2026-11-02', 2],
      ['2026-11-02', 1],
      ['2026-11-03', 1],
    ]);
    expect(objects.every((o) => o.bytes > 20)).toBe(true);
    const lines = await readLakeObject(aws.s3, aws.lakeBucket, objects[0]!.key);
    expect(lines.map((l) => l.event_id)).toEqual([`${site}-2026-11-02-2`, `${site}-2026-11-02-3`]);
  });

  it('pages through a range with a limit, each page starting after the last key of the one before', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const { objects, more } = await listLakeObjects(aws.s3, aws.lakeBucket, site, { from: '2026-11-01', to: '2026-11-30' }, { after, limit: 2 });
      seen.push(...objects.map((o) => o.key));
      if (!more) break;
      after = objects.at(-1)!.key;
    }
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
    expect(seen).toEqual([...seen].sort());
  });

  it('removes an aborted unit’s object of one day and leaves the rest', async () => {
    const lake = lakeWriter(aws.s3, aws.lakeBucket);
    await lake.discard(`b2:${site}:0`, site, '2026-11-02');
    const { objects } = await listLakeObjects(aws.s3, aws.lakeBucket, site, { from: '2026-11-01', to: '2026-11-30' });
    expect(objects.map((o) => [o.date, o.events])).toEqual([
      ['2026-11-01', 1],
      ['2026-11-02', 2],
      ['2026-11-03', 1],
    ]);
  });
});
