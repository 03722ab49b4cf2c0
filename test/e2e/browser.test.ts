// The beacon script in a real browser: Chromium (local/chromium.ts says which), driven by
// playwright-core, loads a test page from its own origin on 127.0.0.1 that embeds <baseUrl>/t.js, so every event crosses origins
// as on a customer's website. A page on a second origin links to it, as a newsletter or another
// site would. Needs only baseUrl: works against the local runtime and a deployed API.
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { findChromium } from '../../local/chromium.ts';
import { apiClient, BROWSER_USER_AGENT, waitFor } from '../support/http-client.ts';
import { sitesCli } from '../support/sites-cli.ts';

const baseUrl = inject('baseUrl');
const apiBase = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
const scriptUrl = `${apiBase}t.js`;
const eventUrl = `${apiBase}event`;
const api = apiClient(baseUrl, undefined, inject('adminKey'));
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const PIPELINE_TIMEOUT_MS = Number(process.env.E2E_PIPELINE_TIMEOUT_MS ?? 60_000);

/** `text` as HTML attribute or element content. */
const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The test page, for any path (so the URLs the page pushes are real pages too). `site` and
 * `automation` come from the query string of each load; the `#docs` link loads a page.
 */
function testPage(site: string, allowAutomation: boolean): string {
  const docs = `/docs?${new URLSearchParams({ site, automation: allowAutomation ? 'allow' : 'deny' })}`;
  return `<!doctype html>
<html>
<head>
  <meta charset="utf-8">
  <title>Beacon test page</title>
  <script defer src="${scriptUrl}" data-site="${site}"${allowAutomation ? ' data-allow-automation' : ''}></script>
</head>
<body>
  <a id="home" href="/">Home</a> <a id="pricing" href="/pricing">Pricing</a>
  <a id="docs" href="${escapeHtml(docs)}" data-load>Docs</a>
  <script>
    // A single-page app's router: links change the URL with pushState, without a page load,
    // except those marked data-load.
    document.addEventListener('click', function (event) {
      var link = event.target.closest('a');
      if (!link || link.hasAttribute('data-load')) return;
      event.preventDefault();
      history.pushState({}, '', link.getAttribute('href'));
    });
  </script>
</body>
</html>`;
}

/** A page on another origin (a webmail, say) with one link, `#link`, to the `to` of its query string. */
function linkPage(to: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Newsletter</title></head>
<body><a id="link" href="${escapeHtml(to)}">Read on the site</a></body></html>`;
}

let pageServer: http.Server;
let pageOrigin: string;
let linkServer: http.Server;
let linkOrigin: string;
let context: BrowserContext | undefined;
let userDataDir: string | undefined;

beforeAll(async () => {
  pageServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(404).end();
      return;
    }
    const site = url.searchParams.get('site') ?? 'missing-site';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(testPage(site, url.searchParams.get('automation') !== 'deny'));
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  linkServer = http.createServer((req, res) => {
    const to = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('to');
    if (!to) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(linkPage(to));
  });
  await new Promise<void>((resolve) => linkServer.listen(0, '127.0.0.1', resolve));
  linkOrigin = `http://127.0.0.1:${(linkServer.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  userDataDir = undefined;
});

afterAll(async () => {
  await Promise.all([pageServer, linkServer].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

/**
 * A fresh Chromium profile and page. It sends a desktop Chrome User-Agent: headless Chromium
 * says "HeadlessChrome", which the API drops as a bot.
 */
async function openBrowser(initScript?: string): Promise<{ page: Page; events: string[] }> {
  userDataDir = await mkdtemp(path.join(tmpdir(), 'beacon-chromium-'));
  const binary = await findChromium();
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: binary.executablePath,
    args: [...binary.args],
    headless: true,
    userAgent: BROWSER_USER_AGENT,
  });
  if (initScript) await context.addInitScript(initScript);
  const page = context.pages()[0] ?? (await context.newPage());
  const events: string[] = [];
  page.on('request', (request) => {
    if (request.url() === eventUrl) events.push(request.postData() ?? '');
  });
  return { page, events };
}

/** Loads the test page for `site` and waits until the beacon script has run. */
async function loadTestPage(page: Page, site: string, options: { allowAutomation?: boolean } = {}): Promise<void> {
  const query = new URLSearchParams({ site, automation: options.allowAutomation === false ? 'deny' : 'allow' });
  const script = page.waitForResponse(scriptUrl);
  await page.goto(`${pageOrigin}/?${query}`);
  expect((await script).status()).toBe(200);
  await page.waitForFunction("typeof window.analytics?.track === 'function'");
}

describe('GET /t.js', () => {
  it('serves the beacon script as cacheable JavaScript, at most 1.5 KB gzipped', async () => {
    // Act
    const response = await fetch(scriptUrl);
    const body = await response.text();

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(body).toContain('data-allow-automation');
    expect(gzipSync(body, { level: 9 }).length).toBeLessThanOrEqual(1536);
  });
});

describe('the beacon script in Chromium', () => {
  it('counts the page load, a single-page navigation and a custom event of one visitor', async () => {
    // Prepare
    const site = `e2e-browser-${run}`;
    const { page, events } = await openBrowser();

    // Act: load, navigate in the app (a replaceState to the same path is no new view), sign up.
    await loadTestPage(page, site);
    await page.click('#pricing');
    await page.evaluate("history.replaceState({}, '', '/pricing')");
    await page.evaluate("analytics.track('signup', { plan: 'pro', source_button: 'hero' })");
    await expect.poll(() => events.length, { timeout: 10_000 }).toBe(3);

    // Assess: what the browser sent, across origins, as text/plain.
    const sent = events.map((body) => JSON.parse(body));
    expect(sent.map((e) => [e.event_type, e.path])).toEqual([
      ['page_view', '/'],
      ['page_view', '/pricing'],
      ['signup', '/pricing'],
    ]);
    expect(sent.map((e) => e.props)).toEqual([undefined, undefined, { plan: 'pro', source_button: 'hero' }]);
    expect(new Set(sent.map((e) => e.user_id)).size).toBe(1);
    expect(sent.every((e) => e.site_id === site && Math.abs(Date.parse(e.timestamp) - Date.now()) < 60_000)).toBe(true);

    // Assess: what the pipeline counted.
    const stats = await waitFor(
      () => api.get('stats', { site_id: site }),
      (r) => r.body?.total_events >= 3,
      PIPELINE_TIMEOUT_MS,
    );
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      site_id: site,
      total_views: 2,
      total_events: 3,
      unique_users: 1,
      events_by_type: { page_view: 2, signup: 1 },
    });
    expect(stats.body.top_paths).toEqual(
      expect.arrayContaining([
        { path: '/', views: 1 },
        { path: '/pricing', views: 1 },
      ]),
    );
    expect(stats.body.top_paths).toHaveLength(2);
    const day = sent[2].timestamp.slice(0, 10);
    const byPlan = await api.get('stats/breakdown', { site_id: site, date: day, dimension: 'prop:plan' });
    expect(byPlan.body.results).toEqual([
      { value: '(none)', events: 2, visitors: 1 },
      { value: 'pro', events: 1, visitors: 1 },
    ]);
  });

  it.runIf(inject('keysTarget'))('shows a visit of three pages with a custom event in the dashboard\'s Goals panel and funnel view', async () => {
    // Prepare: a goal for the signup, registered as an operator does.
    const site = `e2e-browser-goals-${run}`;
    expect(sitesCli(inject('keysTarget')!, 'goal', 'add', '--site', site, '--event', 'signup').status).toBe(0);
    const { page, events } = await openBrowser();

    // Act: three pages of one visit (a load and two navigations in the app), then a signup with properties.
    await loadTestPage(page, site);
    await page.click('#pricing');
    await page.click('#home');
    await page.evaluate("analytics.track('signup', { plan: 'pro' })");
    await expect.poll(() => events.length, { timeout: 10_000 }).toBe(4);
    const sent = events.map((body) => JSON.parse(body));
    expect(new Set(sent.map((e) => e.visit?.id)).size).toBe(1);
    await waitFor(() => api.get('stats/goals', { site_id: site, date: sent[3].timestamp.slice(0, 10) }), (r) => r.body?.goals?.[0]?.completions === 1, PIPELINE_TIMEOUT_MS);
    const funnel = 'page:/,page:/pricing,event:signup';
    const query = new URLSearchParams({ period: '30d', funnel });
    await page.goto(`${apiBase}dashboard?${query}#${new URLSearchParams({ site, key: inject('adminKey') })}`);
    await page.waitForSelector('main[data-state="ready"]');
    await page.waitForSelector('#funnel-result tbody tr');

    // Assess: the goal converted the one visitor; the funnel has the visit at every step.
    const cells = (selector: string) => page.$$eval(selector, (rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent?.trim())));
    expect(await cells('[data-panel="goals"] tbody tr')).toEqual([['event:signup', '1', '1', '100%']]);
    expect(await cells('#funnel-result tbody tr')).toEqual([
      ['page:/', '1', '100%', '0'],
      ['page:/pricing', '1', '100%', '0'],
      ['event:signup', '1', '100%', '0'],
    ]);
    const byPlan = await api.get('stats/breakdown', { site_id: site, date: sent[3].timestamp.slice(0, 10), dimension: 'prop:plan' });
    expect(byPlan.body.results).toEqual([
      { value: '(none)', events: 3, visitors: 1 },
      { value: 'pro', events: 1, visitors: 1 },
    ]);
  });

  it('counts a visit from a newsletter over three pages and a bounced visit half an hour later', async () => {
    // Prepare: the browser's clock is set to times of yesterday (the API takes events up to 400
    // days old), so that half an hour passes without waiting and every event is on one day (UTC,
    // the time zone of a site that is not registered) whenever the test runs.
    const site = `e2e-browser-visits-${run}`;
    const { page, events } = await openBrowser();
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const at = (time: string) => page.clock.setFixedTime(new Date(`${day}T${time}Z`));
    const sent = () => events.map((body) => JSON.parse(body));
    const entry = `${pageOrigin}/?${new URLSearchParams({ site, automation: 'allow', utm_source: 'newsletter' })}`;

    // Act: the first visit follows a link in a newsletter on another origin...
    await at('12:00:00');
    await page.goto(`${linkOrigin}/?${new URLSearchParams({ to: entry })}`);
    const script = page.waitForResponse(scriptUrl);
    await page.click('#link');
    expect((await script).status()).toBe(200);
    await expect.poll(() => events.length, { timeout: 10_000 }).toBe(1);
    // ...moves on in the app two minutes later, loads a third page, and leaves.
    await at('12:02:00');
    await page.click('#pricing');
    await expect.poll(() => events.length, { timeout: 10_000 }).toBe(2);
    await at('12:05:30');
    await page.click('#docs');
    await expect.poll(() => events.length, { timeout: 10_000 }).toBe(3);
    await page.goto('about:blank');
    // The second visit, 34.5 minutes after the first one's last event, opens one page and leaves.
    await at('12:40:00');
    await page.goto(`${pageOrigin}/blog?${new URLSearchParams({ site, automation: 'allow' })}`);
    await expect.poll(() => events.length, { timeout: 10_000 }).toBe(4);

    // Assess: what the browser sent.
    const referrer = `${linkOrigin}/`;
    // Each visit has its random id: one for the first three page views, another for the fourth.
    const [id, , , next] = sent().map((e) => e.visit.id);
    expect([id, next].every((visitId) => /^[0-9a-f]{32}$/.test(visitId))).toBe(true);
    expect(next).not.toBe(id);
    expect(sent().map((e) => [e.path, e.timestamp.slice(11, 19), e.visit])).toEqual([
      ['/', '12:00:00', { page: 1, gap_ms: 0, entry, referrer, id }],
      ['/pricing', '12:02:00', { page: 2, gap_ms: 120_000, entry, referrer, id }],
      ['/docs', '12:05:30', { page: 3, gap_ms: 210_000, entry, referrer, id }],
      ['/blog', '12:40:00', { page: 1, gap_ms: 0, entry: `${pageOrigin}/blog?${new URLSearchParams({ site, automation: 'allow' })}`, id: next }],
    ]);
    const firstVisitMs = sent()
      .filter((e) => e.visit.entry === entry)
      .reduce((sum, e) => sum + e.visit.gap_ms, 0);

    // Assess: the day's visit figures...
    const stats = await waitFor(
      () => api.get('stats', { site_id: site, date: day }),
      (r) => r.body?.total_events >= 4,
      PIPELINE_TIMEOUT_MS,
    );
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      site_id: site,
      date: day,
      total_views: 4,
      unique_users: 1,
      visits: 2,
      bounce_rate: 0.5,
      visit_duration_s: Math.round(firstVisitMs / 2 / 1000),
      views_per_visit: 2,
    });
    // ...and its breakdowns, once every visit shows in them.
    const breakdown = async (dimension: string) => {
      const response = await waitFor(
        () => api.get('stats/breakdown', { site_id: site, date: day, dimension }),
        (r) => r.body?.results?.reduce((sum: number, row: { visits: number }) => sum + row.visits, 0) >= 2,
        PIPELINE_TIMEOUT_MS,
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ site_id: site, date: day, dimension });
      return response.body.results;
    };
    expect(await breakdown('source')).toEqual([
      { value: 'newsletter', visits: 1, views: 3 },
      { value: '(direct)', visits: 1, views: 1 },
    ]);
    expect(await breakdown('entry_page')).toEqual([
      { value: '/', visits: 1, views: 3 },
      { value: '/blog', visits: 1, views: 1 },
    ]);
    expect(await breakdown('device')).toEqual([{ value: 'desktop', visits: 2, views: 4 }]);
  });

  it('lets a page on another origin post an event with fetch and read the answer (CORS)', async () => {
    // Prepare
    const { page } = await openBrowser();
    await loadTestPage(page, `e2e-browser-cors-${run}`);

    // Act: application/json makes the browser send a preflight first.
    const result = await page.evaluate(
      async ({ url, body }) => {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        return { status: response.status, body: await response.json() };
      },
      {
        url: eventUrl,
        body: JSON.stringify({
          site_id: `e2e-browser-cors-${run}`,
          event_type: 'cors_check',
          path: '/',
          user_id: 'cors-user',
          timestamp: new Date().toISOString(),
        }),
      },
    );

    // Assess
    expect(result).toEqual({ status: 202, body: { status: 'accepted', event_id: expect.any(String) } });
  });

  it.each([
    ['Global Privacy Control is on', "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });", true],
    ['Do Not Track is on', "Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' });", true],
    ['the browser is automated and the script tag does not allow it', undefined, false],
  ])('sends nothing when %s', async (_case, initScript, allowAutomation) => {
    // Prepare
    const { page, events } = await openBrowser(initScript);

    // Act
    await loadTestPage(page, `e2e-browser-private-${run}`, { allowAutomation });
    await page.click('#pricing');
    await page.evaluate("analytics.track('signup')");
    // Give any beacon time to leave: it would be sent at once.
    await page.waitForTimeout(500);

    // Assess
    expect(await page.evaluate('navigator.webdriver')).toBe(true);
    expect(events).toEqual([]);
  });
});
