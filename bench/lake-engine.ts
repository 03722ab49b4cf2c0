// npx tsx bench/lake-engine.ts [--events N] [--days N] [--units N] [--runs N]: how long the lake
// engine takes locally. Writes a site's events (default 100,000 over 30 days, one object per
// commit unit and day as the processor writes them) to the S3 emulator, starts the local Athena
// endpoint over them and runs the stats function's kinds of queries through athenaEngine and a
// real Athena client (start, poll, page, parse): the first query (which mirrors the lake), then
// each query `runs` times, printing the median and the slowest.
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mapLimit } from '../functions/commons/map-limit.ts';
import type { LakeQuery } from '../functions/domain/lake-query.ts';
import { athenaEngine } from '../functions/store/lake/athena-engine.ts';
import { LAKE_COLUMNS, LAKE_PARTITION_KEYS } from '../infra/lake.ts';
import { startAthenaLocal } from '../local/athena/server.ts';
import { glueColumns } from '../local/athena/template-lake.ts';
import { localAthenaClient, localS3Client } from '../local/clients.ts';
import { startSqsLocal } from '../local/sqs-local.ts';
import { percentile, sortedCopy } from './lib/numbers.ts';
import { pick, prng } from './lib/random.ts';

const { values: args } = parseArgs({
  options: { events: { type: 'string', default: '100000' }, days: { type: 'string', default: '30' }, units: { type: 'string', default: '4' }, runs: { type: 'string', default: '5' } },
});
const EVENTS = Number(args.events);
const DAYS = Number(args.days);
const UNITS = Number(args.units);
const RUNS = Number(args.runs);
const SITE = 'bench-site';
const FIRST_DAY = Date.UTC(2026, 10, 1);
const PATHS = Array.from({ length: 50 }, (_, i) => (i === 0 ? '/' : `/page-${i}`));
const SOURCES = [undefined, undefined, 'google.com', 'news.ycombinator.com', 't.co', 'duckduckgo.com'];
const COUNTRIES = ['GB', 'US', 'AU', 'NL', 'BR', 'DE'];
const DEVICES = ['desktop', 'mobile', 'tablet'];

/** The site's lines by day, seeded: every run writes the same lake. */
function lakeLines(): Map<string, string[]> {
  const random = prng(20);
  const byDay = new Map<string, string[]>();
  for (let i = 0; i < EVENTS; i++) {
    const ms = FIRST_DAY + Math.floor((i / EVENTS) * DAYS * 86_400_000);
    const day = new Date(ms).toISOString().slice(0, 10);
    const source = pick(SOURCES, random);
    const record = {
      event_id: `e${i}`,
      site_id: SITE,
      event_type: 'pageview',
      path: pick(PATHS, random),
      user_id: `u${Math.floor(random() * 20_000)}`,
      timestamp: new Date(ms).toISOString(),
      received_at: new Date(ms + 500).toISOString(),
      device: pick(DEVICES, random),
      browser: 'Chrome',
      os: 'Windows',
      country: pick(COUNTRIES, random),
      visit: { page: 1 + Math.floor(random() * 4), gap_ms: Math.floor(random() * 60_000), entry_page: '/', ...(source ? { source } : {}) },
    };
    const lines = byDay.get(day) ?? [];
    lines.push(`${JSON.stringify(record)}\n`);
    byDay.set(day, lines);
  }
  return byDay;
}

const range = ['2026-11-01', '2026-11-30'] as const;
const QUERIES: Record<string, LakeQuery> = {
  'figures, one filter (source)': {
    sql:
      'SELECT count(*) AS views, count(DISTINCT user_id) AS visitors, avg(visit.page) AS pages FROM events ' +
      'WHERE site_id = ? AND "date" BETWEEN ? AND ? AND visit.source = ?',
    params: [SITE, ...range, 'google.com'],
  },
  'time series by day, one filter': {
    sql: 'SELECT "date", count(*) AS views, count(DISTINCT user_id) AS visitors FROM events WHERE site_id = ? AND "date" BETWEEN ? AND ? AND country = ? GROUP BY "date" ORDER BY "date"',
    params: [SITE, ...range, 'DE'],
  },
  'breakdown by page, two filters': {
    sql: 'SELECT path, count(*) AS views FROM events WHERE site_id = ? AND "date" BETWEEN ? AND ? AND device = ? AND strpos(path, ?) > 0 GROUP BY path ORDER BY views DESC, path',
    params: [SITE, ...range, 'mobile', 'page'],
  },
  'every event (100,000 rows paged)': { sql: 'SELECT event_id, path FROM events WHERE site_id = ? AND "date" BETWEEN ? AND ?', params: [SITE, ...range] },
};

async function main(): Promise<void> {
  const sqs = await startSqsLocal();
  const s3 = localS3Client(sqs.endpoint);
  const bucket = 'bench-lake';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const objects = [...lakeLines()].flatMap(([day, lines]) =>
    Array.from({ length: UNITS }, (_, unit) => {
      const part = lines.filter((_, i) => i % UNITS === unit);
      return { key: `events/site_id=${SITE}/date=${day}/unit-${unit}.e${part.length}.ndjson.gz`, body: gzipSync(part.join('')) };
    }),
  );
  await mapLimit(objects, 8, ({ key, body }) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })));
  const bytes = objects.reduce((sum, object) => sum + object.body.length, 0);
  console.log(`lake: ${EVENTS} events in ${objects.length} objects, ${(bytes / 1e6).toFixed(2)} MB gzipped`);

  const athena = await startAthenaLocal({
    s3,
    lake: { workGroup: 'bench', database: 'bench', table: 'events', bucket, prefix: 'events/', columns: glueColumns(LAKE_COLUMNS), partitionKeys: glueColumns(LAKE_PARTITION_KEYS) },
  });
  const client = localAthenaClient(athena.endpoint);
  const engine = athenaEngine({ workGroup: 'bench', database: 'bench', limitMs: 60_000, pollMs: 10 }, client);
  try {
    const timed = async (query: LakeQuery) => {
      const started = performance.now();
      const rows = await engine.run(query);
      return { ms: performance.now() - started, rows: rows.length };
    };
    const first = await timed(QUERIES['figures, one filter (source)']!);
    console.log(`first query (mirrors ${objects.length} objects first): ${first.ms.toFixed(0)} ms`);
    for (const [name, query] of Object.entries(QUERIES)) {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < RUNS; i++) {
        const result = await timed(query);
        times.push(result.ms);
        rows = result.rows;
      }
      console.log(`${name}: ${rows} rows, median ${percentile(sortedCopy(times), 50).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms (${RUNS} runs)`);
    }
  } finally {
    client.destroy();
    await athena.stop();
    s3.destroy();
    await sqs.stop();
  }
}

await main();
