import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { athenaEngine } from '../../../functions/store/lake/athena-engine.ts';
import { localAthenaClient, localS3Client, localSqsClient } from '../../clients.ts';
import { PROJECT_ROOT } from '../../paths.ts';
import { startLocalRuntime, type LocalRuntime } from '../../runtime.ts';
import { fixtureAssembly } from '../fixtures/synth-fixture.ts';
import { alive } from '../fixtures/processes.ts';

describe('local runtime (fixture stack)', () => {
  let runtime: LocalRuntime;
  const lines: string[] = [];

  beforeAll(async () => {
    runtime = await startLocalRuntime({ synth: false, cdkOut: await fixtureAssembly(), port: 0, log: (line) => lines.push(line) });
  }, 120_000);
  afterAll(async () => {
    await runtime?.stop();
  });

  it('describes what it runs, from the template', () => {
    expect(runtime.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(runtime.stage).toBe('v1');
    expect(Object.values(runtime.tables)).toEqual([expect.stringMatching(/^FixtureStack-ItemsTable/)]);
    expect(Object.values(runtime.queues)).toHaveLength(2);
    for (const url of Object.values(runtime.queues)) expect(url).toMatch(/^http:\/\/sqs\.us-east-1\.localhost:\d+\/000000000000\/FixtureStack-Work/);
    expect(Object.keys(runtime.functions).sort()).toEqual([expect.stringMatching(/^FrontFunction/), expect.stringMatching(/^WorkerFunction/)]);
    expect(runtime.routes).toContainEqual({ method: 'GET', path: '/items/{id}', integration: 'AWS_PROXY', function: expect.stringMatching(/^FrontFunction/) });
    expect(Object.values(runtime.outputs)).toEqual([`${runtime.apiUrl}/`]);
  });

  it('runs the pipeline: API -> function -> SQS -> poller -> function -> DynamoDB', async () => {
    const id = `item-${Date.now()}`;
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${runtime.apiUrl}/enqueue`, { method: 'POST', body: JSON.stringify({ id }) });
      expect(response.status).toBe(202);
    }
    await expect
      .poll(async () => (await fetch(`${runtime.apiUrl}/items/${id}`)).json(), { timeout: 15_000, interval: 200 })
      .toEqual({ id, count: 3 });
    expect(lines.some((l) => /^\[WorkQueue -> WorkerFunction\] batch: \d+ records, 0 failures, \d+ ms$/.test(l))).toBe(true);
  });

  it('sends messages the function keeps failing to the dead-letter queue', async () => {
    const response = await fetch(`${runtime.apiUrl}/enqueue`, { method: 'POST', body: JSON.stringify({ id: 'poison', fail: true }) });
    expect(response.status).toBe(202);
    const dlqUrl = Object.entries(runtime.queues).find(([id]) => id.startsWith('WorkDlq'))![1];
    const sqs = localSqsClient(runtime.sqsEndpoint);
    try {
      // the queue's visibility timeout is 5 s and maxReceiveCount 2: about 10 s
      await expect
        .poll(async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }))).Messages?.[0]?.Body, { timeout: 30_000, interval: 500 })
        .toBe(JSON.stringify({ id: 'poison', fail: true }));
    } finally {
      sqs.destroy();
    }
    expect(lines.some((l) => /batch: 1 records, 1 failures/.test(l))).toBe(true);
  }, 40_000);

  it("starts the Athena endpoint over the lake's bucket and points the functions' Athena clients at it", async () => {
    // Prepare
    const bucket = Object.entries(runtime.buckets).find(([id]) => id.startsWith('LakeBucket'))![1];
    const s3 = localS3Client(runtime.sqsEndpoint);
    const body = gzipSync(['{"event_id":"a","visit":{"page":1,"source":"google.com"}}', '{"event_id":"b","visit":{"page":2}}'].join('\n'));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'events/site_id=s1/date=2026-12-06/u.e2.ndjson.gz', Body: body }));
    s3.destroy();

    // Act
    const echoed = (await (await fetch(`${runtime.apiUrl}/echo`)).json()) as { env: Record<string, string> };
    const client = localAthenaClient(echoed.env.AWS_ENDPOINT_URL_ATHENA!);
    const engine = athenaEngine({ workGroup: echoed.env.LAKE_WORKGROUP!, database: 'fixture_lake', limitMs: 10_000, pollMs: 10 }, client);
    const rows = await engine.run({ sql: 'SELECT event_id, visit.source AS source FROM events WHERE site_id = ? ORDER BY event_id', params: ['s1'] });
    client.destroy();

    // Assess
    expect(runtime.athenaEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(echoed.env).toMatchObject({ AWS_ENDPOINT_URL_ATHENA: runtime.athenaEndpoint, LAKE_WORKGROUP: 'FixtureStack-lake' });
    expect(rows).toEqual([
      { event_id: 'a', source: 'google.com' },
      { event_id: 'b', source: null },
    ]);
    expect(lines.some((line) => /not emulated/.test(line))).toBe(false);
  });

  it('invokes a function directly', async () => {
    const result = await runtime.invoke(Object.keys(runtime.functions).find((id) => id.startsWith('FrontFunction'))!, { resource: '/echo', httpMethod: 'GET', body: null, pathParameters: null, queryStringParameters: null });
    expect(result.ok).toBe(true);
  });

  it('stops everything, DynamoDB Local included', async () => {
    const pid = runtime.dynamodb.pid!;
    await runtime.stop();
    expect(alive(pid)).toBe(false);
    await expect(fetch(`${runtime.apiUrl}/echo`)).rejects.toThrow();
    await expect(fetch(runtime.athenaEndpoint!, { method: 'POST' })).rejects.toThrow();
  });
});

describe('npm start (local/start.ts)', () => {
  it('prints what it serves and stops on Ctrl-C (SIGINT) without leaving a JVM', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'local-runtime-'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'local/start.ts', '--no-synth', '--cdk-out', await fixtureAssembly(), '--port', '0', '--state-file', path.join(stateDir, 'state.json')],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => output, { timeout: 60_000, interval: 100 }).toContain('Ctrl-C to stop.');
      expect(output).toMatch(/Local runtime ready in \d+\.\d s/);
      expect(output).toMatch(/API\s+http:\/\/127\.0\.0\.1:\d+\/v1/);
      expect(output).toMatch(/POST\s+\/enqueue\s+-> FrontFunction/);
      expect(output).toMatch(/DynamoDB\s+http:\/\/127\.0\.0\.1:\d+/);
      expect(output).toMatch(/poller\s+WorkQueue -> WorkerFunction: batch 25, window 1 s, max concurrency 2/);
      const javaPids = execFileSync('pgrep', ['-P', String(child.pid), 'java']).toString().trim().split('\n').map(Number);
      expect(javaPids).toHaveLength(1);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(output).toMatch(/stopped in \d+ ms/);
      expect(alive(javaPids[0]!)).toBe(false);
    } finally {
      child.kill('SIGKILL');
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 90_000);
});
