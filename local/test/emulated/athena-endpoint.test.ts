import { gzipSync } from 'node:zlib';
import { GetQueryExecutionCommand, StartQueryExecutionCommand, type StartQueryExecutionCommandInput } from '@aws-sdk/client-athena';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LakeQueryTimeout, type LakeEngine } from '../../../functions/domain/lake-query.ts';
import { athenaEngine } from '../../../functions/store/lake/athena-engine.ts';
import { LAKE_COLUMNS, LAKE_PARTITION_KEYS } from '../../../infra/lake.ts';
import { startAthenaLocal, type AthenaLocal } from '../../athena/server.ts';
import { glueColumns, type TemplateLake } from '../../athena/template-lake.ts';
import { localAthenaClient, localS3Client } from '../../clients.ts';

// The local Athena endpoint through the engine the stats function uses on AWS (athenaEngine with
// a real AthenaClient): objects put in the local S3 as the processor writes them, queries started,
// polled, paged and parsed over HTTP, results checked against a tally of the same events.
const run = Date.now().toString(36);
const WORK_GROUP = 'test-lake';
const DATABASE = 'test_lake';

type Line = Record<string, unknown> & { event_id: string; user_id: string; path: string; site_id: string; date: string };

/** `count` page views of a site's day; every tenth opens a visit from google.com; every 97th has no country. */
function lines(siteId: string, date: string, count: number, from = 0): Line[] {
  return Array.from({ length: count }, (_, n) => {
    const i = from + n;
    const visit = i % 10 === 0 ? { page: 1, gap_ms: 0, entry_page: '/', source: 'google.com' } : { page: 2, gap_ms: 1000 + i, entry_page: '/' };
    return {
      event_id: `${siteId}-${date}-${String(i).padStart(5, '0')}`,
      site_id: siteId,
      date,
      event_type: 'pageview',
      path: i % 3 === 0 ? '/' : '/pricing',
      user_id: `u${i % 50}`,
      timestamp: `${date}T${String(i % 24).padStart(2, '0')}:00:00.000Z`,
      received_at: `${date}T23:59:59.000Z`,
      device: i % 2 ? 'mobile' : 'desktop',
      browser: 'Firefox',
      os: 'Linux',
      ...(i % 97 === 0 ? {} : { country: i % 4 ? 'FR' : 'DE' }),
      visit,
    };
  });
}

const keyOf = (line: Line, unit: string, count: number) => `events/site_id=${line.site_id}/date=${line.date}/${unit}.e${count}.ndjson.gz`;

async function putObject(s3: S3Client, bucket: string, unit: string, records: Line[]): Promise<string> {
  const key = keyOf(records[0]!, unit, records.length);
  // The partitions are in the key, as the processor writes them; the lines carry site_id too.
  const body = gzipSync(records.map(({ date: _date, ...record }) => `${JSON.stringify(record)}\n`).join(''));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return key;
}

function lakeOf(bucket: string): TemplateLake {
  return { workGroup: WORK_GROUP, database: DATABASE, table: 'events', bucket, prefix: 'events/', columns: glueColumns(LAKE_COLUMNS), partitionKeys: glueColumns(LAKE_PARTITION_KEYS) };
}

/** An Athena client of the endpoint that records what it sends and the ids it gets. */
function recordingClient(endpoint: string) {
  const client = localAthenaClient(endpoint);
  const started: { input: StartQueryExecutionCommandInput; id?: string }[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'StartQueryExecutionCommand') {
        started.push({ input: args.input as StartQueryExecutionCommandInput, id: (result.output as { QueryExecutionId?: string }).QueryExecutionId });
      }
      return result;
    },
    { step: 'initialize', name: 'recordStarts' },
  );
  return { client, started };
}

describe('the local Athena endpoint, through athenaEngine and the Athena client', () => {
  const bucket = `athena-endpoint-${run}`;
  let s3: S3Client;
  let athena: AthenaLocal;
  let recorded: ReturnType<typeof recordingClient>;
  let engine: LakeEngine;
  const shop = [...lines('shop', '2026-12-01', 1200), ...lines('shop', '2026-12-02', 300)];
  const blog = lines('blog', '2026-12-01', 3).map((line, i) => (i === 1 ? { ...line, path: "/o'brien" } : line));

  beforeAll(async () => {
    s3 = localS3Client(inject('sqsEndpoint'));
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await putObject(s3, bucket, 'unit-a', shop.slice(0, 700));
    await putObject(s3, bucket, 'unit-b', shop.slice(700, 1200));
    await putObject(s3, bucket, 'unit-a', shop.slice(1200));
    await putObject(s3, bucket, 'unit-c', blog);
    athena = await startAthenaLocal({ lake: lakeOf(bucket), s3 });
    recorded = recordingClient(athena.endpoint);
    engine = athenaEngine({ workGroup: WORK_GROUP, database: DATABASE, limitMs: 30_000, pollMs: 10 }, recorded.client);
  });
  afterAll(async () => {
    recorded?.client.destroy();
    await athena?.stop();
    s3?.destroy();
  });

  it("answers a site's figures by day, exactly, with counts parsed as numbers", async () => {
    // Act
    const rows = await engine.run({
      sql: 'SELECT "date", count(*) AS views, count(DISTINCT user_id) AS visitors, avg(visit.page) AS pages FROM events WHERE site_id = ? AND "date" BETWEEN ? AND ? GROUP BY "date" ORDER BY "date"',
      params: ['shop', '2026-12-01', '2026-12-31'],
    });

    // Assess
    const tally = Map.groupBy(shop, (line) => line.date);
    expect(rows).toEqual(
      [...tally].map(([date, day]) => ({
        date,
        views: day.length,
        visitors: new Set(day.map((line) => line.user_id)).size,
        pages: day.reduce((sum, line) => sum + (line.visit as { page: number }).page, 0) / day.length,
      })),
    );
  });

  it('pages through more than 1,000 rows, header first, every row once and in order', async () => {
    // Act
    const rows = await engine.run({ sql: 'SELECT event_id, path, country FROM events WHERE site_id = ? ORDER BY event_id', params: ['shop'] });

    // Assess
    expect(rows).toHaveLength(shop.length);
    expect(rows).toEqual(
      [...shop].sort((a, b) => a.event_id.localeCompare(b.event_id)).map((line) => ({ event_id: line.event_id, path: line.path, country: line.country ?? null })),
    );
    expect(rows.filter((row) => row.country === null).length).toBeGreaterThan(0);
  });

  it('sends the SQL as written and the values as Athena literals, and binds a quote as a quote', async () => {
    // Act
    const found = await engine.run({ sql: 'SELECT event_id FROM events WHERE site_id = ? AND path = ? AND visit.page < ?', params: ['blog', "/o'brien", 5] });
    const injected = await engine.run({ sql: 'SELECT event_id FROM events WHERE site_id = ? AND path = ?', params: ['blog', "x' OR '1'='1"] });

    // Assess
    expect(found).toEqual([{ event_id: blog[1]!.event_id }]);
    expect(injected).toEqual([]);
    const sent = recorded.started.find((s) => s.input.QueryString?.includes('visit.page < ?'))!.input;
    expect(sent).toEqual({
      QueryString: 'SELECT event_id FROM events WHERE site_id = ? AND path = ? AND visit.page < ?',
      WorkGroup: WORK_GROUP,
      QueryExecutionContext: { Database: DATABASE },
      ExecutionParameters: ["'blog'", "'/o''brien'", '5'],
    });
  });

  it("reads struct fields and Trino's functions; integers divide as in Trino", async () => {
    // Act
    const rows = await engine.run({
      sql:
        'SELECT visit.source AS source, count(*) / 7 AS sevenths, approx_distinct(user_id) AS users, ' +
        "date_format(min(from_iso8601_timestamp(\"timestamp\")), '%Y-%m-%d %H:%i') AS first " +
        'FROM events WHERE site_id = ? AND "date" = ? GROUP BY visit.source ORDER BY source NULLS LAST',
      params: ['shop', '2026-12-01'],
    });

    // Assess
    const day = shop.filter((line) => line.date === '2026-12-01');
    const bySource = Map.groupBy(day, (line) => (line.visit as { source?: string }).source ?? null);
    expect(rows).toEqual(
      ['google.com', null].map((source) => {
        const group = bySource.get(source)!;
        const first = group.map((line) => String(line.timestamp)).sort()[0]!;
        return { source, sevenths: Math.floor(group.length / 7), users: new Set(group.map((line) => line.user_id)).size, first: `${first.slice(0, 10)} ${first.slice(11, 16)}` };
      }),
    );
  });

  it('runs queries side by side, as a dashboard view asks them', async () => {
    // Act
    const counts = await Promise.all(
      ['shop', 'blog', 'shop', 'none'].map((site) => engine.run({ sql: 'SELECT count(*) AS n FROM events WHERE site_id = ?', params: [site] })),
    );

    // Assess
    expect(counts).toEqual([[{ n: shop.length }], [{ n: blog.length }], [{ n: shop.length }], [{ n: 0 }]]);
  });

  it('follows the bucket: a new object is read, a rewritten one read again, a deleted one no longer', async () => {
    // Prepare
    const count = { sql: 'SELECT count(*) AS n FROM events WHERE site_id = ?', params: ['news'] };
    const key = await putObject(s3, bucket, 'unit-d', lines('news', '2026-12-03', 4));

    // Act
    const added = await engine.run(count);
    const rewritten = lines('news', '2026-12-03', 2).map((line) => `${JSON.stringify(line)}\n`).join('');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: gzipSync(rewritten) }));
    const replaced = await engine.run(count);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    const removed = await engine.run(count);

    // Assess
    expect(added).toEqual([{ n: 4 }]);
    expect(replaced).toEqual([{ n: 2 }]);
    expect(removed).toEqual([{ n: 0 }]);
  });

  it("fails a query DuckDB cannot run with the engine's reason, and one with a parameter outside WHERE as Athena does", async () => {
    // Act & Assess
    await expect(engine.run({ sql: 'SELECT no_such_column FROM events WHERE site_id = ?', params: ['shop'] })).rejects.toThrow(
      /The lake query failed: .*no_such_column/,
    );
    await expect(engine.run({ sql: 'SELECT path FROM events WHERE site_id = ? LIMIT ?', params: ['shop', 10] })).rejects.toThrow(
      /only allowed in a WHERE clause; parameter 2 is in LIMIT/,
    );
    await expect(engine.run({ sql: 'SELECT path FROM events WHERE site_id = ?', params: [] })).rejects.toThrow(/expected 1 but found 0/);
  });

  it('refuses a query outside the workgroup of the template', async () => {
    // Act & Assess
    await expect(recorded.client.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1', WorkGroup: 'primary' }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: expect.stringMatching(/WorkGroup primary is not found/),
    });
    const response = await fetch(athena.endpoint, { method: 'POST', headers: { 'x-amz-target': 'AmazonAthena.DropEverything' }, body: '{}' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'UnknownOperationException', message: 'Unknown operation AmazonAthena.DropEverything' });
  });

  it('stops a query that runs past the limit and throws LakeQueryTimeout', async () => {
    // Prepare
    const hasty = athenaEngine({ workGroup: WORK_GROUP, database: DATABASE, limitMs: 300, pollMs: 20 }, recorded.client);
    const slow = { sql: 'SELECT count(*) AS n FROM range(100000000000) AS t(i) WHERE hash(i) % 1000 = ?', params: [7] };

    // Act
    const started = Date.now();
    const error = await hasty.run(slow).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(LakeQueryTimeout);
    expect(Date.now() - started).toBeLessThan(5_000);
    const id = recorded.started.at(-1)!.id;
    const { QueryExecution } = await recorded.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    expect(QueryExecution?.Status?.State).toBe('CANCELLED');
    // DuckDB was interrupted: the query lets go of it (it would otherwise count for minutes).
    await expect.poll(() => athena.inFlight(), { timeout: 3_000, interval: 20 }).toBe(0);
    // The endpoint is free again: the next query answers at once.
    expect(await engine.run({ sql: 'SELECT count(*) AS n FROM events WHERE site_id = ?', params: ['blog'] })).toEqual([{ n: 3 }]);
  });
});

describe('the local Athena endpoint over an empty lake', () => {
  it('answers zero rows, not an error', async () => {
    // Prepare
    const bucket = `athena-empty-${run}`;
    const s3 = localS3Client(inject('sqsEndpoint'));
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const athena = await startAthenaLocal({ lake: lakeOf(bucket), s3 });
    const { client } = recordingClient(athena.endpoint);
    const engine = athenaEngine({ workGroup: WORK_GROUP, database: DATABASE, limitMs: 10_000, pollMs: 10 }, client);
    try {
      // Act
      const counted = await engine.run({ sql: 'SELECT count(*) AS n, count(DISTINCT visit.source) AS sources FROM events WHERE site_id = ?', params: ['shop'] });
      const listed = await engine.run({ sql: 'SELECT * FROM events WHERE site_id = ? AND "date" >= ?', params: ['shop', '2026-01-01'] });

      // Assess
      expect(counted).toEqual([{ n: 0, sources: 0 }]);
      expect(listed).toEqual([]);
    } finally {
      client.destroy();
      await athena.stop();
      s3.destroy();
    }
  });
});

describe('the local Athena endpoint while it loads the lake in the background', () => {
  it('gives a query asked during the first load every object, one put after the endpoint started as well', async () => {
    // Prepare
    const bucket = `athena-follow-${run}`;
    const s3 = localS3Client(inject('sqsEndpoint'));
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const days = Array.from({ length: 30 }, (_, i) => lines('shop', `2026-11-${String(i + 1).padStart(2, '0')}`, 5));
    for (const [i, day] of days.entries()) await putObject(s3, bucket, `unit-${i}`, day);
    const athena = await startAthenaLocal({ lake: lakeOf(bucket), s3 });
    const { client } = recordingClient(athena.endpoint);
    const engine = athenaEngine({ workGroup: WORK_GROUP, database: DATABASE, limitMs: 10_000, pollMs: 10 }, client);
    try {
      // Act
      await putObject(s3, bucket, 'unit-late', lines('shop', '2026-12-01', 7));
      const rows = await engine.run({ sql: 'SELECT count(*) AS n, count(DISTINCT "date") AS days FROM events WHERE site_id = ?', params: ['shop'] });

      // Assess
      expect(rows).toEqual([{ n: 30 * 5 + 7, days: 31 }]);
    } finally {
      client.destroy();
      await athena.stop();
      s3.destroy();
    }
  });
});
