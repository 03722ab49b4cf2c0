import { randomFillSync } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
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
  /** Shared between page loads, as a browser keeps it; `'throws'` for storage that is turned off. */
  storage?: Map<string, string> | 'throws';
  /** What sendBeacon returns (false: the browser refused to queue it); undefined: no sendBeacon. */
  beaconResult?: boolean;
  path?: string;
}

/** A page with just enough of a browser for the beacon script, recording what it sends. */
function loadPage(options: BrowserOptions = {}) {
  const sent: Sent[] = [];
  const listeners = new Map<string, Array<() => void>>();
  const location = { pathname: options.path ?? '/', href: '' };
  const navigate = (url: string) => {
    location.pathname = new URL(url, `https://site.example${location.pathname}`).pathname;
  };
  const site = options.site === undefined ? 'site-abc-123' : options.site;
  const attributes: Record<string, string> = { ...(site === null ? {} : { 'data-site': site }), ...options.attributes };
  const storage = options.storage ?? new Map<string, string>();
  const localStorage = {
    getItem(key: string) {
      if (storage === 'throws') throw new Error('SecurityError');
      return storage.get(key) ?? null;
    },
    setItem(key: string, value: string) {
      if (storage === 'throws') throw new Error('SecurityError');
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
    crypto: { getRandomValues: (bytes: Uint8Array) => randomFillSync(bytes) },
    document: {
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
      location.pathname = path;
      for (const listener of listeners.get('popstate') ?? []) listener();
    },
  };
}

describe('the beacon script (GET /t.js)', () => {
  it('is at most 1 KB gzipped', () => {
    // Act
    const gzipped = gzipSync(script, { level: 9 }).length;

    // Assess
    expect(gzipped).toBeLessThanOrEqual(1024);
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

  it('keeps one visitor id in localStorage across page loads', () => {
    // Prepare
    const storage = new Map<string, string>();

    // Act
    const first = loadPage({ beaconResult: true, storage });
    const second = loadPage({ beaconResult: true, storage });

    // Assess
    expect(second.sent[0]!.body.user_id).toBe(first.sent[0]!.body.user_id);
    expect([...storage.values()]).toEqual([first.sent[0]!.body.user_id]);
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

describe('the tracker handler', () => {
  let handler: () => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;

  beforeAll(async () => {
    // Prepare: the constant bundling defines.
    vi.stubGlobal(TRACKER_SCRIPT_GLOBAL, script);
    ({ handler } = await import('../../functions/tracker/handler.ts'));
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
});
