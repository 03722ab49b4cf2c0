// node --import tsx bench/compaction.ts [--events N] [--window-seconds S]
// What compaction does to a site-day of the bench's workload (20 sites, 3 days): the objects and
// gzipped bytes the processor writes for it (one object per batch: a batch is the events received
// in one batching window) against the one compacted object, and the bytes Athena scans for a
// query of that site and day (a JSON table is read whole). Objects are built as the lake builds
// them (unitFiles, gzip); nothing is sent anywhere. With DuckDB installed (@duckdb/node-api), the
// same day as Parquet too: the file's bytes and the bytes of the columns a query reads.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { acceptBeacon } from '../functions/domain/event.ts';
import type { TrackedEvent } from '../functions/domain/event.ts';
import { unitFiles } from '../functions/domain/lake.ts';
import { generateWorkload } from './workload/workload.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' }, 'window-seconds': { type: 'string', default: '30' } } });
const windowMs = Number(values['window-seconds']) * 1000;
const workload = generateWorkload({ events: Number(values.events), sites: 20, seed: 1 });
const events: TrackedEvent[] = workload.bodies.map((body, i) => {
  const beacon = workload.beacons[i]!;
  const accepted = acceptBeacon(JSON.parse(body), new Date(Date.parse(beacon.timestamp) + 500), () => `e${i}`, workload.audience[i]);
  if (!accepted.ok) throw new Error(`beacon ${i}: ${JSON.stringify(accepted.issues)}`);
  return accepted.value;
});

// The busiest site-day.
const bySiteDay = Map.groupBy(events, (event) => `${event.site_id} ${event.day}`);
const [siteDay, dayEvents] = [...bySiteDay].sort((a, b) => b[1].length - a[1].length)[0]!;
const siteId = dayEvents[0]!.site_id;

// One object per batching window (the bench's batches hold every site; each writes its site's object of the day).
const batches = Map.groupBy(dayEvents, (event) => Math.floor(Date.parse(event.received_at) / windowMs));
const files = [...batches].flatMap(([window, batch]) => unitFiles(siteId, `b${window}:${siteId}:0`, batch));
const before = files.map((file) => gzipSync(file.body).length);
const after = gzipSync(files.map((file) => file.body).join('')).length;
const bytesBefore = before.reduce((sum, bytes) => sum + bytes, 0);

const perEvent = (bytes: number) => (bytes / dayEvents.length).toFixed(1);
console.log(`site-day ${siteDay}: ${dayEvents.length} events, ${values['window-seconds']} s batching window`);
console.log(`before: ${files.length} objects, ${bytesBefore} bytes (${perEvent(bytesBefore)} per event)`);
console.log(`after:  1 object, ${after} bytes (${perEvent(after)} per event)`);
console.log(`Athena scans per query of the site-day: ${bytesBefore} bytes before (${files.length} files opened), ${after} after (1 file)`);
// A site of 1 million events a month: 33,333 events a day, at the bytes per event measured.
const dayOfMillion = 1_000_000 / 30;
console.log(
  `at 1 million events a month: ${((dayOfMillion * bytesBefore) / dayEvents.length / 1e6).toFixed(2)} MB a day before, ` +
    `${((dayOfMillion * after) / dayEvents.length / 1e6).toFixed(2)} MB after; up to ${(86_400_000 / windowMs).toFixed(0)} objects a day before, 1 after`,
);

/** The day as one Parquet file (zstd), written by DuckDB from the compacted NDJSON; undefined without DuckDB. */
async function parquetOf(ndjson: string): Promise<{ bytes: number; columns: Map<string, number> } | undefined> {
  const duckdb = await import('@duckdb/node-api').catch(() => undefined);
  if (!duckdb) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'compaction-'));
  try {
    writeFileSync(join(dir, 'day.ndjson'), ndjson);
    const connection = await (await duckdb.DuckDBInstance.create(':memory:')).connect();
    const parquet = join(dir, 'day.parquet');
    await connection.run(`COPY (SELECT * FROM read_ndjson_auto('${join(dir, 'day.ndjson')}')) TO '${parquet}' (FORMAT parquet, COMPRESSION zstd)`);
    const chunks = await connection.runAndReadAll(
      `SELECT split_part(path_in_schema, ',', 1) AS col, sum(total_compressed_size)::BIGINT AS bytes FROM parquet_metadata('${parquet}') GROUP BY 1`,
    );
    const columns = new Map(chunks.getRows().map(([col, bytes]) => [String(col), Number(bytes)]));
    return { bytes: statSync(parquet).size, columns };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const parquet = await parquetOf(files.map((file) => file.body).join(''));
if (!parquet) {
  console.log('Parquet: not measured (@duckdb/node-api is not installed)');
} else {
  const read = (names: string[]) => names.reduce((sum, name) => sum + (parquet.columns.get(name) ?? 0), 0);
  console.log(`Parquet (zstd): 1 object, ${parquet.bytes} bytes (${perEvent(parquet.bytes)} per event)`);
  console.log(
    `Parquet bytes Athena scans: top pages (event_type, path) ${read(['event_type', 'path'])}; ` +
      `unique users (user_id) ${read(['user_id'])}; a filtered breakdown (event_type, path, country, visit) ${read(['event_type', 'path', 'country', 'visit'])}; ` +
      `every column ${parquet.bytes}`,
  );
}
