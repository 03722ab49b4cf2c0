// The dashboard in Chromium (local/chromium.ts says which), driven by playwright-core,
// against the API of the suite: seeded visits of two sites over the last 60 days, then the page
// read back figure by figure and row by row against the stats API's own answers for the period.
// Screenshots of the page at 1440x900 and 390x844, light and dark, go to docs/screenshots/.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/paths.ts';
import { addDays, chartQuery, previousRange, rangeOf, type PeriodId, type Range } from '../../web/dashboard/periods.ts';
import { findChromium } from '../../local/chromium.ts';
import { apiClient, waitFor } from '../support/http-client.ts';
import { keysCli } from '../support/keys-cli.ts';
import { sitesCli } from '../support/sites-cli.ts';
import { USER_AGENT_SAMPLES } from '../../bench/lib/user-agent-samples.ts';

const baseUrl = inject('baseUrl');
const apiBase = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
const dashboardUrl = `${apiBase}dashboard`;
const adminKey = inject('adminKey');
const keysTarget = inject('keysTarget');
const admin = apiClient(baseUrl, undefined, adminKey);
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const siteA = `e2e-dash-${run}`;
const siteB = `e2e-dash-b-${run}`;
const PIPELINE_TIMEOUT_MS = Number(process.env.E2E_PIPELINE_TIMEOUT_MS ?? 60_000);
const SCREENSHOTS = path.join(PROJECT_ROOT, 'docs', 'screenshots');
const BUDGET_BYTES = 100 * 1024;

// Unregistered sites count days in UTC.
const today = new Date().toISOString().slice(0, 10);
const DIMENSIONS = ['source', 'entry_page', 'utm_medium', 'utm_campaign', 'country', 'device', 'browser', 'os'];

// --- Seeded data ---------------------------------------------------------------------------------

interface SeedVisit {
  day: string;
  hour: number;
  paths: string[];
  signup?: boolean;
  utm?: string;
  referrer?: string;
}

const browsers = ['Chrome on Windows', 'Safari on iPhone', 'Firefox on Linux', 'Chrome on macOS'].map(
  (name) => USER_AGENT_SAMPLES.find((sample) => sample.name === name)!.userAgent,
);
const addresses = ['8.8.8.8', '193.0.6.139'];
const sources = [{ utm: 'newsletter' }, { referrer: 'https://www.google.com/' }, {}, { utm: 'spring-ads' }, { referrer: 'https://news.example/' }];

/** 30 visits over the last 30 days (14 pages, so Top pages has more than 10 rows), 6 before them. */
function seedVisits(): SeedVisit[] {
  const visits: SeedVisit[] = [];
  for (let i = 0; i < 30; i++) {
    const pages = (i % 3) + 1;
    visits.push({
      day: addDays(today, -(1 + (i % 20))),
      hour: 6 + (i % 14),
      paths: Array.from({ length: pages }, (_, p) => `/page-${(i + p * 5) % 14}`),
      signup: i % 4 === 0,
      ...sources[i % sources.length],
    });
  }
  for (let i = 0; i < 6; i++) visits.push({ day: addDays(today, -(31 + i * 4)), hour: 9 + i, paths: ['/page-0', '/pricing'].slice(0, (i % 2) + 1), ...sources[i % 3] });
  return visits;
}

/** Posts each visit as a browser would, with its User-Agent and address; returns the events sent. */
async function seed(site: string, visits: SeedVisit[]): Promise<number> {
  let sent = 0;
  await Promise.all(
    visits.map(async (visit, v) => {
      const client = apiClient(baseUrl, browsers[v % browsers.length]);
      const query = visit.utm ? `?utm_source=${visit.utm}&utm_medium=email&utm_campaign=${visit.utm}-campaign` : '';
      const entry = `https://shop.example${visit.paths[0]}${query}`;
      const start = Date.parse(`${visit.day}T${String(visit.hour).padStart(2, '0')}:00:00Z`);
      const events = visit.paths.map((p, i) => ({
        site_id: site,
        event_type: 'page_view',
        path: p,
        user_id: `user-${v % 17}`,
        event_id: `${run}-${site.length}-${v}-${i}`,
        timestamp: new Date(start + i * 40_000).toISOString(),
        visit: { page: i + 1, gap_ms: i ? 40_000 : 0, entry, ...(visit.referrer ? { referrer: visit.referrer } : {}) },
      }));
      if (visit.signup) {
        const last = events.at(-1)!;
        events.push({ ...last, event_type: 'signup', event_id: `${last.event_id}-s`, timestamp: new Date(Date.parse(last.timestamp) + 10_000).toISOString(), visit: { ...last.visit, gap_ms: 10_000 } });
      }
      // Visits of up to 51 days ago: an import, sent with the admin key (over 7 days old needs a key).
      const headers = { 'x-forwarded-for': addresses[v % addresses.length]!, authorization: `Bearer ${adminKey}` };
      const response = await client.post('events', JSON.stringify(events), 'application/json', headers);
      expect(response.status).toBe(202);
      sent += events.length;
    }),
  );
  return sent;
}

// --- Browser -------------------------------------------------------------------------------------

let browser: Browser;
let context: BrowserContext | undefined;

/** Site A's goals (with a key target to register them): its signups, and views of /page-1 and /page-10 to /page-13. */
const GOALS = [
  ['--event', 'signup'],
  ['--page', '/page-1*'],
];

beforeAll(async () => {
  // Registered before anything reads site A's goals, which the stats function keeps for a minute.
  if (keysTarget) for (const [flag, value] of GOALS) expect(sitesCli(keysTarget, 'goal', 'add', '--site', siteA, flag!, value!).status).toBe(0);
  const [sentA, sentB] = await Promise.all([
    seed(siteA, seedVisits()),
    seed(siteB, [
      { day: addDays(today, -1), hour: 10, paths: ['/b-home', '/b-about'] },
      { day: addDays(today, -2), hour: 11, paths: ['/b-home'], utm: 'partner' },
    ]),
  ]);
  for (const [site, sent] of [[siteA, sentA], [siteB, sentB]] as const) {
    const counted = await waitFor(() => admin.get('stats', { site_id: site }), (r) => r.body?.total_events >= sent, PIPELINE_TIMEOUT_MS);
    expect(counted.body.total_events).toBe(sent);
  }
  const binary = await findChromium();
  browser = await chromium.launch({ executablePath: binary.executablePath, args: [...binary.args], headless: true });
}, 240_000);

afterEach(async () => {
  // A test's routes may still be answering the page's own refreshes: drop them, and what they
  // throw once the page is gone, before closing it.
  for (const page of context?.pages() ?? []) await page.unrouteAll({ behavior: 'ignoreErrors' });
  await context?.close();
  context = undefined;
});

afterAll(async () => {
  await browser?.close();
});

async function openPage(options: { viewport?: { width: number; height: number }; bypassCSP?: boolean } = {}): Promise<Page> {
  context = await browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 900 }, bypassCSP: options.bypassCSP ?? false, acceptDownloads: true, locale: 'en-US' });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  return page;
}

/** Opens the dashboard (`query` in the URL, `fragment` after #) and waits for its figures. */
async function openDashboard(page: Page, query: Record<string, string>, fragment: Record<string, string>): Promise<void> {
  await page.goto(`${dashboardUrl}?${new URLSearchParams(query)}#${new URLSearchParams(fragment)}`);
  await page.waitForSelector('main[data-state="ready"]');
}

/** Waits until the page shows `range` of `site`. */
async function shown(page: Page, site: string, range: Range): Promise<void> {
  await page.waitForSelector(`main[data-state="ready"][data-site="${site}"][data-from="${range.from}"][data-to="${range.to}"]`);
}

/** The top-line figures on the page: value and previous period's value by API field. */
const figuresOn = (page: Page) =>
  page.$$eval('[data-metric]', (items) =>
    Object.fromEntries(items.map((item) => [item.getAttribute('data-metric'), [Number(item.getAttribute('data-value')), Number(item.getAttribute('data-previous'))]])),
  );

/** Each panel's rows: the label and the exact numbers. */
const panelsOn = (page: Page) =>
  page.$$eval('[data-panel]', (panels) =>
    Object.fromEntries(
      panels.map((panel) => [
        panel.getAttribute('data-panel'),
        [...panel.querySelectorAll('tbody tr[data-value]')].map((row) => [
          row.getAttribute('data-value'),
          ...[...row.querySelectorAll('td[data-value]')].map((cell) => Number(cell.getAttribute('data-value'))),
        ]),
      ]),
    ),
  );

/** The site ids the site picker offers. */
const offeredSites = (page: Page) => page.$$eval('#site-select option', (options) => options.map((option) => option.getAttribute('value')));

/** The key the page keeps for the tab (sessionStorage), or null. */
const storedKey = (page: Page) => page.evaluate("sessionStorage.getItem('dashboard.key')") as Promise<string | null>;

/** A promise and the function that settles it, for holding a routed request until the test lets it go. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const isRoute = (route: string) => (url: URL) => url.pathname.endsWith(route);

const METRICS = ['unique_users', 'total_views', 'total_events', 'visits', 'bounce_rate', 'visit_duration_s', 'views_per_visit'] as const;
const rangeQuery = (range: Range): Record<string, string> => (range.from === range.to ? { date: range.from } : { from: range.from, to: range.to });

/**
 * What the API says of a period (of the events `filters` keeps, when given): figures (with the
 * previous period's) and each panel's first 10 rows.
 */
async function expected(site: string, range: Range, period?: PeriodId, filters?: string) {
  const scope: Record<string, string> = filters ? { filters } : {};
  const [stats, before, goals, ...breakdowns] = await Promise.all([
    admin.get('stats', { site_id: site, ...rangeQuery(range), ...scope }),
    admin.get('stats', { site_id: site, ...rangeQuery(previousRange(range, period)), ...scope }),
    admin.get('stats/goals', { site_id: site, ...rangeQuery(range), ...scope }),
    ...DIMENSIONS.map((dimension) => admin.get('stats/breakdown', { site_id: site, dimension, ...rangeQuery(range), ...scope })),
  ]);
  for (const response of [stats, before, goals, ...breakdowns]) expect(response.status, JSON.stringify(response.body)).toBe(200);
  const figures = Object.fromEntries(METRICS.map((metric) => [metric, [stats.body[metric], before.body[metric]]]));
  const events = Object.entries(stats.body.events_by_type as Record<string, number>)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([type, n]) => [type, n]);
  const panels = {
    goals: goals.body.goals.map((g: { goal: string; visitors: number; completions: number; conversion_rate: number }) => [g.goal, g.visitors, g.completions, g.conversion_rate]),
    pages: stats.body.top_paths.map((p: { path: string; views: number }) => [p.path, p.views]),
    events: events.slice(0, 10),
    ...Object.fromEntries(
      DIMENSIONS.map((dimension, i) => [dimension, breakdowns[i]!.body.results.map((r: { value: string; visits: number; views: number }) => [r.value, r.visits, r.views])]),
    ),
  };
  return { figures, panels, stats: stats.body };
}

/** The chart's points as its CSV gives them: point, views, visits, events. */
async function chartOn(page: Page): Promise<string[][]> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('#chart-csv')]);
  return (await readFile((await file.path())!, 'utf8')).trimEnd().split('\r\n').slice(1).map((line) => line.split(',').slice(0, 4));
}

/** The API's time series of a range (filtered by `filters`, when given) as chartOn reads the chart. */
async function expectedChart(site: string, range: Range, filters?: string): Promise<string[][]> {
  const series = await admin.get('stats/timeseries', { site_id: site, ...chartQuery(range), ...(filters ? { filters } : {}) });
  expect(series.status, JSON.stringify(series.body)).toBe(200);
  return series.body.points.map((p: { date: string; views: number; visits: number; events: number }) => [p.date, p.views, p.visits, p.events].map(String));
}

/** Waits until the page shows the view filtered by `filters` (none: ''), and reads its figures, panels and chart. */
async function viewFilteredBy(page: Page, filters: string) {
  await page.waitForSelector(`main[data-state="ready"][data-filters=${JSON.stringify(filters)}]`);
  return { figures: await figuresOn(page), panels: await panelsOn(page), chart: await chartOn(page) };
}

/** What the API answers for the view filtered by `filters`, as viewFilteredBy reads the page. */
async function apiFilteredBy(site: string, range: Range, filters: string) {
  const want = await expected(site, range, '30d', filters || undefined);
  return { figures: want.figures, panels: want.panels, chart: await expectedChart(site, range, filters || undefined) };
}

/** axe-core's script, which a test adds to a page (with the CSP bypassed). */
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The serious and critical accessibility violations axe-core finds on the page (a string: the tests' TypeScript knows no DOM). */
const seriousViolations = (page: Page) =>
  page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`);

/** The chips on the page: dimension, operator and value. */
const chipsOn = (page: Page) =>
  page.$$eval('.chip', (chips) => chips.map((chip) => [chip.getAttribute('data-filter'), chip.querySelector('select')?.value, chip.querySelector('.chip-value')?.textContent]));

// --- Tests ---------------------------------------------------------------------------------------

describe('GET /dashboard', () => {
  it('serves the page, its script and stylesheet under a strict Content-Security-Policy, together at most 100 KB gzipped', async () => {
    // Act
    const responses = await Promise.all(['dashboard', 'dashboard/app.js', 'dashboard/app.css'].map((p) => fetch(`${apiBase}${p}`)));
    const bodies = await Promise.all(responses.map((response) => response.text()));

    // Assess
    expect(responses.map((response) => [response.status, response.headers.get('content-type')])).toEqual([
      [200, 'text/html; charset=utf-8'],
      [200, 'application/javascript; charset=utf-8'],
      [200, 'text/css; charset=utf-8'],
    ]);
    for (const response of responses) {
      expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
      expect(response.headers.get('content-security-policy')).not.toContain('unsafe-inline');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect(bodies[0]).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>/);
    const gzipped = bodies.reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0);
    expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});

describe('the dashboard in Chromium', () => {
  it('signs in from the link, shows the last 30 days as the API counts them, compared with the 30 days before', async () => {
    // Prepare
    const page = await openPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const range = rangeOf('30d', today)!;

    // Act
    await openDashboard(page, {}, { site: siteA, key: adminKey });
    await shown(page, siteA, range);

    // Assess: the key left the address bar, the period is in it, nothing left the API's origin.
    expect(new URL(page.url()).hash).toBe('');
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ site: siteA, period: '30d' });
    expect(requests.every((url) => url.startsWith(apiBase))).toBe(true);
    const want = await expected(siteA, range);
    expect(want.stats.visits).toBeGreaterThan(0);
    expect(await figuresOn(page)).toEqual(want.figures);
    const panels = await panelsOn(page);
    expect(panels).toEqual(want.panels);
    // The chart tells a point's figures at the cursor.
    await page.hover('#chart .u-over');
    await expect.poll(() => page.isVisible('.chart-tip')).toBe(true);
    expect(await page.textContent('.chart-tip')).toMatch(/Page views: \d+Visits: \d+Page views, previous period: \d+/);
    // By keyboard too: the chart takes focus, and the arrow keys move the tooltip point by point.
    expect(await page.getAttribute('#chart', 'tabindex')).toBe('0');
    expect(await page.getAttribute('#chart', 'aria-label')).toContain('arrow keys');
    const dayLabel = (day: string) => new Intl.DateTimeFormat('en-US', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
    const pointed = () => page.textContent('.chart-tip strong');
    await page.focus('#chart');
    await page.keyboard.press('Home');
    expect(await pointed()).toBe(dayLabel(range.from));
    await page.keyboard.press('ArrowRight');
    expect(await pointed()).toBe(dayLabel(addDays(range.from, 1)));
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowRight');
    expect(await pointed()).toBe(dayLabel(range.to));
    await page.keyboard.press('ArrowLeft');
    expect(await pointed()).toBe(dayLabel(addDays(range.to, -1)));
    expect(await page.textContent('#chart-point')).toBe(await page.textContent('.chart-tip'));
    // The comparison reads as a change against the previous period.
    const views = want.figures.total_views as [number, number];
    expect(await page.textContent('[data-metric="total_views"] .figure-change')).toContain(
      new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' }).format((views[0] - views[1]) / views[1]),
    );
  });

  it('switches periods (by the day, by the hour of one day, a custom range) and keeps each in the URL', async () => {
    // Prepare
    const page = await openPage();
    await openDashboard(page, { period: '7d' }, { site: siteA, key: adminKey });
    await shown(page, siteA, rangeOf('7d', today)!);

    for (const period of ['yesterday', 'last-month', '12m', 'today'] as PeriodId[]) {
      // Act
      await page.selectOption('#period', period);
      const range = rangeOf(period, today)!;
      await shown(page, siteA, range);

      // Assess
      expect(new URL(page.url()).searchParams.get('period')).toBe(period);
      const want = await expected(siteA, range, period);
      expect(await figuresOn(page), period).toEqual(want.figures);
      expect(await panelsOn(page), period).toEqual(want.panels);
      expect(await page.getAttribute('#chart', 'aria-label'), period).toMatch(period === '12m' ? /^Page views by month/ : /^Page views by (day|hour)/);
    }

    // Act: a custom range, typed in.
    await page.selectOption('#period', 'custom');
    const custom = { from: addDays(today, -12), to: addDays(today, -3) };
    await page.fill('#custom-from', custom.from);
    await page.fill('#custom-to', custom.to);
    await page.click('#custom-range button[type="submit"]');
    await shown(page, siteA, custom);

    // Assess: the custom range, and a reload of its URL shows it again.
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ site: siteA, period: 'custom', ...custom });
    expect(await figuresOn(page)).toEqual((await expected(siteA, custom)).figures);
    await page.reload();
    await shown(page, siteA, custom);
    // Back goes to the previous period.
    await page.goBack();
    await shown(page, siteA, rangeOf('custom', today, rangeOf('today', today))!);
  });

  it('downloads CSV files of a panel and of the chart, with the rows shown', async () => {
    // Prepare
    const page = await openPage();
    const range = rangeOf('yesterday', today)!;
    await openDashboard(page, { period: 'yesterday' }, { site: siteA, key: adminKey });
    await shown(page, siteA, range);
    const csvOf = async (click: () => Promise<void>) => {
      const [file] = await Promise.all([page.waitForEvent('download'), click()]);
      return { name: file.suggestedFilename(), text: await readFile((await file.path())!, 'utf8') };
    };

    // Act
    const sources = await csvOf(() => page.click('[data-panel="source"] [data-action="csv"]'));
    const chart = await csvOf(() => page.click('#chart-csv'));

    // Assess
    const breakdown = await admin.get('stats/breakdown', { site_id: siteA, dimension: 'source', date: range.from });
    expect(sources.name).toBe(`${siteA}-source-${range.from}-${range.to}.csv`);
    expect(sources.text).toBe(['source,visits,views', ...breakdown.body.results.map((r: { value: string; visits: number; views: number }) => `${r.value},${r.visits},${r.views}`), ''].join('\r\n'));
    const hours = await admin.get('stats/timeseries', { site_id: siteA, interval: 'hour', date: range.from });
    const lines = chart.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('point,views,visits,events,previous_point,previous_views,previous_visits,previous_events');
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 4).join(','))).toEqual(
      hours.body.points.map((p: { hour: string; views: number; visits: number; events: number }) => `${p.hour},${p.views},${p.visits},${p.events}`),
    );
  });

  it('reads the figures again every minute while the tab is visible', async () => {
    // Prepare: the page's timers run on a clock the test moves.
    const page = await openPage();
    await page.clock.install();
    await openDashboard(page, {}, { site: siteA, key: adminKey });
    await shown(page, siteA, rangeOf('30d', today)!);
    const reads: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.endsWith('/stats')) reads.push(request.url());
    });

    // Act: the clock also runs on by itself while the page loads (seconds on a busy machine), so
    // the minute is checked with room: none after 45 s, one refresh by 61 s.
    await page.clock.runFor(45_000);
    const before = reads.length;
    await page.clock.runFor(16_000);

    // Assess: the period's figures and the previous period's (without paths), and its top pages, once.
    expect(before).toBe(0);
    await expect.poll(() => reads.length).toBe(3);
    expect(reads.map((url) => new URL(url).searchParams.get('limit')).sort()).toEqual(['0', '0', '100']);
    await page.waitForSelector('main[data-state="ready"]');
  });

  it('expands Top pages from 10 rows to all of them', async () => {
    // Prepare
    const page = await openPage();
    const range = rangeOf('30d', today)!;
    await openDashboard(page, {}, { site: siteA, key: adminKey });
    await shown(page, siteA, range);

    // Act
    await page.focus('[data-panel="pages"] [data-action="expand"]');
    await page.keyboard.press('Enter');

    // Assess
    const all = await admin.get('stats', { site_id: siteA, ...rangeQuery(range), limit: '100' });
    expect(all.body.top_paths.length).toBeGreaterThan(10);
    expect((await panelsOn(page)).pages).toEqual(all.body.top_paths.map((p: { path: string; views: number }) => [p.path, p.views]));
    expect(await page.getAttribute('[data-panel="pages"] [data-action="expand"]', 'aria-expanded')).toBe('true');
  });

  it('switches sites with the admin key', async () => {
    // Prepare
    const page = await openPage();
    await openDashboard(page, { period: '7d' }, { site: siteA, key: adminKey });
    const range = rangeOf('7d', today)!;
    await shown(page, siteA, range);

    // Act: the admin picks from the list GET /sites fills (a page at a time) once it is in.
    await page.waitForSelector('#site-select', { state: 'visible' });
    while (!(await offeredSites(page)).includes(siteB) && (await page.isVisible('#site-more'))) {
      const listed = (await offeredSites(page)).length;
      await page.click('#site-more');
      await expect.poll(async () => (await offeredSites(page)).length).toBeGreaterThan(listed);
    }
    await page.selectOption('#site-select', siteB);
    await shown(page, siteB, range);

    // Assess
    expect(new URL(page.url()).searchParams.get('site')).toBe(siteB);
    const want = await expected(siteB, range);
    expect(await figuresOn(page)).toEqual(want.figures);
    expect(await panelsOn(page)).toEqual(want.panels);
  });

  it.runIf(keysTarget)('with a site key shows its site and refuses another one with a clear message', async () => {
    // Prepare
    const { key } = keysCli(keysTarget!, 'create', '--site', siteB);
    const page = await openPage();
    const range = rangeOf('30d', today)!;

    // Act
    await openDashboard(page, {}, { site: siteB, key });
    await shown(page, siteB, range);
    const figures = await figuresOn(page);
    // GET /sites lists a site key's own site alone, so the picker offers nothing else...
    await expect.poll(() => offeredSites(page)).toEqual([siteB]);
    // ...and another site can only be asked for by its URL (a bookmark, a shared link): the
    // page then says why it cannot show it, on the sign-in form.
    await page.goto(`${dashboardUrl}?${new URLSearchParams({ site: siteA })}`);

    // Assess
    expect(figures).toEqual((await expected(siteB, range)).figures);
    await expect.poll(() => page.textContent('#sign-in-error')).toContain(`This key does not give access to the site “${siteA}”`);
    expect(await page.isVisible('#report')).toBe(false);
  });

  it('tells a reader whose key is wrong, and signs in through the form with the right one', async () => {
    // Prepare
    const page = await openPage();

    // Act
    await page.goto(`${dashboardUrl}#${new URLSearchParams({ site: siteA, key: 'bak_not-a-key' })}`);
    await expect.poll(() => page.textContent('#sign-in-error')).toContain('This key was not accepted');
    const keptAfterRefusal = await storedKey(page);
    await page.fill('#sign-in-key', adminKey);
    await page.press('#sign-in-key', 'Enter');

    // Assess: the refused key was not kept, nor left in the form; the accepted one is kept.
    expect(keptAfterRefusal).toBeNull();
    await shown(page, siteA, rangeOf('30d', today)!);
    expect(await page.isVisible('#sign-in')).toBe(false);
    expect(await storedKey(page)).toBe(adminKey);
  });

  it('opens the site of a link before GET /sites answers, and keeps the key only once the API has accepted it', async () => {
    // Prepare: the site check (GET /stats, limit 1) and the list of sites are held until let go.
    const page = await openPage();
    const check = gate();
    const list = gate();
    const checking = gate();
    await page.route(
      (url) => isRoute('/stats')(url) && url.searchParams.get('limit') === '1',
      async (route) => {
        checking.open();
        await check.opened;
        await route.continue();
      },
      { times: 1 },
    );
    await page.route(isRoute('/sites'), async (route) => {
      await list.opened;
      await route.continue();
    });

    // Act
    await page.goto(`${dashboardUrl}#${new URLSearchParams({ site: siteA, key: adminKey })}`);
    await checking.opened;
    const keptWhileChecking = await storedKey(page);
    check.open();
    await shown(page, siteA, rangeOf('30d', today)!);
    const beforeList = { select: await page.isVisible('#site-select'), input: await page.inputValue('#site-input') };
    list.open();

    // Assess: the report came first, the key was kept only after the check, the list followed.
    expect(keptWhileChecking).toBeNull();
    expect(await storedKey(page)).toBe(adminKey);
    expect(beforeList).toEqual({ select: false, input: siteA });
    await page.waitForSelector('#site-select', { state: 'visible' });
    expect(await page.inputValue('#site-select')).toBe(siteA);
    expect(await offeredSites(page)).toContain(siteA);
  });

  it('lists the next page of sites on request, and opens a site from it', async () => {
    // Prepare: GET /sites answers two pages of its own making.
    const page = await openPage();
    const asked: Array<string | null> = [];
    await page.route(isRoute('/sites'), async (route) => {
      const url = new URL(route.request().url());
      asked.push(url.searchParams.get('cursor'));
      const summary = (site_id: string) => ({ site_id, first_day: today, last_day: today, views: 1 });
      const body = url.searchParams.get('cursor') === 'page-2' ? { sites: [summary(siteB)] } : { sites: [summary(siteA), summary(`${siteA}-more`)], next_cursor: 'page-2' };
      await route.fulfill({ json: body, headers: { 'x-content-type-options': 'nosniff' } });
    });
    const range = rangeOf('7d', today)!;
    await openDashboard(page, { period: '7d' }, { site: siteA, key: adminKey });
    await page.waitForSelector('#site-more', { state: 'visible' });
    const firstPage = await offeredSites(page);
    if (process.env.DASHBOARD_SHOTS_DIR) await page.locator('header').screenshot({ path: path.join(process.env.DASHBOARD_SHOTS_DIR, 'site-picker.png') });

    // Act
    await page.click('#site-more');
    await expect.poll(() => offeredSites(page)).toEqual([...firstPage, siteB]);
    await page.selectOption('#site-select', siteB);
    await shown(page, siteB, range);

    // Assess: a page of 100 asked for, then the next one from its cursor; nothing left to list.
    expect(firstPage).toEqual([siteA, `${siteA}-more`]);
    expect(asked).toEqual([null, 'page-2']);
    expect(await page.isVisible('#site-more')).toBe(false);
    expect(await page.evaluate('document.activeElement.id')).toBe('site-select');
  });

  it('marks the (other) row and estimated counts, says why under the panel, and adds an exact column to its CSV', async () => {
    // Prepare: the API's answers as they are, with what the counters could not keep added:
    // Sources with its first value estimated and an (other) row, Top pages with an exact (other) row.
    const page = await openPage({ bypassCSP: true });
    await page.route(
      (url) => isRoute('/stats/breakdown')(url) && url.searchParams.get('dimension') === 'source',
      async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { results: Array<{ value: string; visits: number; views: number; exact?: boolean }> };
        body.results[0]!.exact = false;
        body.results.push({ value: '(other)', visits: 2, views: 5, exact: false });
        await route.fulfill({ response, json: body });
      },
    );
    await page.route(
      (url) => isRoute('/stats')(url) && url.searchParams.get('limit') === '100',
      async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { top_paths: Array<{ path: string; views: number }> };
        body.top_paths.splice(2, 0, { path: '(other)', views: body.top_paths[2]?.views ?? 1 });
        await route.fulfill({ response, json: body });
      },
    );
    const range = rangeOf('30d', today)!;
    await openDashboard(page, {}, { site: siteA, key: adminKey });
    await shown(page, siteA, range);
    const source = '[data-panel="source"]';

    // Act
    const rows = await page.$$eval(`${source} tbody tr`, (trs) =>
      trs.map((tr) => ({ value: tr.getAttribute('data-value'), exact: tr.getAttribute('data-exact'), cells: [...tr.querySelectorAll('td')].map((td) => td.textContent) })),
    );
    const other = await page.$eval(`${source} tr[data-value="(other)"] th`, (th) => ({
      emphasised: th.querySelector('em')?.textContent,
      title: th.getAttribute('title'),
      describedBy: th.getAttribute('aria-describedby'),
    }));
    const notes = await page.$$eval('[data-panel]', (panels) => Object.fromEntries(panels.map((p) => [p.getAttribute('data-panel'), p.querySelector('.panel-note')?.textContent ?? null])));
    const [file] = await Promise.all([page.waitForEvent('download'), page.click(`${source} [data-action="csv"]`)]);
    const csv = await readFile((await file.path())!, 'utf8');
    const [pagesFile] = await Promise.all([page.waitForEvent('download'), page.click('[data-panel="pages"] [data-action="csv"]')]);
    const pagesCsv = await readFile((await pagesFile.path())!, 'utf8');

    // Assess: the marks, read as words too.
    expect(rows[0]!.exact).toBe('false');
    expect(rows[0]!.cells.every((cell) => /^≈about \d/.test(cell ?? ''))).toBe(true);
    expect(rows.slice(1, -1).every((row) => row.exact === null && row.cells.every((cell) => /^\d/.test(cell ?? '')))).toBe(true);
    expect(rows.at(-1)).toEqual({ value: '(other)', exact: 'false', cells: ['≈about 2', '≈about 5'] });
    expect(other).toEqual({ emphasised: '(other)', title: 'Values past the day’s counter budget, summed', describedBy: 'panel-source-note' });
    expect(await page.getAttribute(`${source} table`, 'aria-describedby')).toBe('panel-source-note');
    expect(notes.source).toBe('Some days had more distinct values than the counters keep: “(other)” sums the values past that budget, and ≈ marks estimated counts.');
    expect(notes.pages).toBe('Some days had more distinct values than the counters keep: “(other)” sums the values past that budget.');
    expect(Object.entries(notes).filter(([id]) => id !== 'source' && id !== 'pages').every(([, note]) => note === null)).toBe(true);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('source,visits,views,exact');
    expect(lines[1]).toMatch(/,false$/);
    expect(lines.slice(2, -1).every((line) => line.endsWith(',true'))).toBe(true);
    expect(lines.at(-1)).toBe('(other),2,5,false');
    expect(pagesCsv.split('\r\n')[0]).toBe('page,views');
    expect(pagesCsv).toContain('\r\n(other),');

    // Assess: still no serious accessibility violation, light and dark; screenshots to look at.
    await page.addScriptTag({ path: AXE });
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const violations = await seriousViolations(page);
      expect(violations, colorScheme).toEqual([]);
      if (process.env.DASHBOARD_SHOTS_DIR) {
        // A scheme's change reloads the view: the panel is drawn anew once it is ready.
        await page.waitForSelector('main[data-state="ready"]');
        await page.locator(source).screenshot({ path: path.join(process.env.DASHBOARD_SHOTS_DIR, `exactness-${colorScheme}.png`) });
      }
    }
  });

  it('filters every figure, the chart and every panel by a click on a source row, then a country row; is not from a chip; the whole view back once the chips are gone', async () => {
    // Prepare
    const page = await openPage({ bypassCSP: true });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const range = rangeOf('30d', today)!;
    await openDashboard(page, {}, { site: siteA, key: adminKey });
    const whole = await viewFilteredBy(page, '');
    // A source of its own (not `(direct)`, the visits without one).
    const source = (await page.getAttribute('[data-panel="source"] tbody tr[data-value]:not([data-value^="("])', 'data-value'))!;
    const bySource = `source==${source}`;

    // Act: a click on the source's row.
    requests.length = 0;
    await page.click(`[data-panel="source"] tr[data-value=${JSON.stringify(source)}] [data-action="filter"]`);
    const sourceView = await viewFilteredBy(page, bySource);
    const sourceChips = await chipsOn(page);
    const sourceRequests = requests.splice(0).filter((url) => new URL(url).pathname.includes('/stats'));

    // Assess: one chip, every request filtered, the page as the API answers the filtered view.
    expect(sourceChips).toEqual([['source', '==', source]]);
    // One lake query per period (the period's view and the previous period's), and the period's goals.
    expect(sourceRequests.map((url) => new URL(url).pathname.replace(/^.*\/stats/, '/stats'))).toEqual(['/stats/view', '/stats/view', '/stats/goals']);
    expect(sourceRequests.every((url) => new URL(url).searchParams.get('filters') === bySource)).toBe(true);
    const wantSource = await apiFilteredBy(siteA, range, bySource);
    expect(wantSource.figures).not.toEqual(whole.figures);
    expect(sourceView).toEqual(wantSource);
    expect((await admin.get('stats', { site_id: siteA, ...rangeQuery(range), filters: bySource })).body.answered_by).toBe('lake');
    expect(await page.textContent('#lake-note')).toBe('Counted from every event in the lake.');

    // Act: a country's row, by keyboard, with the lake's answers held: the report says it waits.
    const country = (await page.getAttribute('[data-panel="country"] tbody tr[data-value]', 'data-value'))!;
    const both = `${bySource};country==${country}`;
    const hold = gate();
    await page.route((url) => isRoute('/stats/view')(url) && url.searchParams.get('filters') === both, async (route) => {
      await hold.opened;
      await route.continue();
    });
    await page.focus(`[data-panel="country"] tr[data-value=${JSON.stringify(country)}] [data-action="filter"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#report[aria-busy="true"]');
    const waiting = { note: await page.textContent('#lake-note'), noteVisible: await page.isVisible('#lake-note'), status: await page.textContent('#status') };
    hold.open();
    const bothView = await viewFilteredBy(page, both);

    // Assess
    expect(waiting).toEqual({ note: 'Counting the filtered events in the lake…', noteVisible: true, status: 'Loading from the lake…' });
    expect(await page.getAttribute('#report', 'aria-busy')).toBeNull();
    expect(await chipsOn(page)).toEqual([['source', '==', source], ['country', '==', country]]);
    expect(bothView).toEqual(await apiFilteredBy(siteA, range, both));
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ site: siteA, period: '30d', filters: both });

    // Act: reloaded, the view keeps its filters; then the source chip says is not.
    await page.reload();
    const reloaded = await viewFilteredBy(page, both);
    await page.selectOption('[data-filter="source"] select', '!=');
    const notSource = `source!=${source};country==${country}`;
    const notSourceView = await viewFilteredBy(page, notSource);

    // Assess: still no serious accessibility violation with chips, light and dark.
    expect(reloaded).toEqual(bothView);
    expect(notSourceView).toEqual(await apiFilteredBy(siteA, range, notSource));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-filtered-1440-light.png') });
    await page.addScriptTag({ path: AXE });
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const violations = await seriousViolations(page);
      expect(violations, colorScheme).toEqual([]);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    // The dark scheme reloads the view (its chart's colours), which may still be drawing at the old width.
    await expect.poll(() => page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    if (process.env.DASHBOARD_SHOTS_DIR) await page.screenshot({ path: path.join(process.env.DASHBOARD_SHOTS_DIR, 'filtered-390.png') });

    // Act: the chips removed, the country's first, the source's by keyboard.
    await page.click('[data-filter="country"] [data-action="remove"]');
    const notSourceOnly = await viewFilteredBy(page, `source!=${source}`);
    await page.focus('[data-filter="source"] [data-action="remove"]');
    await page.keyboard.press('Enter');
    const unfiltered = await viewFilteredBy(page, '');

    // Assess: the whole view back, the filters gone from the URL, and the way back through the history.
    expect(notSourceOnly).toEqual(await apiFilteredBy(siteA, range, `source!=${source}`));
    expect(unfiltered).toEqual(whole);
    expect(await page.isVisible('#filters-bar')).toBe(false);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ site: siteA, period: '30d' });
    await page.goBack();
    expect(await viewFilteredBy(page, `source!=${source}`)).toEqual(notSourceOnly);
  });

  it.runIf(keysTarget)('shows the goals with their conversion rates, and filters the view to the visitors who completed one by a click on it', async () => {
    // Prepare
    const page = await openPage();
    const range = rangeOf('30d', today)!;
    await openDashboard(page, {}, { site: siteA, key: adminKey });
    await shown(page, siteA, range);
    const goals = (await panelsOn(page)).goals as [string, number, number, number][];

    // Act: a click on the signup goal.
    await page.click('[data-panel="goals"] tr[data-value="event:signup"] [data-action="filter"]');
    const converted = await viewFilteredBy(page, 'goal==event:signup');

    // Assess: both goals counted as the API counts them, the rate shown as a percentage; then the
    // view of the visitors who signed up, with its chip.
    expect(goals.map(([goal]) => goal)).toEqual(['event:signup', 'page:/page-1*']);
    expect(goals.every(([, visitors, completions, rate]) => visitors > 0 && completions >= visitors && rate > 0 && rate < 1)).toBe(true);
    expect(await page.textContent('[data-panel="goals"] thead')).toContain('Conversion rate');
    expect(await chipsOn(page)).toEqual([['goal', '==', 'event:signup']]);
    expect(converted).toEqual(await apiFilteredBy(siteA, range, 'goal==event:signup'));
    expect(converted.panels.goals[0]).toMatchObject(['event:signup', goals[0]![1], goals[0]![2], 1]);
    if (process.env.DASHBOARD_SHOTS_DIR) await page.screenshot({ path: path.join(process.env.DASHBOARD_SHOTS_DIR, 'goals-1440.png'), fullPage: true });
  });

  it('reads a breakdown past the counters’ rows a page at a time, the (other) row replaced by the rows it summed', async () => {
    // Prepare: the first answer for Sources (the filtered view's, GET /stats/view) ends in an (other) row, as where the counters stopped.
    const page = await openPage();
    const asked: URLSearchParams[] = [];
    await page.route(isRoute('/stats/view'), async (route) => {
      const response = await route.fetch();
      if (new URL(route.request().url()).searchParams.get('limit') === '0') return route.fulfill({ response });
      const body = (await response.json()) as { breakdowns: Record<string, Array<{ value: string; visits: number; views: number }>> };
      body.breakdowns.source = [...body.breakdowns.source!.slice(0, 2), { value: '(other)', visits: 9, views: 9 }];
      await route.fulfill({ response, json: body });
    });
    await page.route(isRoute('/stats/breakdown'), async (route) => {
      const url = new URL(route.request().url());
      if (url.searchParams.get('dimension') === 'source') asked.push(url.searchParams);
      await route.continue();
    });
    const range = rangeOf('30d', today)!;
    await openDashboard(page, { filters: 'device==desktop' }, { site: siteA, key: adminKey });
    await viewFilteredBy(page, 'device==desktop');
    const first = (await panelsOn(page)).source!;

    // Act
    await page.click('[data-panel="source"] [data-action="next-rows"]');
    await expect.poll(async () => (await panelsOn(page)).source!.length).not.toBe(first.length);

    // Assess: the next page asked from the first row past those kept, with the view's filters.
    const next = asked.at(-1)!;
    expect(Object.fromEntries(next)).toEqual({ site_id: siteA, dimension: 'source', from: range.from, to: range.to, filters: 'device==desktop', limit: '100', offset: '2' });
    const want = await admin.get('stats/breakdown', Object.fromEntries(next));
    expect(want.status).toBe(200);
    expect((await panelsOn(page)).source).toEqual([
      ...first.slice(0, 2),
      ...want.body.results.map((r: { value: string; visits: number; views: number }) => [r.value, r.visits, r.views]),
    ]);
    expect(await page.isVisible('[data-panel="source"] [data-action="next-rows"]')).toBe(want.body.results.length === 100);
  });

  it('reads top pages past the counters’ rows a page at a time, busy while the lake answers', async () => {
    // Prepare: the first answer for Top pages ends in an (other) row; the next page is held.
    const page = await openPage();
    const asked: URLSearchParams[] = [];
    const hold = gate();
    await page.route(isRoute('/stats'), async (route) => {
      const url = new URL(route.request().url());
      if (url.searchParams.get('limit') !== '100') return route.continue();
      asked.push(url.searchParams);
      if (url.searchParams.has('offset')) {
        await hold.opened;
        return route.continue();
      }
      const response = await route.fetch();
      const body = (await response.json()) as { top_paths: Array<{ path: string; views: number }> };
      body.top_paths = [...body.top_paths.slice(0, 2), { path: '(other)', views: 1 }];
      await route.fulfill({ response, json: body });
    });
    const range = rangeOf('30d', today)!;
    await openDashboard(page, {}, { site: siteA, key: adminKey });
    await shown(page, siteA, range);
    const first = (await panelsOn(page)).pages!;
    const next = '[data-panel="pages"] [data-action="next-rows"]';

    // Act
    await page.click(next);
    await page.waitForSelector(`${next}[aria-busy="true"]`);
    const busy = await page.$eval(next, (button) => ({ text: button.textContent, disabled: button.hasAttribute('disabled') }));
    hold.open();
    await page.waitForSelector('[data-panel="pages"]:not(:has([aria-busy="true"]))');
    const status = await page.$eval('#status', (line) => ({ text: line.textContent, error: line.classList.contains('error') }));

    // Assess: busy, then the next page asked from the first row past those kept, as GET /stats answers it.
    expect(busy).toEqual({ text: 'Loading rows from the lake…', disabled: true });
    expect(status.error, status.text ?? '').toBe(false);
    const query = Object.fromEntries(asked.at(-1)!);
    expect(query).toEqual({ site_id: siteA, from: range.from, to: range.to, limit: '100', offset: '2' });
    const want = await admin.get('stats', query);
    expect([want.status, want.body.answered_by]).toEqual([200, 'lake']);
    expect(want.body.top_paths.length).toBeGreaterThan(0);
    const rows = [...first.slice(0, 2), ...want.body.top_paths.map((p: { path: string; views: number }) => [p.path, p.views])];
    expect((await panelsOn(page)).pages).toEqual(rows.slice(0, 10));
    if (rows.length > 10) await page.click('[data-panel="pages"] [data-action="expand"]');
    expect((await panelsOn(page)).pages).toEqual(rows);
    expect(await page.isVisible(next)).toBe(want.body.top_paths.length === 100);
  });

  it('shows the site\'s current visitors beside its title, as GET /stats/realtime counts them', async () => {
    // Prepare: two users on a site of their own this minute, in the lake.
    const site = `${siteA}-now`;
    for (const user of ['now-1', 'now-2']) {
      expect((await admin.postEvent({ site_id: site, event_type: 'page_view', user_id: user, path: '/', timestamp: new Date().toISOString() })).status).toBe(202);
    }
    const now = await waitFor(() => admin.get('stats/realtime', { site_id: site }), (r) => r.body?.current_visitors === 2, PIPELINE_TIMEOUT_MS);
    const page = await openPage();

    // Act
    await openDashboard(page, {}, { site, key: adminKey });
    await page.waitForSelector('#current-visitors:not([hidden])');

    // Assess
    expect(now.body.current_visitors).toBe(2);
    expect(await page.textContent('#current-visitors')).toBe('2 current visitors');
  });

  it('shows the funnel of the steps typed, kept in the URL, as GET /stats/funnel counts it, and follows a filter', async () => {
    // Prepare
    const page = await openPage({ bypassCSP: true });
    const range = rangeOf('30d', today)!;
    await openDashboard(page, { period: '30d' }, { site: siteA, key: adminKey });
    const funnelOn = () => page.$$eval('#funnel-result tbody tr', (rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent)));
    const expectedOn = async (filters?: string) => {
      const want = await admin.get('stats/funnel', { site_id: siteA, ...range, steps: 'page:/page-*,page:/page-1*', ...(filters ? { filters } : {}) });
      expect(want.status).toBe(200);
      return want.body.steps.map((step: { step: string; visits: number; conversion_rate: number; dropoff: number }) => [
        step.step,
        step.visits.toLocaleString('en-US'),
        new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(step.conversion_rate),
        step.dropoff.toLocaleString('en-US'),
      ]);
    };

    // Act: two steps typed, with spaces after the comma.
    await page.fill('#funnel-steps', 'page:/page-* ,  page:/page-1*');
    await page.click('#funnel-form button[type="submit"]');
    await page.waitForSelector('#funnel-result tbody tr');

    // Assess: the API's funnel, the steps in the URL.
    const shownFunnel = await funnelOn();
    expect(shownFunnel).toEqual(await expectedOn());
    expect(Number(shownFunnel[0]![1])).toBeGreaterThan(Number(shownFunnel[1]![1]));
    expect(new URL(page.url()).searchParams.get('funnel')).toBe('page:/page-*,page:/page-1*');

    // Act: a filter from a source row; then the page reloaded.
    const source = (await page.getAttribute('[data-panel="source"] tbody tr[data-value]:not([data-value^="("])', 'data-value'))!;
    await page.click(`[data-panel="source"] tr[data-value=${JSON.stringify(source)}] [data-action="filter"]`);
    await page.waitForSelector(`main[data-state="ready"][data-filters=${JSON.stringify(`source==${source}`)}]`);
    await expect.poll(funnelOn).toEqual(await expectedOn(`source==${source}`));
    await page.reload();
    await page.waitForSelector('#funnel-result tbody tr');

    // Assess: the funnel is read again for the filtered view, and kept across a reload.
    expect(await funnelOn()).toEqual(await expectedOn(`source==${source}`));
    expect(await page.inputValue('#funnel-steps')).toBe('page:/page-*, page:/page-1*');
    await page.addScriptTag({ path: AXE });
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('has no serious or critical accessibility violations (axe-core), light and dark', async () => {
    // Prepare: the CSP would refuse the injected axe script.
    const page = await openPage({ bypassCSP: true });
    await openDashboard(page, {}, { site: siteA, key: adminKey });

    for (const colorScheme of ['light', 'dark'] as const) {
      // Act
      await page.emulateMedia({ colorScheme });
      await page.waitForSelector('main[data-state="ready"]');
      await page.addScriptTag({ path: AXE });
      const violations = await seriousViolations(page);

      // Assess
      expect(violations, colorScheme).toEqual([]);
    }
  });

  it('writes screenshots at 1440x900 and 390x844, light and dark', async () => {
    for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
      for (const colorScheme of ['light', 'dark'] as const) {
        // Prepare
        const page = await openPage({ viewport });
        await page.emulateMedia({ colorScheme });

        // Act
        await openDashboard(page, {}, { site: siteA, key: adminKey });
        await shown(page, siteA, rangeOf('30d', today)!);
        await page.screenshot({ path: path.join(SCREENSHOTS, `dashboard-${viewport.width}-${colorScheme}.png`) });

        // Assess: nothing wider than the screen, the chart's tooltip included.
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
        await page.hover('#chart .u-over');
        await expect.poll(() => page.isVisible('.chart-tip')).toBe(true);
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
        await context?.close();
        context = undefined;
      }
    }
  });
});
