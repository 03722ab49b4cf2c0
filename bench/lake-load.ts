// npm run bench:lake-load: how long the local Athena endpoint takes to load a lake of many
// small objects, and how much memory it takes. Writes --objects gzipped NDJSON objects holding
// --events events of one site over --days days, in the lake's layout
// (events/site_id=S/date=D/<unit>.e<N>.ndjson.gz, the lines the processor writes), then:
// - `--from folder` (default): loads the folder's files into the endpoint's DuckDB lake
//   (openDuckDbLake(...).apply), drops a day's files but one as compaction would, and runs a
//   filtered 30-day query;
// - `--from s3`: puts the objects in fauxqs's S3 (in this process) and times the mirror's first
//   sync (list, download, load), the query after it, and a second sync with nothing new;
//   with `--follow`, the mirror follows the bucket (every 3 s, as the endpoint does) while the
//   objects are put, and the sync a query makes first after that is timed instead.
// Prints the times and the process's peak resident memory (DuckDB runs in this process).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mapLimit } from '../functions/commons/map-limit.ts';
import { LAKE_COLUMNS, LAKE_PARTITION_KEYS } from '../infra/lake.ts';
import { openDuckDbLake } from '../local/athena/duckdb-lake.ts';
import { lakeMirror } from '../local/athena/lake-mirror.ts';
import { glueColumns } from '../local/athena/template-lake.ts';
import { localS3Client } from '../local/clients.ts';
import { startSqsLocal } from '../local/sqs-local.ts';

const { values: args } = parseArgs({
  options: {
    objects: { type: 'string', default: '3000' },
    events: { type: 'string', default: '100000' },
    days: { type: 'string', default: '30' },
    from: { type: 'string', default: 'folder' },
    follow: { type: 'boolean', default: false },
  },
});
const count = (name: 'objects' | 'events' | 'days', max: number): number => {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be a whole number from 1 to ${max}`);
  return value;
};
const OBJECTS = count('objects', 100_000);
const EVENTS = count('events', 1_000_000);
const DAYS = count('days', 400);
if (args.from !== 'folder' && args.from !== 's3') throw new Error('--from must be folder or s3');
const SITE = 'lake-load.example';
const LAST_DAY = Date.UTC(2026, 11, 6);

const day = (i: number): string => new Date(LAST_DAY - (i % DAYS) * 86_400_000).toISOString().slice(0, 10);

/** The objects: key and gzipped body, the events spread evenly over them, each object one day's. */
function objects(): { key: string; body: Buffer }[] {
  return Array.from({ length: OBJECTS }, (_, o) => {
    const date = day(o);
    const from = Math.floor((o * EVENTS) / OBJECTS);
    const to = Math.floor(((o + 1) * EVENTS) / OBJECTS);
    const lines = [];
    for (let i = from; i < to; i++) {
      const record = {
        event_id: `e${i}`,
        site_id: SITE,
        event_type: 'pageview',
        path: `/p${i % 40}`,
        user_id: `u${i % 9_000}`,
        timestamp: `${date}T${String(i % 24).padStart(2, '0')}:00:00.000Z`,
        received_at: `${date}T23:59:59.000Z`,
        device: i % 3 ? 'desktop' : 'mobile',
        browser: ['Chrome', 'Firefox', 'Safari'][i % 3],
        os: ['Linux', 'Windows', 'macOS', 'iOS'][i % 4],
        country: ['FR', 'DE', 'US', 'GB', 'JP'][i % 5],
        visit: i % 4 === 0 ? { page: 1, gap_ms: 0, entry_page: '/', source: ['google.com', 'news.ycombinator.com'][i % 2] } : { page: 2 + (i % 5), gap_ms: 1000 + i, entry_page: '/' },
      };
      lines.push(`${JSON.stringify(record)}\n`);
    }
    return { key: `events/site_id=${SITE}/date=${date}/unit-${o}.e${to - from}.ndjson.gz`, body: gzipSync(lines.join('')) };
  });
}

const QUERY =
  'SELECT count(*) AS views, count(DISTINCT user_id) AS visitors FROM events WHERE site_id = ? AND "date" BETWEEN ? AND ? AND visit.source = ?';
const PARAMS = [SITE, day(DAYS - 1), day(0), 'google.com'];
const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(2)} s`;
const peakMiB = (): string => `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`;

const lake = await openDuckDbLake({ columns: glueColumns(LAKE_COLUMNS), partitionKeys: glueColumns(LAKE_PARTITION_KEYS) });
const dir = await mkdtemp(path.join(tmpdir(), 'lake-load-'));
try {
  const made = objects();
  const bytes = made.reduce((sum, o) => sum + o.body.length, 0);
  console.log(`${OBJECTS} objects, ${EVENTS} events, ${DAYS} days, ${(bytes / 1024 / 1024).toFixed(1)} MiB gzipped; peak RSS before loading ${peakMiB()}`);
  let started = performance.now();
  if (args.from === 'folder') {
    const files = [];
    for (const { key, body } of made) {
      const file = path.join(dir, key);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, body);
      files.push(file);
    }
    started = performance.now();
    await lake.apply({ added: files, removed: [] });
    console.log(`apply (load ${files.length} files): ${seconds(started)}, peak RSS ${peakMiB()}`);
    // As compaction does to a day: every batch object of the first day replaced (its rows dropped, reloaded).
    const firstDay = files.filter((file) => file.includes(`date=${day(0)}`));
    started = performance.now();
    await lake.apply({ added: firstDay.slice(0, 1), removed: firstDay.slice(1) });
    console.log(`apply (drop ${firstDay.length - 1} files of a day, reload 1): ${seconds(started)}`);
  } else {
    const sqs = await startSqsLocal();
    const s3 = localS3Client(sqs.endpoint);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
      const mirror = lakeMirror({ s3, bucket: 'lake', prefix: 'events/', dir, apply: (change) => lake.apply(change) });
      const follower = args.follow ? mirror.follow(3000) : undefined;
      started = performance.now();
      await mapLimit(made, 16, ({ key, body }) => s3.send(new PutObjectCommand({ Bucket: 'lake', Key: key, Body: body })));
      if (follower) console.log(`objects put while the mirror follows: ${seconds(started)}`);
      started = performance.now();
      const mirrored = await mirror.sync();
      console.log(`${follower ? "a query's sync after them (" : 'first sync (list, download, load '}${mirrored} objects): ${seconds(started)}, peak RSS ${peakMiB()}`);
      await follower?.stop();
      started = performance.now();
      await mirror.sync();
      console.log(`second sync (nothing new): ${seconds(started)}`);
    } finally {
      s3.destroy();
      await sqs.stop();
    }
  }
  started = performance.now();
  const result = await lake.start(QUERY, PARAMS).done;
  console.log(`query: ${seconds(started)}, ${JSON.stringify(result.rows)}, peak RSS ${peakMiB()}`);
} finally {
  lake.close();
  await rm(dir, { recursive: true, force: true });
}
