// npm run bench:lake-cost: what a filtered dashboard view costs on Athena, for a site with
// --monthly events a month (default 1,000,000), over the last 30 days and the last 12 months.
//
// Athena bills the bytes it reads, $5 per TB, at least 10 MB per query; over gzipped NDJSON it
// reads every object of the partitions a query names (the site's, the range's days), whole. So:
// 1. bytes per event: --sample events of the dashboard bench's workload (bench/workload/
//    dashboard.ts: visits, sources, UTM tags, four browsers, five countries) over --sample-days
//    days, accepted as the API accepts them, written as the processor writes them (lake.ts
//    unitFiles, gzip), (a) in objects of one 30 s batch window at this traffic, (b) one object
//    per site and day (compacted), and (c) as Parquet (snappy, DuckDB), by column;
// 2. queries per view, from what the dashboard sends (web/dashboard/load.ts): filtered, one GET
//    /stats/view per period (the period's figures, top pages, chart and panels in one query; the
//    previous period's figures and chart in another: functions/domain/lake-view.ts); for
//    comparison, the 13 queries the separate routes would ask (figures and the previous period's,
//    figures with top pages, the chart and the previous chart, one breakdown per panel of
//    panels.ts DIMENSIONS);
// 3. bytes and dollars per view: each query reads its range's objects; then the options;
// 4. a goals or funnel query: one over its period.
// Nothing is sent anywhere: the events are generated and measured in memory and a temp folder.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { acceptBatch, type TrackedEvent } from '../functions/domain/event.ts';
import { unitFiles } from '../functions/domain/lake.ts';
import { classifyUserAgent } from '../functions/domain/user-agent.ts';
import { LAKE_COLUMNS } from '../infra/lake.ts';
import { glueColumns } from '../local/athena/template-lake.ts';
import { PROJECT_ROOT } from '../local/runtime.ts';
import { dashboardWorkload } from './workload/dashboard.ts';
import { athenaQueryUsd, PRICES } from './lib/prices.ts';

const { values: args } = parseArgs({
  options: {
    monthly: { type: 'string', default: '1000000' },
    sample: { type: 'string', default: '100000' },
    'sample-days': { type: 'string', default: '3' },
    'window-s': { type: 'string', default: '30' },
  },
});
const MONTHLY = Number(args.monthly);
const SAMPLE = Number(args.sample);
const SAMPLE_DAYS = Number(args['sample-days']);
const WINDOW_S = Number(args['window-s']);
for (const [name, value] of Object.entries({ monthly: MONTHLY, sample: SAMPLE, 'sample-days': SAMPLE_DAYS, 'window-s': WINDOW_S })) {
  if (!Number.isInteger(value) || value < 1 || value > 100_000_000) throw new Error(`--${name} must be a whole number from 1 to 100000000`);
}
if (SAMPLE > 1_000_000) throw new Error('--sample must be at most 1000000');
const SITE = 'lake-cost.example';
const DAY_MS = 86_400_000;
const MB = 1024 ** 2;

/** The sample's events as the processor has them (accepted by the API, with the batch's audience), oldest first. */
function sampleEvents(): TrackedEvent[] {
  const nowMs = Date.now();
  const batches = dashboardWorkload({ site: SITE, newestDaysAgo: 0, oldestDaysAgo: SAMPLE_DAYS, events: SAMPLE, users: Math.max(1, Math.round(SAMPLE / 5)), nowMs, seed: 7 });
  const events = batches.flatMap((batch) => {
    const accepted = acceptBatch(batch.events, new Date(nowMs), randomUUID, { ...classifyUserAgent(batch.userAgent), country: batch.country });
    if (!accepted.ok) throw new Error(`a batch is invalid: ${JSON.stringify(accepted.issues.slice(0, 3))}`);
    return accepted.value;
  });
  return events.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
}

/** Gzipped bytes of the events written in groups (each group one commit unit: one object per day it spans). */
function gzippedBytes(groups: TrackedEvent[][]): { bytes: number; objects: number; ndjson: number } {
  let bytes = 0;
  let objects = 0;
  let ndjson = 0;
  for (const [i, group] of groups.entries()) {
    for (const file of unitFiles(SITE, `unit-${i}`, group)) {
      bytes += gzipSync(file.body).length;
      ndjson += Buffer.byteLength(file.body);
      objects++;
    }
  }
  return { bytes, objects, ndjson };
}

/** Groups of consecutive events, `size` each. */
const chunks = <T>(list: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));

/** The sample as Parquet (one file per day, snappy): compressed bytes of each column, summed over the days. */
async function parquetColumnBytes(events: TrackedEvent[]): Promise<Map<string, number>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lake-cost-'));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const columns = `{${glueColumns(LAKE_COLUMNS).map((c) => `'${c.name}': '${c.type}'`).join(', ')}}`;
    const bytes = new Map<string, number>();
    for (const file of unitFiles(SITE, 'day', events)) {
      const json = path.join(dir, `${file.day}.ndjson`);
      const parquet = path.join(dir, `${file.day}.parquet`);
      writeFileSync(json, file.body);
      await connection.run(`COPY (SELECT * FROM read_ndjson('${json}', columns = ${columns}, format = 'newline_delimited')) TO '${parquet}' (FORMAT parquet, COMPRESSION snappy)`);
      const reader = await connection.runAndReadAll(`SELECT path_in_schema, sum(total_compressed_size) FROM parquet_metadata('${parquet}') GROUP BY path_in_schema`);
      for (const [column, size] of reader.getRows()) bytes.set(String(column).replaceAll(', ', '.'), (bytes.get(String(column).replaceAll(', ', '.')) ?? 0) + Number(size));
    }
    return bytes;
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The breakdown panels' dimensions, read from the dashboard's source (panels.ts is compiled with the DOM's types, not for Node). */
function panelDimensions(): string[] {
  const source = readFileSync(path.join(PROJECT_ROOT, 'web', 'dashboard', 'panels.ts'), 'utf8');
  const block = /export const DIMENSIONS = \[([\s\S]*?)\] as const;/.exec(source)?.[1];
  const dimensions = [...(block ?? '').matchAll(/dimension: '(\w+)'/g)].map((m) => m[1]!);
  if (!dimensions.length) throw new Error('no DIMENSIONS found in web/dashboard/panels.ts');
  return dimensions;
}

/** The lake queries of one filtered view if each figure, chart and panel asked its own route: those over the period, those over the previous period, and the columns each reads. */
const COUNTED = ['event_type', 'user_id', 'visit.page', 'visit.gap_ms'];
const viewQueries = (filterColumn: string) => ({
  current: [
    { name: 'figures (limit 0)', columns: [...COUNTED, filterColumn] },
    { name: 'figures with top pages', columns: [...COUNTED, 'path', filterColumn] },
    { name: 'chart', columns: ['event_type', 'user_id', 'visit.page', filterColumn] },
    ...panelDimensions().map((dimension) => ({ name: `breakdown ${dimension}`, columns: ['event_type', 'visit.page', dimension.startsWith('utm_') || dimension === 'source' || dimension === 'entry_page' ? `visit.${dimension}` : dimension, filterColumn] })),
  ],
  previous: [
    { name: 'previous figures (limit 0)', columns: [...COUNTED, filterColumn] },
    { name: 'previous chart', columns: ['event_type', 'user_id', 'visit.page', filterColumn] },
  ],
});

const usd = (value: number): string => `$${value.toFixed(value < 0.01 ? 5 : 4)}`;
const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;

const events = sampleEvents();
const perWindow = Math.max(1, Math.round((MONTHLY / (30 * 86_400)) * WINDOW_S));
const asWritten = gzippedBytes(chunks(events, perWindow));
const compacted = gzippedBytes([events]);
const parquet = await parquetColumnBytes(events);
const parquetTotal = [...parquet.values()].reduce((a, b) => a + b, 0);
const perEvent = { written: asWritten.bytes / events.length, compacted: compacted.bytes / events.length, parquet: parquetTotal / events.length };
console.log(`sample: ${events.length} events of the dashboard bench's workload over ${SAMPLE_DAYS} days (${(asWritten.ndjson / events.length).toFixed(0)} bytes of NDJSON each)`);
console.log(`bytes per event, gzipped NDJSON as written (${perWindow} events per ${WINDOW_S} s batch at ${MONTHLY.toLocaleString('en-US')} a month, ${asWritten.objects} objects): ${perEvent.written.toFixed(1)}`);
console.log(`bytes per event, gzipped NDJSON compacted (one object per day, ${compacted.objects} objects): ${perEvent.compacted.toFixed(1)}`);
console.log(`bytes per event, Parquet (snappy, one file per day): ${perEvent.parquet.toFixed(1)}; by column: ${[...parquet].map(([c, b]) => `${c} ${(b / events.length).toFixed(2)}`).join(', ')}`);

const daily = MONTHLY / 30;
const periods = [
  { label: '30 days', days: 30 },
  { label: '12 months', days: 365 },
];
const queries = viewQueries('visit.source');
const count = queries.current.length + queries.previous.length;
/** What the dashboard asks of a filtered view (load.ts fromLake): GET /stats/view for the period and for the previous one. */
const ASKED = 2;
console.log(`\nqueries per filtered view (web/dashboard/load.ts): ${ASKED}, one GET /stats/view per period (figures, top pages, chart and every panel in one GROUPING SETS query)`);
console.log(`the separate routes would ask ${count}: ${queries.current.length} over the period (${queries.current.map((q) => q.name).join(', ')}) + ${queries.previous.length} over the previous period`);
console.log(`Athena: $${PRICES.athena.perTbScanned} per TB scanned, at least ${PRICES.athena.minimumMbPerQuery} MB per query\n`);

const parquetBytes = (columns: string[]) => columns.reduce((sum, c) => sum + (parquet.get(c) ?? [...parquet].filter(([k]) => k.startsWith(`${c}.`)).reduce((s, [, b]) => s + b, 0)), 0) / events.length;
const rows: Array<[string, ...string[]]> = [];
/** Bytes billed for queries that scan these bytes: each rounded up to a MB, at least the minimum. */
const billedBytes = (scans: number[]): number => scans.reduce((sum, bytes) => sum + Math.max(PRICES.athena.minimumMbPerQuery, Math.ceil(bytes / MB)) * MB, 0);
let thirtyDayNdjson = 0;
for (const { label, days } of periods) {
  const periodEvents = daily * days;
  const layouts = [
    { name: `gzipped NDJSON as written, ${count} queries (separate routes)`, queries: count, bytesPerQuery: () => perEvent.written * periodEvents },
    { name: 'gzipped NDJSON as written, 2 queries (GET /stats/view per period)', queries: ASKED, bytesPerQuery: () => perEvent.written * periodEvents },
    { name: `gzipped NDJSON compacted, ${count} queries (separate routes)`, queries: count, bytesPerQuery: () => perEvent.compacted * periodEvents },
    { name: 'gzipped NDJSON compacted, 2 queries (GET /stats/view per period)', queries: ASKED, bytesPerQuery: () => perEvent.compacted * periodEvents },
    { name: 'gzipped NDJSON compacted, 1 query (both periods)', queries: 1, bytesPerQuery: () => perEvent.compacted * periodEvents * 2 },
  ];
  for (const layout of layouts) {
    const perQuery = layout.bytesPerQuery();
    const cost = layout.queries * athenaQueryUsd(perQuery);
    if (days === 30 && layout.queries === ASKED && layout.name.includes('as written')) thirtyDayNdjson = cost;
    rows.push([label, layout.name, mb(perQuery * layout.queries), mb(billedBytes(Array(layout.queries).fill(perQuery))), usd(cost)]);
  }
  const parquetQueries = [...queries.current, ...queries.previous].map((q) => parquetBytes(q.columns) * periodEvents);
  rows.push([label, `Parquet, ${count} queries (columns each reads)`, mb(parquetQueries.reduce((a, b) => a + b, 0)), mb(billedBytes(parquetQueries)), usd(parquetQueries.reduce((sum, bytes) => sum + athenaQueryUsd(bytes), 0))]);
  const allColumns = [...new Set([...queries.current, ...queries.previous].flatMap((q) => q.columns))];
  const combined = parquetBytes(allColumns) * periodEvents;
  rows.push([label, 'Parquet, 2 queries (every column the view reads)', mb(combined * 2), mb(billedBytes([combined, combined])), usd(2 * athenaQueryUsd(combined))]);
}
console.log(`${'period'.padEnd(10)} ${'layout and queries'.padEnd(66)} ${'scanned'.padStart(10)} ${'billed'.padStart(10)} ${'per view'.padStart(9)}`);
for (const [period, layout = '', scanned = '', billed = '', cost = ''] of rows) {
  console.log(`${period.padEnd(10)} ${layout.padEnd(66)} ${scanned.padStart(10)} ${billed.padStart(10)} ${cost.padStart(9)}`);
}
// A goals panel (GET /stats/goals) and a funnel (GET /stats/funnel) are one query each over their
// period, whatever the number of goals or steps (lake-goals.ts, funnel.ts): the period's objects, once.
console.log('\none goals or funnel query (GET /stats/goals, GET /stats/funnel), per period:');
for (const { label, days } of periods) {
  const periodEvents = daily * days;
  const asWrittenBytes = perEvent.written * periodEvents;
  const compactedBytes = perEvent.compacted * periodEvents;
  console.log(
    `${label.padEnd(10)} as written ${mb(asWrittenBytes)} ${usd(athenaQueryUsd(asWrittenBytes))}; compacted ${mb(compactedBytes)} ${usd(athenaQueryUsd(compactedBytes))}`,
  );
}

const target = 0.001;
console.log(`\nfiltered 30-day view as the dashboard asks it (${ASKED} queries, objects as written): ${usd(thirtyDayNdjson)} — target <= ${usd(target)}: ${thirtyDayNdjson <= target ? 'met' : 'MISSED'}`);
