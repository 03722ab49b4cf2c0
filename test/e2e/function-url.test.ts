// Ingestion through a Lambda function URL (-c ingestion=function-url) under the local runtime: this
// file starts its own runtime in that mode (the suite's runtime serves ingestion from the API), so
// it runs locally whatever E2E_BASE_URL says. The tracker in Chromium, server and batch posts,
// the URL's CORS preflight and bad input go to the function URL; what they count is read from the
// stats API, which stays behind API Gateway with its keys.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey } from '../../functions/domain/api-keys.ts';
import { findChromium } from '../../local/chromium.ts';
import { PROJECT_ROOT, startLocalRuntime, type LocalRuntime } from '../../local/runtime.ts';
import { USER_AGENT_SAMPLES } from '../../bench/lib/user-agent-samples.ts';
import { PIPELINE_TIMEOUT_MS, runId } from '../support/e2e-run.ts';
import { beacon } from '../support/factories.ts';
import { apiClient, BROWSER_USER_AGENT, waitFor, type ApiResponse } from '../support/http-client.ts';

const adminKey = newApiKey();
const run = runId();
let runtime: LocalRuntime;
let ingestUrl: string;
let pageServer: http.Server;
let pageOrigin: string;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    context: { batchWindowSeconds: '1', ingestion: 'function-url' },
    environment: { ADMIN_API_KEY: adminKey },
    cdkOut: path.join(PROJECT_ROOT, '.local', 'cdk.out.e2e-function-url'),
    log: (line) => {
      if (/\bERROR\b|whole batch failed|failed:/.test(line)) console.log(`[local runtime] ${line}`);
    },
  });
  ingestUrl = runtime.outputs.IngestUrl!;
  pageServer = http.createServer((req, res) => {
    const site = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('site') ?? 'missing-site';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><script defer src="${ingestUrl}t.js" data-site="${site}" data-allow-automation></script></head><body></body></html>`);
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (pageServer ? pageServer.close(() => resolve()) : resolve()));
  await runtime?.stop();
});

const ingest = () => apiClient(ingestUrl);
const stats = () => apiClient(runtime.apiUrl, undefined, adminKey);
const counted = (site: string, total: number): Promise<ApiResponse> =>
  waitFor(() => stats().get('stats', { site_id: site }), (r) => r.body?.total_events >= total, PIPELINE_TIMEOUT_MS);

describe('the local runtime with -c ingestion=function-url', () => {
  it('serves the function URL on its own port, and the API no longer serves ingestion or t.js', async () => {
    // Assess
    expect(ingestUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(new URL(ingestUrl).port).not.toBe(new URL(runtime.apiUrl).port);
    expect(runtime.routes.map((route) => route.path)).not.toEqual(expect.arrayContaining(['/event']));
    expect((await fetch(`${runtime.apiUrl}/t.js`)).status).toBe(404);
    expect((await stats().post('event', JSON.stringify(beacon()))).status).toBe(404);
  });
});

describe('the tracker in Chromium, loaded from the function URL', () => {
  it('posts page views to the function URL, and the pipeline counts them', async () => {
    // Prepare
    const site = `e2e-furl-browser-${run}`;
    const userDataDir = await mkdtemp(path.join(tmpdir(), 'beacon-chromium-'));
    const binary = await findChromium();
    const context = await chromium.launchPersistentContext(userDataDir, { executablePath: binary.executablePath, args: [...binary.args], headless: true, userAgent: BROWSER_USER_AGENT });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const posted = page.waitForResponse((response) => response.url() === `${ingestUrl}event`);

      // Act
      await page.goto(`${pageOrigin}/?site=${site}`);
      const response = await posted;

      // Assess
      expect(response.status()).toBe(202);
      const result = await counted(site, 1);
      expect(result.body).toMatchObject({ site_id: site, total_views: 1, total_events: 1, unique_users: 1 });
    } finally {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    }
  });
});

describe('server and batch posts to the function URL', () => {
  it("accept events with the API's answers and count each with the country of X-Forwarded-For and the device of the User-Agent", async () => {
    // Prepare
    const site = `e2e-furl-server-${run}`;
    const iphone = USER_AGENT_SAMPLES.find((sample) => sample.name === 'Safari on iPhone')!.userAgent;
    const day = new Date().toISOString().slice(0, 10);

    // Act: one event from a server for a visitor in the Netherlands on an iPhone, then a batch of three.
    const one = await apiClient(ingestUrl, iphone).postEvent(beacon({ site_id: site, event_id: `${run}-one` }), 'application/json', { 'x-forwarded-for': '193.0.6.139' });
    const batch = await ingest().post('events', JSON.stringify([1, 2, 3].map((i) => beacon({ site_id: site, path: `/batch/${i}`, event_id: `${run}-${i}` }))));

    // Assess
    expect(one.status).toBe(202);
    expect(one.body).toEqual({ status: 'accepted', event_id: `${run}-one` });
    expect(batch.status).toBe(202);
    expect(batch.body).toEqual({ status: 'accepted', event_ids: [1, 2, 3].map((i) => `${run}-${i}`) });
    expect((await counted(site, 4)).body).toMatchObject({ total_events: 4, total_views: 4 });
    const countries = await stats().get('stats/breakdown', { site_id: site, date: day, dimension: 'country' });
    expect(countries.body.results).toEqual(expect.arrayContaining([expect.objectContaining({ value: 'NL', views: 1 })]));
    const devices = await stats().get('stats/breakdown', { site_id: site, date: day, dimension: 'device' });
    expect(devices.body.results).toEqual(expect.arrayContaining([expect.objectContaining({ value: 'mobile', views: 1 })]));
  });
});

describe("the function URL's CORS", () => {
  it('answers a preflight from any origin itself, with the configured methods, headers and max age', async () => {
    // Act
    const response = await fetch(`${ingestUrl}events`, {
      method: 'OPTIONS',
      headers: { origin: 'https://www.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')?.split(',')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(response.headers.get('access-control-max-age')).toBe('86400');
  });

  it('puts one Access-Control-Allow-Origin on the answer to a cross-origin post', async () => {
    // Act
    const response = await ingest().postEvent(beacon({ site_id: `e2e-furl-cors-${run}` }), 'application/json', { origin: 'https://www.example.com' });

    // Assess
    expect(response.status).toBe(202);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('bad input to the function URL', () => {
  const expectError = (response: ApiResponse, status: number, code: string): void => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body.error).toMatchObject({ code, message: expect.any(String) });
  };

  it('answers 400 invalid_json, 400 invalid_event with details, and 404 not_found for other routes', async () => {
    expectError(await ingest().post('event', '{"site_id":'), 400, 'invalid_json');
    const invalid = await ingest().postEvent(beacon({ event_type: '', timestamp: 'yesterday' }));
    expectError(invalid, 400, 'invalid_event');
    expect(invalid.body.error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['event_type', 'timestamp']));
    expectError(await ingest().post('events', JSON.stringify({ not: 'an array' })), 400, 'invalid_event');
    expectError(await ingest().get('event'), 404, 'not_found');
    expectError(await ingest().post('stats', '{}'), 404, 'not_found');
  });
});
