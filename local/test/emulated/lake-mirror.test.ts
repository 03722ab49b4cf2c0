import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { lakeMirror, type MirrorChange } from '../../athena/lake-mirror.ts';
import { localS3Client } from '../../clients.ts';

// The lake's mirror against the S3 emulator: syncs in the background from the start, and a
// query's own sync still lists the bucket after the query arrived, shared by the queries that
// arrive together.
const run = Date.now().toString(36);
let bucketNumber = 0;

describe('the lake mirror', () => {
  let s3: S3Client;
  let bucket: string;
  let dir: string;
  let changes: MirrorChange[];
  let listings: number;

  const put = (key: string, body = key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const mirror = () => lakeMirror({ s3, bucket, prefix: 'events/', dir, apply: async (change) => void changes.push(change) });
  const applied = () => changes.flatMap((change) => change.added).map((file) => path.relative(dir, file));

  beforeEach(async () => {
    s3 = localS3Client(inject('sqsEndpoint'));
    listings = 0;
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        // A sync lists the prefix first, then folder by folder.
        if (context.commandName === 'ListObjectsV2Command' && (args.input as { Prefix?: string }).Prefix === 'events/') listings++;
        return next(args);
      },
      { step: 'initialize', name: 'countListings' },
    );
    bucket = `lake-mirror-${run}-${++bucketNumber}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    dir = await mkdtemp(path.join(tmpdir(), 'lake-mirror-'));
    changes = [];
  });
  afterEach(async () => {
    s3.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the lake in the background from the start, and a sync after it fetches only what is new', async () => {
    // Prepare
    const keys = Array.from({ length: 40 }, (_, i) => `events/site_id=s/date=2026-12-0${1 + (i % 5)}/u${i}.e1.ndjson.gz`);
    for (const key of keys) await put(key);
    const lake = mirror();

    // Act
    const follower = lake.follow(60_000);
    await expect.poll(() => applied().length, { timeout: 10_000, interval: 20 }).toBe(keys.length);
    await put('events/site_id=s/date=2026-12-06/late.e1.ndjson.gz');
    const mirrored = await lake.sync();
    await follower.stop();

    // Assess
    expect(mirrored).toBe(keys.length + 1);
    expect(changes).toHaveLength(2);
    expect(changes[1]).toEqual({ added: [path.join(dir, 'events/site_id=s/date=2026-12-06/late.e1.ndjson.gz')], removed: [] });
    expect(await readFile(path.join(dir, keys[7]!), 'utf8')).toBe(keys[7]);
  });

  it("syncs a query's partitions alone: the site's days in its range, new, replaced and removed objects there (hidden files skipped as Athena does), nothing else", async () => {
    // Prepare: two days of site a in range, one out of range, and site b.
    const inRange = ['events/site_id=a/date=2026-12-01/u1.e1.ndjson.gz', 'events/site_id=a/date=2026-12-02/u2.e1.ndjson.gz'];
    const outside = ['events/site_id=a/date=2026-11-30/u3.e1.ndjson.gz', 'events/site_id=b/date=2026-12-01/u4.e1.ndjson.gz'];
    for (const key of [...inRange, ...outside]) await put(key);
    const lake = mirror();
    const scope = { siteId: 'a', from: '2026-12-01', to: '2026-12-02' };

    // Act: a scoped sync; then a day's object replaced by another (as compaction does) and a new one out of scope.
    const first = await lake.sync(scope);
    const firstApplied = applied().sort();
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: inRange[0] }));
    await put('events/site_id=a/date=2026-12-01/day.e2.ndjson.gz');
    await put('events/site_id=b/date=2026-12-02/u5.e1.ndjson.gz');
    // The compactor's manifest, which Athena skips as a hidden file (its name starts with _).
    await put('events/site_id=a/date=2026-12-01/_compacted-x.sources.json', '{"sources":[]}');
    changes = [];
    const second = await lake.sync(scope);

    // Assess
    expect([first, second]).toEqual([2, 2]);
    expect(firstApplied).toEqual(inRange.sort());
    expect(changes).toEqual([{ added: [path.join(dir, 'events/site_id=a/date=2026-12-01/day.e2.ndjson.gz')], removed: [path.join(dir, inRange[0]!)] }]);
    expect(listings).toBe(0);
    changes = [];
    expect(await lake.sync()).toBe(5);
    expect(applied().sort()).toEqual([...outside, 'events/site_id=b/date=2026-12-02/u5.e1.ndjson.gz'].sort());
  });

  it('lists the lake folder by folder: every site and day, a day of more than a page of objects, objects right under the prefix', async () => {
    // Prepare
    const busyDay = Array.from({ length: 1001 }, (_, i) => `events/site_id=a/date=2026-12-01/u${String(i).padStart(4, '0')}.e1.ndjson.gz`);
    const others = ['events/site_id=a/date=2026-12-02/u.e1.ndjson.gz', 'events/site_id=b/date=2026-11-30/u.e1.ndjson.gz', 'events/stray.ndjson.gz'];
    const keys = [...busyDay, ...others];
    await Promise.all(keys.map((key) => put(key)));
    await put('outside/site_id=a/date=2026-12-01/u.e1.ndjson.gz');

    // Act
    const mirrored = await mirror().sync();

    // Assess
    expect(mirrored).toBe(keys.length);
    expect(applied().sort()).toEqual(keys.sort());
  });

  it('gives syncs asked during one under way a single next sync, which sees what was put before they asked', async () => {
    // Prepare
    await put('events/site_id=s/date=2026-12-01/a.e1.ndjson.gz');
    const lake = mirror();
    const underWay = lake.sync();
    await put('events/site_id=s/date=2026-12-01/b.e1.ndjson.gz');

    // Act
    const asked = await Promise.all([lake.sync(), lake.sync(), lake.sync()]);
    await underWay;

    // Assess
    expect(asked).toEqual([2, 2, 2]);
    expect(listings).toBe(2);
    expect(applied().sort()).toEqual(['events/site_id=s/date=2026-12-01/a.e1.ndjson.gz', 'events/site_id=s/date=2026-12-01/b.e1.ndjson.gz']);
  });

  it('keeps following after a failed sync, and stops when told', async () => {
    // Prepare
    let failures = 1;
    const lake = lakeMirror({
      s3,
      bucket,
      prefix: 'events/',
      dir,
      apply: async (change) => {
        if (failures-- > 0) throw new Error('the load failed');
        changes.push(change);
      },
    });
    await put('events/site_id=s/date=2026-12-01/a.e1.ndjson.gz');

    // Act
    const follower = lake.follow(10);
    await expect.poll(() => applied().length, { timeout: 10_000, interval: 20 }).toBe(1);
    await follower.stop();
    const after = listings;
    // Five follow intervals with nothing to await: no listing may come after stop.
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Assess
    expect(listings).toBe(after);
    expect(applied()).toEqual(['events/site_id=s/date=2026-12-01/a.e1.ndjson.gz']);
  });
});
