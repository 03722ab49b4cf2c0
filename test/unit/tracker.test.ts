import { randomFillSync } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DASHBOARD_GLOBALS } from '../../infra/dashboard-assets.ts';
import { minifyTrackerScript, TRACKER_SCRIPT_GLOBAL } from '../../infra/tracker-script.ts';

const script = minifyTrackerScript();
const SCRIPT_URL = 'https://api.example.com/v1/t.js';

interface Sent {
  via: 'sendBeacon' | 'fetch';
  url: string;
  body: Record<string, unknown>;
  init?: Record<string, unknown>;
}

interface BrowserOptions {
  /** data-site of the script tag (default site-abc-123; null: none). */
  site?: string | null;
  /** Other attributes of the script tag. */
  attributes?: Record<string, string>;
  navigator?: Record<string, unknown>;
  window?: Record<string, unknown>;
  /**
   * Shared between page loads, as a browser keeps it; `'throws'` for storage that is turned off,
   * `'refuses writes'` for storage that reads (nothing) but throws on writes, as a full one does.
   */
  storage?: Map<string, string> | 'throws' | 'refuses writes';
  /** What sendBeacon returns (false: the browser refused to queue it); undefined: no sendBeacon. */
  beaconResult?: boolean;
  /** The page's path, with any query string and fragment (default `/`). */
  path?: string;
  /** document.referrer (default empty). */
  referrer?: string;
}

const PAGE_ORIGIN = 'https://site.example';

/** A page with just enough of a browser for the beacon script, recording what it sends. */
function loadPage(options: BrowserOptions = {}) {
  const sent: Sent[] = [];
  const listeners = new Map<string, Array<() => void>>();
  const location = { pathname: '', href: '' };
  const navigate = (url: string) => {
    const next = new URL(url, location.href || PAGE_ORIGIN);
    location.pathname = next.pathname;
    location.href = next.href;
  };
  navigate(options.path ?? '/');
  const site = options.site === undefined ? 'site-abc-123' : options.site;
  const attributes: Record<string, string> = { ...(site === null ? {} : { 'data-site': site }), ...options.attributes };
  const storage = options.storage ?? new Map<string, string>();
  const localStorage = {
    getItem(key: string) {
      if (storage === 'throws') throw new Error('SecurityError');
      return storage === 'refuses writes' ? null : (storage.get(key) ?? null);
    },
    setItem(key: string, value: string) {
      if (typeof storage === 'string') throw new Error(storage === 'throws' ? 'SecurityError' : 'QuotaExceededError');
      storage.set(key, value);
    },
  };
  const navigator: Record<string, unknown> = { webdriver: false, ...options.navigator };
  if (options.beaconResult !== undefined) {
    navigator.sendBeacon = (url: string, body: string) => {
      if (options.beaconResult) sent.push({ via: 'sendBeacon', url, body: JSON.parse(body) });
      return options.beaconResult;
    };
  }
  const window: Record<string, any> = {
    navigator,
    location,
    localStorage,
    URL,
    // The test's Date, so that fake timers set the page's clock.
    Date,
    crypto: { getRandomValues: (bytes: Uint8Array) => randomFillSync(bytes) },
    document: {
      referrer: options.referrer ?? '',
      currentScript: {
        src: SCRIPT_URL,
        getAttribute: (name: string) => attributes[name] ?? null,
        hasAttribute: (name: string) => name in attributes,
      },
    },
    history: {
      pushState: (_state: unknown, _title: string, url: string) => navigate(url),
      replaceState: (_state: unknown, _title: string, url: string) => navigate(url),
    },
    addEventListener: (type: string, listener: () => void) => listeners.set(type, [...(listeners.get(type) ?? []), listener]),
    fetch: (url: string, init: Record<string, unknown>) => {
      sent.push({ via: 'fetch', url, body: JSON.parse(init.body as string), init });
      return Promise.resolve({ status: 202 });
    },
    ...options.window,
  };
  window.window = window;
  runInNewContext(script, window);
  return {
    sent,
    window,
    /** The back button: the URL changes, then popstate fires. */
    back(path: string) {
      navigate(path);
      for (const listener of listeners.get('popstate') ?? []) listener();
    },
  };
}

describe('the beacon script (GET /t.js)', () => {
  it('is at most 1.5 KB gzipped', () => {
    // Act
    const gzipped = gzipSync(script, { level: 9 }).length;

    // Assess
    expect(gzipped).toBeLessThanOrEqual(1536);
  });

  it('records a page view on load with sendBeacon, next to its own URL', () => {
    // Act
    const { sent } = loadPage({ beaconResult: true, path: '/pricing' });

    // Assess
    expect(sent).toEqual([
      {
        via: 'sendBeacon',
        url: 'https://api.example.com/v1/event',
        body: {
          site_id: 'site-abc-123',
          event_type: 'page_view',
          path: '/pricing',
          user_id: expect.stringMatching(/^[0-9a-f]{32}$/),
          timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          event_id: expect.stringMatching(/^[0-9a-f]{32}$/),
          visit: { page: 1, gap_ms: 0, entry: 'https://site.example/pricing', id: expect.stringMatching(/^[0-9a-f]{32}$/) },
        },
      },
    ]);
  });

  it('records a page view for each single-page navigation, but not twice in a row for one path', () => {
    // Prepare
    const { sent, window, back } = loadPage({ beaconResult: true });

    // Act
    window.history.pushState({}, '', '/pricing');
    window.history.replaceState({}, '', '/pricing?plan=pro');
    window.history.pushState({}, '', '#faq');
    back('/');

    // Assess
    expect(sent.map((s) => s.body.path)).toEqual(['/', '/pricing', '/']);
    expect(new Set(sent.map((s) => s.body.event_id)).size).toBe(3);
  });

  it('records custom events on the current path with analytics.track', () => {
    // Prepare
    const { sent, window } = loadPage({ beaconResult: true });
    window.history.pushState({}, '', '/signup');

    // Act
    window.analytics.track('signup');

    // Assess
    expect(sent.map((s) => [s.body.event_type, s.body.path])).toEqual([
      ['page_view', '/'],
      ['page_view', '/signup'],
      ['signup', '/signup'],
    ]);
  });

  it('sends the custom properties given to analytics.track, and none otherwise', () => {
    // Prepare
    const { sent, window } = loadPage({ beaconResult: true });

    // Act
    window.analytics.track('signup', { plan: 'pro', source_button: 'hero' });
    window.analytics.track('click');

    // Assess
    expect(sent.map((s) => [s.body.event_type, s.body.props])).toEqual([
      ['page_view', undefined],
      ['signup', { plan: 'pro', source_button: 'hero' }],
      ['click', undefined],
    ]);
  });

  it('keeps one visitor id in localStorage across page loads', () => {
    // Prepare
    const storage = new Map<string, string>();

    // Act
    const first = loadPage({ beaconResult: true, storage });
    const second = loadPage({ beaconResult: true, storage });

    // Assess
    expect(second.sent[0]!.body.user_id).toBe(first.sent[0]!.body.user_id);
    expect(storage.get('beacon_uid')).toBe(first.sent[0]!.body.user_id);
  });

  it('uses a per-page visitor id when localStorage throws', () => {
    // Act
    const first = loadPage({ beaconResult: true, storage: 'throws' });
    first.window.analytics.track('signup');
    const second = loadPage({ beaconResult: true, storage: 'throws' });

    // Assess
    expect(first.sent.map((s) => s.body.user_id)).toEqual([first.sent[0]!.body.user_id, first.sent[0]!.body.user_id]);
    expect(second.sent[0]!.body.user_id).not.toBe(first.sent[0]!.body.user_id);
  });

  it.each([
    ['there is no sendBeacon', undefined],
    ['sendBeacon refuses the event', false],
  ])('falls back to a keepalive text/plain fetch when %s', (_case, beaconResult) => {
    // Act
    const { sent } = loadPage({ beaconResult });

    // Assess
    expect(sent).toEqual([
      {
        via: 'fetch',
        url: 'https://api.example.com/v1/event',
        body: expect.objectContaining({ event_type: 'page_view', path: '/' }),
        init: { method: 'POST', body: expect.any(String), keepalive: true, headers: { 'content-type': 'text/plain' } },
      },
    ]);
  });

  it.each([
    ['Do Not Track', { navigator: { doNotTrack: '1' } }],
    ['Do Not Track on window', { window: { doNotTrack: '1' } }],
    ['Global Privacy Control', { navigator: { globalPrivacyControl: true } }],
    ['an automated browser (navigator.webdriver)', { navigator: { webdriver: true } }],
    ['a script tag without data-site', { site: null }],
  ] satisfies Array<[string, BrowserOptions]>)('sends nothing for %s, and analytics.track does nothing', (_case, options) => {
    // Act
    const { sent, window } = loadPage({ ...options, beaconResult: true });
    window.history.pushState({}, '', '/pricing');
    window.analytics.track('signup');

    // Assess
    expect(sent).toEqual([]);
  });

  it('tracks an automated browser when its script tag has data-allow-automation (browser tests)', () => {
    // Act
    const { sent } = loadPage({ navigator: { webdriver: true }, attributes: { 'data-allow-automation': '' }, beaconResult: true });

    // Assess
    expect(sent).toHaveLength(1);
  });
});

describe('the visit the beacon script sends with each event', () => {
  const MINUTE = 60_000;
  /** The visits sent, without their ids (checked on their own). */
  const visitsOf = (sent: Sent[]) => sent.map((s) => {
    const { id, ...visit } = s.body.visit as Record<string, unknown>;
    return visit;
  });
  const visitIdsOf = (sent: Sent[]) => sent.map((s) => (s.body.visit as { id: string }).id);

  it('gives each visit a random id, the same on all its events and page loads, and a new one for the next visit', () => {
    // Prepare
    const storage = new Map<string, string>();
    const first = loadPage({ beaconResult: true, storage, path: '/' });
    first.window.analytics.track('signup');

    // Act
    vi.advanceTimersByTime(MINUTE);
    const second = loadPage({ beaconResult: true, storage, path: '/pricing' });
    vi.advanceTimersByTime(31 * MINUTE);
    const third = loadPage({ beaconResult: true, storage, path: '/' });

    // Assess
    const ids = visitIdsOf([...first.sent, ...second.sent, ...third.sent]);
    expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(ids.slice(0, 3)).toEqual([ids[0], ids[0], ids[0]]);
    expect(ids[3]).not.toBe(ids[0]);
    expect(ids[0]).not.toBe(first.sent[0]!.body.user_id);
  });

  it('gives a visit kept by an earlier script, without an id, one that it keeps', () => {
    // Prepare
    const storage = new Map([['beacon_visit', JSON.stringify({ entry: 'https://site.example/', referrer: '', page: 1, at: Date.now() })]]);

    // Act
    const { sent, window } = loadPage({ beaconResult: true, storage, path: '/pricing' });
    window.analytics.track('signup');

    // Assess
    expect(visitsOf(sent)).toEqual([
      { page: 2, gap_ms: 0, entry: 'https://site.example/' },
      { page: 2, gap_ms: 0, entry: 'https://site.example/' },
    ]);
    expect(visitIdsOf(sent)[1]).toBe(visitIdsOf(sent)[0]);
    expect(visitIdsOf(sent)[0]).toMatch(/^[0-9a-f]{32}$/);
  });

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-06-01T10:00:00Z'));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts a visit with the first page view: page 1, gap 0, the entry URL without its fragment and the referrer', () => {
    // Act
    const { sent } = loadPage({
      beaconResult: true,
      path: '/pricing?utm_source=newsletter#plans',
      referrer: 'https://mail.example/inbox',
    });

    // Assess
    expect(visitsOf(sent)).toEqual([
      { page: 1, gap_ms: 0, entry: 'https://site.example/pricing?utm_source=newsletter', referrer: 'https://mail.example/inbox' },
    ]);
    expect(sent[0]!.body.timestamp).toBe('2026-06-01T10:00:00.000Z');
  });

  it('counts the next page views as pages 2 and 3 of the visit, with the time since its previous event', () => {
    // Prepare
    const storage = new Map<string, string>();
    const first = loadPage({ beaconResult: true, storage, path: '/', referrer: 'https://search.example/' });

    // Act: a single-page navigation after 42 s, then a page load 3 minutes later.
    vi.advanceTimersByTime(42_000);
    first.window.history.pushState({}, '', '/pricing');
    vi.advanceTimersByTime(3 * MINUTE);
    const second = loadPage({ beaconResult: true, storage, path: '/signup', referrer: 'https://site.example/pricing' });

    // Assess: the visit keeps its entry and referrer.
    const visit = { entry: 'https://site.example/', referrer: 'https://search.example/' };
    expect(visitsOf([...first.sent, ...second.sent])).toEqual([
      { page: 1, gap_ms: 0, ...visit },
      { page: 2, gap_ms: 42_000, ...visit },
      { page: 3, gap_ms: 3 * MINUTE, ...visit },
    ]);
  });

  it('sends a custom event with the visit and its page views so far', () => {
    // Prepare
    const { sent, window } = loadPage({ beaconResult: true, path: '/signup' });
    vi.advanceTimersByTime(5_000);

    // Act
    window.analytics.track('signup');
    vi.advanceTimersByTime(1_000);
    window.analytics.track('signup_confirmed');

    // Assess: no referrer, so none is sent.
    const entry = 'https://site.example/signup';
    expect(visitsOf(sent)).toEqual([
      { page: 1, gap_ms: 0, entry },
      { page: 1, gap_ms: 5_000, entry },
      { page: 1, gap_ms: 1_000, entry },
    ]);
  });

  it('starts a new visit after more than 30 minutes without events, and continues one at exactly 30', () => {
    // Prepare
    const storage = new Map<string, string>();
    const first = loadPage({ beaconResult: true, storage, path: '/', referrer: 'https://search.example/' });

    // Act
    vi.advanceTimersByTime(30 * MINUTE);
    const second = loadPage({ beaconResult: true, storage, path: '/pricing', referrer: 'https://site.example/' });
    vi.advanceTimersByTime(31 * MINUTE);
    const third = loadPage({ beaconResult: true, storage, path: '/blog?utm_source=social', referrer: 'https://social.example/post' });

    // Assess
    expect(visitsOf([...first.sent, ...second.sent, ...third.sent])).toEqual([
      { page: 1, gap_ms: 0, entry: 'https://site.example/', referrer: 'https://search.example/' },
      { page: 2, gap_ms: 30 * MINUTE, entry: 'https://site.example/', referrer: 'https://search.example/' },
      { page: 1, gap_ms: 0, entry: 'https://site.example/blog?utm_source=social', referrer: 'https://social.example/post' },
    ]);
  });

  it('gives a visit started after the page load (a page left open) no referrer', () => {
    // Prepare
    const { sent, window } = loadPage({ beaconResult: true, path: '/', referrer: 'https://search.example/' });

    // Act
    vi.advanceTimersByTime(45 * MINUTE);
    window.history.pushState({}, '', '/pricing#plans');

    // Assess
    expect(visitsOf(sent)).toEqual([
      { page: 1, gap_ms: 0, entry: 'https://site.example/', referrer: 'https://search.example/' },
      { page: 1, gap_ms: 0, entry: 'https://site.example/pricing' },
    ]);
  });

  it('starts a new visit when the clock was put back, as a negative gap would be refused', () => {
    // Prepare
    const storage = new Map<string, string>();
    loadPage({ beaconResult: true, storage, path: '/' });

    // Act
    vi.setSystemTime(new Date('2026-06-01T09:00:00Z'));
    const { sent } = loadPage({ beaconResult: true, storage, path: '/pricing' });

    // Assess
    expect(visitsOf(sent)).toEqual([{ page: 1, gap_ms: 0, entry: 'https://site.example/pricing' }]);
  });

  it('cuts the entry URL and the referrer to the 2,048 characters the API takes', () => {
    // Act
    const { sent } = loadPage({
      beaconResult: true,
      path: `/?q=${'a'.repeat(3000)}`,
      referrer: `https://search.example/?q=${'b'.repeat(3000)}`,
    });

    // Assess
    const visit = sent[0]!.body.visit as { entry: string; referrer: string };
    expect(visit.entry).toHaveLength(2048);
    expect(visit.referrer).toHaveLength(2048);
    expect(visit.entry.startsWith('https://site.example/?q=aaa')).toBe(true);
  });

  it.each([
    ['localStorage throws', 'throws' as const],
    ['localStorage refuses writes', 'refuses writes' as const],
  ])("keeps the visit in memory for the page's life when %s", (_case, storage) => {
    // Prepare
    const options = { beaconResult: true, storage };
    const first = loadPage({ ...options, path: '/', referrer: 'https://search.example/' });

    // Act
    vi.advanceTimersByTime(10_000);
    first.window.history.pushState({}, '', '/pricing');
    vi.advanceTimersByTime(2_000);
    first.window.analytics.track('signup');
    vi.advanceTimersByTime(60_000);
    const second = loadPage({ ...options, path: '/docs', referrer: 'https://site.example/pricing' });

    // Assess: the next page load cannot know the visit, and starts one.
    const visit = { entry: 'https://site.example/', referrer: 'https://search.example/' };
    expect(visitsOf([...first.sent, ...second.sent])).toEqual([
      { page: 1, gap_ms: 0, ...visit },
      { page: 2, gap_ms: 10_000, ...visit },
      { page: 2, gap_ms: 2_000, ...visit },
      { page: 1, gap_ms: 0, entry: 'https://site.example/docs', referrer: 'https://site.example/pricing' },
    ]);
  });
});

describe('the tracker handler', () => {
  let handler: (event?: { resource?: string }) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
  const dashboard = { html: '<!doctype html>', js: 'start()', css: 'body{}' };

  beforeAll(async () => {
    // Prepare: the constants bundling defines.
    vi.stubGlobal(TRACKER_SCRIPT_GLOBAL, script);
    vi.stubGlobal(DASHBOARD_GLOBALS.html, dashboard.html);
    vi.stubGlobal(DASHBOARD_GLOBALS.js, dashboard.js);
    vi.stubGlobal(DASHBOARD_GLOBALS.css, dashboard.css);
    ({ handler } = await import('../../functions/assets/handler.ts'));
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('serves the minified script as JavaScript that may be cached for an hour', async () => {
    // Act
    const response = await handler();

    // Assess
    expect(response).toEqual({
      statusCode: 200,
      headers: {
        'content-type': 'application/javascript; charset=utf-8',
        'cache-control': 'public, max-age=3600',
        'x-content-type-options': 'nosniff',
      },
      body: script,
    });
  });

  it.each([
    ['/dashboard', 'text/html; charset=utf-8', dashboard.html],
    ['/dashboard/app.js', 'application/javascript; charset=utf-8', dashboard.js],
    ['/dashboard/app.css', 'text/css; charset=utf-8', dashboard.css],
  ])('serves %s as %s under a Content-Security-Policy that allows only its own origin', async (resource, contentType, body) => {
    // Act
    const response = await handler({ resource });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(body);
    expect(response.headers).toMatchObject({
      'content-type': contentType,
      'content-security-policy': expect.stringMatching(/^default-src 'self'; script-src 'self'; style-src 'self';/),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
    expect(response.headers['content-security-policy']).not.toMatch(/unsafe|\*|https?:/);
  });
});
