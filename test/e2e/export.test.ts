import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/paths.ts';
import { CSV_COLUMNS } from '../../ops/export-format.ts';
import { apiClient, waitFor } from '../support/http-client.ts';
import { keysCli } from '../support/keys-cli.ts';

// The raw-event lake over HTTP: events posted as a site does, counted, then GET /stats/export
// lists their files with pre-signed URLs that download every event once; `npm run export` writes
// the same events as NDJSON and CSV.
const baseUrl = inject('baseUrl');
const keysTarget = inject('keysTarget');
const admin = apiClient(baseUrl, undefined, inject('adminKey'));
const browser = apiClient(baseUrl);
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const site = `e2e-export-${run}`;
const PIPELINE_TIMEOUT_MS = Number(process.env.E2E_PIPELINE_TIMEOUT_MS ?? 60_000);

const DAY_MS = 86_400_000;
const dayAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString().slice(0, 10);
const [first, second] = [dayAgo(2), dayAgo(1)];
const events = [
  { event_id: `${run}-0`, event_type: 'page_view', path: '/', user_id: 'u1', timestamp: `${first}T09:00:00.000Z` },
  { event_id: `${run}-1`, event_type: 'page_view', path: '/pricing', user_id: 'u1', timestamp: `${first}T09:01:00.000Z` },
  { event_id: `${run}-2`, event_type: 'signup', path: '/pricing', user_id: 'u1', timestamp: `${first}T09:02:00.000Z` },
  { event_id: `${run}-3`, event_type: 'page_view', path: '/docs, "quoted"', user_id: '=u2+1', timestamp: `${second}T18:00:00.000Z` },
];

interface ExportBody {
  site_id: string;
  from: string;
  to: string;
  files: Array<{ date: string; url: string; bytes: number; events: number }>;
  expires_in: number;
}

beforeAll(async () => {
  const responses = await Promise.all(events.map((event) => browser.postEvent({ site_id: site, ...event })));
  expect(responses.map((response) => response.status)).toEqual(events.map(() => 202));
  const counted = await waitFor(
    () => admin.get('stats', { site_id: site, from: first, to: second }),
    (r) => r.body?.total_events === events.length,
    PIPELINE_TIMEOUT_MS,
  );
  expect(counted.body?.total_events).toBe(events.length);
});

describe('GET /stats/export over HTTP', () => {
  it('lists the files of the range by day, whose URLs download every counted event once', async () => {
    // Act
    const response = await admin.get('stats/export', { site_id: site, from: first, to: second });

    // Assess
    expect(response.status).toBe(200);
    const body = response.body as ExportBody;
    expect(body).toMatchObject({ site_id: site, from: first, to: second, expires_in: 900 });
    expect(body.files.map((file) => file.date)).toEqual([...body.files.map((file) => file.date)].sort());
    const lines: Array<Record<string, unknown> & { date: string }> = [];
    for (const file of body.files) {
      const download = await fetch(file.url);
      expect(download.status).toBe(200);
      const gzipped = Buffer.from(await download.arrayBuffer());
      expect(gzipped.length).toBe(file.bytes);
      const records = gunzipSync(gzipped).toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
      expect(records).toHaveLength(file.events);
      lines.push(...records.map((record) => ({ ...record, date: file.date })));
    }
    expect(lines.map((line) => line.event_id).sort()).toEqual(events.map((e) => e.event_id).sort());
    for (const event of events) {
      expect(lines.find((line) => line.event_id === event.event_id)).toMatchObject({
        ...event,
        site_id: site,
        date: event.timestamp.slice(0, 10),
        received_at: expect.any(String),
        device: 'desktop',
      });
    }
  });

  it('lists nothing for days without events', async () => {
    const response = await admin.get('stats/export', { site_id: site, from: dayAgo(40), to: dayAgo(30) });
    expect(response.status).toBe(200);
    expect(response.body.files).toEqual([]);
  });

  it('refuses a range over 366 days, a missing to, and a cursor of another site, each by name', async () => {
    const tooLong = await admin.get('stats/export', { site_id: site, from: '2025-01-01', to: '2026-01-02' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatchObject({ code: 'invalid_query', details: [{ field: 'to', message: expect.stringContaining('366') }] });
    const missing = await admin.get('stats/export', { site_id: site, from: first });
    expect(missing.body.error.details).toEqual([{ field: 'to', message: 'is required with from' }]);
    const foreign = await admin.get('stats/export', { site_id: site, from: first, to: second, cursor: `events/site_id=other/date=${first}/x.e1.ndjson.gz` });
    expect(foreign.body.error.details).toEqual([{ field: 'cursor', message: expect.any(String) }]);
  });

  it('answers 401 without a key', async () => {
    const response = await apiClient(baseUrl).get('stats/export', { site_id: site, from: first, to: second });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it.runIf(keysTarget)("lets a site key export its own site and refuses another's with 403", async () => {
    const { key } = keysCli(keysTarget!, 'create', '--site', site);
    const owner = apiClient(baseUrl, undefined, key);
    expect((await owner.get('stats/export', { site_id: site, from: first, to: second })).status).toBe(200);
    const other = await owner.get('stats/export', { site_id: `${site}-other`, from: first, to: second });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden');
  });
});

describe.runIf(inject('localRuntime'))('npm run export against the running runtime', () => {
  const exportCli = (...args: string[]) =>
    execFileSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'ops/export.ts'), ...args, ...keysTarget!], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  it('writes one NDJSON line per event to stdout, the fields as accepted plus event_id and received_at', () => {
    const lines = exportCli('--site', site, '--from', first, '--to', second).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(lines.map((line) => line.event_id).sort()).toEqual(events.map((e) => e.event_id).sort());
    expect(lines[0]).toMatchObject({ site_id: site, received_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
  });

  it('writes CSV to a file, quoting what needs it, formulas made inert, and only the days asked for', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'export-')), 'events.csv');
    exportCli('--site', site, '--from', second, '--to', second, '--format', 'csv', '--out', out);
    const rows = readFileSync(out, 'utf8').split('\r\n').filter(Boolean);
    expect(rows[0]).toBe(CSV_COLUMNS.join(','));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain(`${run}-3,${site},page_view,"/docs, ""quoted""",'=u2+1,`);
  });

  it('names a bad option and exits 1', () => {
    let failure: { status?: number; stderr?: string } = {};
    try {
      exportCli('--site', site, '--from', second, '--to', first);
    } catch (error) {
      failure = error as typeof failure;
    }
    expect(failure.status).toBe(1);
    expect(failure.stderr).toContain('--to must not be before from');
  });
});
