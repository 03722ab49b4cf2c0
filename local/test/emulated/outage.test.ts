import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { PROJECT_ROOT, startLocalRuntime, type LocalRuntime } from '../../runtime.ts';
import { localSqsClient } from '../../clients.ts';
import { localStack, type StackHandle } from '../../stack-handle.ts';
import { apiClient, waitFor } from '../../../test/support/http-client.ts';
import { beacon } from '../../../test/support/factories.ts';
import { newApiKey } from '../../../functions/domain/api-keys.ts';

// A short processor timeout (2 s: visibility timeout 12 s, claim lease 4 s) so that messages
// failed during the outage come back within the test's time.
const CONTEXT = { processorTimeoutSeconds: '2', batchWindowSeconds: '1', batchSize: '50' };
const ADMIN_API_KEY = newApiKey();

let runtime: LocalRuntime;
/** The runtime's stack: its queues by role. */
let stack: StackHandle;
let dataDir: string;
let batchesDone = 0;
let batchesFailed = 0;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'ddb-outage-'));
  runtime = await startLocalRuntime({
    port: 0,
    context: CONTEXT,
    cdkOut: path.join(PROJECT_ROOT, '.local', 'cdk.out.outage'),
    dynamodb: { dbPath: dataDir },
    environment: { ADMIN_API_KEY },
    log: (line) => {
      const batch = /batch: (\d+) records, (\d+) failures/.exec(line);
      if (batch) batchesDone++;
      if (batch && batch[2] !== '0') batchesFailed++;
      if (/whole batch failed/.test(line)) batchesFailed++;
    },
  });
  stack = localStack(runtime);
});

afterAll(async () => {
  stack?.destroy();
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Messages in a queue, visible or in flight. */
async function depth(role: 'eventsQueue' | 'eventsDlq'): Promise<number> {
  const { visible, inFlight } = await stack.queueDepth(role);
  return visible + inFlight;
}

const today = new Date().toISOString().slice(0, 10);

describe('the local runtime under faults', () => {
  it('counts exactly after DynamoDB Local is stopped mid-processing and restarted', async () => {
    // Prepare: 600 events over 3 sites, posted while the pipeline runs.
    const api = apiClient(runtime.apiUrl, undefined, ADMIN_API_KEY);
    const tag = Date.now().toString(36);
    const sites = [0, 1, 2].map((i) => `outage-${tag}-${i}`);
    const events = Array.from({ length: 600 }, (_, i) =>
      beacon({ site_id: sites[i % 3], path: `/p${i % 7}`, user_id: `u${i % 50}`, event_id: `${tag}-${i}`, timestamp: `${today}T00:00:00Z` }),
    );
    const posted = await Promise.all(events.slice(0, 300).map((e) => api.postEvent(e)));
    expect(posted.every((r) => r.status === 202)).toBe(true);
    await waitFor(async () => batchesDone, (n) => n > 0, 30_000, 50);

    // Act: DynamoDB goes away while batches are in flight, more events arrive, it comes back.
    await runtime.dynamodb.stop();
    const duringOutage = await Promise.all(events.slice(300).map((e) => api.postEvent(e)));
    expect(duringOutage.every((r) => r.status === 202)).toBe(true);
    await waitFor(async () => batchesFailed, (n) => n > 0, 30_000, 50);
    await runtime.dynamodb.start();

    // Assess: once the queue drains, every site's counts equal the events sent, and no message
    // ended in the dead-letter queue.
    await waitFor(() => depth('eventsQueue'), (n) => n === 0, 120_000, 500);
    for (const site of sites) {
      const sent = events.filter((e) => e.site_id === site);
      const stats = await api.get('stats', { site_id: site, date: today });
      expect(stats.body.total_events, site).toBe(sent.length);
      expect(stats.body.total_views, site).toBe(sent.length);
      expect(stats.body.unique_users, site).toBe(new Set(sent.map((e) => e.user_id)).size);
      const pathViews = stats.body.top_paths.reduce((sum: number, p: { views: number }) => sum + p.views, 0);
      expect(pathViews, site).toBe(sent.length);
    }
    expect(batchesFailed).toBeGreaterThan(0);
    expect(await depth('eventsDlq')).toBe(0);
    // Its own bound: a JVM restart and a redelivery after the 12 s visibility timeout take most of
    // the suite's 60 s on a busy machine; every wait above is bounded on its own.
  }, 180_000);

  it('counts a message delivered twice straight to the queue once', async () => {
    const api = apiClient(runtime.apiUrl, undefined, ADMIN_API_KEY);
    const site = `dup-${Date.now().toString(36)}`;
    const body = JSON.stringify({ ...beacon({ site_id: site, event_id: 'dup-1' }), received_at: new Date().toISOString() });
    const other = JSON.stringify({ ...beacon({ site_id: site, event_id: 'dup-2', user_id: 'someone-else' }), received_at: new Date().toISOString() });
    const sqs = localSqsClient(runtime.sqsEndpoint);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: stack.get('eventsQueue'),
        Entries: [
          { Id: 'a', MessageBody: body },
          { Id: 'b', MessageBody: body },
          { Id: 'c', MessageBody: other },
        ],
      }),
    );
    await waitFor(() => depth('eventsQueue'), (n) => n === 0, 60_000, 200);
    // And once more, after the first copies were counted.
    await sqs.send(new SendMessageCommand({ QueueUrl: stack.get('eventsQueue'), MessageBody: body }));
    await waitFor(() => depth('eventsQueue'), (n) => n === 0, 60_000, 200);
    const stats = await api.get('stats', { site_id: site });
    expect(stats.body).toMatchObject({ total_events: 2, total_views: 2, unique_users: 2 });
  });
});
