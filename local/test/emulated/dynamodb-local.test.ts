import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CreateTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { localDynamoDbClient } from '../../clients.ts';
import { JAVA_REQUIRED_MESSAGE, startDynamoDbLocal, type DynamoDbLocal } from '../../dynamodb-local.ts';
import { PROJECT_ROOT } from '../../paths.ts';
import { alive } from '../fixtures/processes.ts';

const started: DynamoDbLocal[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((d) => d.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function tableNames(endpoint: string): Promise<string[]> {
  const client = localDynamoDbClient(endpoint);
  try {
    return (await client.send(new ListTablesCommand({}))).TableNames ?? [];
  } finally {
    client.destroy();
  }
}

async function createTable(endpoint: string, name: string): Promise<void> {
  const client = localDynamoDbClient(endpoint);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } finally {
    client.destroy();
  }
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2_000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

describe('DynamoDB Local', () => {
  it('starts on a free port, bound to 127.0.0.1 only, and stop() ends the JVM', async () => {
    const dynamodb = await startDynamoDbLocal();
    started.push(dynamodb);
    expect(dynamodb.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(dynamodb.listenHost).toBe('127.0.0.1');
    expect(await tableNames(dynamodb.endpoint)).toEqual([]);
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (external) expect(await connects(external, dynamodb.port)).toBe(false);
    const pid = dynamodb.pid!;
    await dynamodb.stop();
    expect(alive(pid)).toBe(false);
    expect(dynamodb.running).toBe(false);
  });

  it('restarts on the same port; with dbPath the data survives, in memory it does not', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ddb-local-'));
    dirs.push(dir);
    const onDisk = await startDynamoDbLocal({ dbPath: dir });
    const inMemory = await startDynamoDbLocal();
    started.push(onDisk, inMemory);
    await createTable(onDisk.endpoint, 'kept');
    await createTable(inMemory.endpoint, 'lost');
    const [endpointA, endpointB] = [onDisk.endpoint, inMemory.endpoint];
    await Promise.all([onDisk.restart(), inMemory.restart()]);
    expect([onDisk.endpoint, inMemory.endpoint]).toEqual([endpointA, endpointB]);
    expect(await tableNames(onDisk.endpoint)).toEqual(['kept']);
    expect(await tableNames(inMemory.endpoint)).toEqual([]);
  });

  it('names what to install when java is missing', async () => {
    await expect(startDynamoDbLocal({ java: '/nonexistent/bin/java' })).rejects.toThrow(JAVA_REQUIRED_MESSAGE);
  });

  for (const [signal, stockJar] of [
    ['SIGKILL', false],
    ['SIGTERM', false],
    ['SIGINT', false],
    ['SIGTERM', true],
    ['SIGINT', true],
  ] as const) {
    it(`leaves no JVM behind when its parent process gets ${signal}${stockJar ? ' (stock jar, signal hook only)' : ''}`, async () => {
      // one process (no tsx wrapper process in between), so the signal reaches the script itself
      const child = spawn(process.execPath, ['--import', 'tsx', 'local/test/fixtures/dynamodb-child.ts'], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, STOCK_JAR: stockJar ? '1' : '0' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const info = await new Promise<{ pid: number }>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))) as { pid: number });
        });
        child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
      });
      expect(alive(info.pid)).toBe(true);
      child.kill(signal);
      await expect.poll(() => alive(info.pid), { timeout: 10_000, interval: 100 }).toBe(false);
    });
  }
});
