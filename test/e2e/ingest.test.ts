import { describe, expect, inject, it } from 'vitest';
import { apiClient, waitFor } from '../support/http-client.ts';
import { beacon } from '../support/factories.ts';
import { keysCli } from '../support/keys-cli.ts';

const baseUrl = inject('baseUrl');
const adminKey = inject('adminKey');
const keysTarget = inject('keysTarget');
const api = apiClient(baseUrl, undefined, adminKey);
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const PIPELINE_TIMEOUT_MS = Number(process.env.E2E_PIPELINE_TIMEOUT_MS ?? 60_000);

const expectError = (response: { status: number; body: any }, status: number, code: string) => {
  expect(response.status).toBe(status);
  expect(response.body.error.code).toBe(code);
  expect(typeof response.body.error.message).toBe('string');
};

describe('POST /event', () => {
  it('accepts a valid event with 202 and a generated event id', async () => {
    const response = await api.postEvent(beacon({ site_id: 'e2e-ingest' }));
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ status: 'accepted', event_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('echoes the client event_id', async () => {
    const response = await api.postEvent(beacon({ site_id: 'e2e-ingest', event_id: 'client-key-1' }));
    expect(response.body).toEqual({ status: 'accepted', event_id: 'client-key-1' });
  });

  it('accepts text/plain as browsers send with sendBeacon', async () => {
    const response = await api.postEvent(beacon({ site_id: 'e2e-ingest' }), 'text/plain;charset=UTF-8');
    expect(response.status).toBe(202);
  });

  it('answers 400 invalid_json for a body that is not JSON', async () => {
    expectError(await api.post('event', '{"site_id":'), 400, 'invalid_json');
  });

  it('answers 400 invalid_event naming each bad field', async () => {
    const response = await api.postEvent(beacon({ path: 'pricing', timestamp: 'yesterday' }));
    expectError(response, 400, 'invalid_event');
    expect(response.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['path', 'timestamp']);
  });

  it('answers 400 invalid_event for a timestamp far in the future', async () => {
    const response = await api.postEvent(beacon({ timestamp: new Date(Date.now() + 3_600_000).toISOString() }));
    expectError(response, 400, 'invalid_event');
  });

  it('answers 400 invalid_event naming a path with an unpaired surrogate or a control character', async () => {
    // Act: JSON can carry a lone surrogate as an escape, which no UTF-8 body could.
    const surrogate = await api.post('event', JSON.stringify(beacon({ path: '/a' })).replace('"/a"', '"/a\\ud800"'));
    const control = await api.postEvent(beacon({ path: '/a\u0000b' }));

    // Assess
    for (const response of [surrogate, control]) {
      expectError(response, 400, 'invalid_event');
      expect(response.body.error.details).toEqual([{ field: 'path', message: expect.stringContaining('unpaired surrogates') }]);
    }
  });

  it('answers 413 payload_too_large over 16 KB', async () => {
    expectError(await api.postEvent(beacon({ padding: 'x'.repeat(17 * 1024) })), 413, 'payload_too_large');
  });

  it('answers 415 unsupported_media_type for a form post', async () => {
    expectError(await api.post('event', 'site_id=x', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
  });
});

describe('JSON answers', () => {
  it('carry X-Content-Type-Options: nosniff, errors included, on ingestion and stats routes', async () => {
    // Act
    const answers = await Promise.all([
      api.postEvent(beacon({ site_id: 'e2e-ingest' })),
      api.post('event', '{"site_id":'),
      api.get('stats', { site_id: 'e2e-ingest', date: new Date().toISOString().slice(0, 10) }),
      api.get('stats', { site_id: 'e2e-ingest', limit: '-1' }),
      apiClient(baseUrl).get('sites'),
    ]);

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([202, 400, 200, 400, 401]);
    for (const answer of answers) {
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('POST /event and /events from other origins', () => {
  it.each(['event', 'events'])('answers the CORS preflight of a JSON post to /%s from any website', async (route) => {
    // Act
    const response = await fetch(new URL(route, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`), {
      method: 'OPTIONS',
      headers: {
        origin: 'https://www.customer.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

    // Assess
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);
    expect(['*', 'https://www.customer.example']).toContain(response.headers.get('access-control-allow-origin'));
    expect(response.headers.get('access-control-allow-methods')).toMatch(/\bPOST\b/);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
  });

  it('lets any website read the answer to a post', async () => {
    // Act
    const response = await api.postEvent(beacon({ site_id: 'e2e-ingest' }));

    // Assess
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('POST /event from bots', () => {
  const googlebot = apiClient(baseUrl, 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)');
  const previewer = apiClient(baseUrl, 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)');

  it('answers a crawler or link previewer like a browser, but does not count its events', async () => {
    // Prepare
    const site = `e2e-bots-${run}`;

    // Act: the bots' events are dropped before the queue, so once the visitor's event is
    // counted, nothing of theirs can still arrive.
    const fromBots = await Promise.all([
      googlebot.postEvent(beacon({ site_id: site, path: '/crawled', event_id: 'bot-1' })),
      previewer.postEvent(beacon({ site_id: site, path: '/previewed', event_id: 'bot-2' }), 'text/plain'),
    ]);
    const fromVisitor = await api.postEvent(beacon({ site_id: site, path: '/visited', event_id: 'visitor-1' }));
    const stats = await waitFor(() => api.get('stats', { site_id: site }), (r) => r.body?.total_events >= 1, PIPELINE_TIMEOUT_MS);

    // Assess
    expect(fromBots.map((r) => [r.status, r.body])).toEqual([
      [202, { status: 'accepted', event_id: 'bot-1' }],
      [202, { status: 'accepted', event_id: 'bot-2' }],
    ]);
    expect(fromVisitor.status).toBe(202);
    expect(stats.body).toMatchObject({ total_events: 1, top_paths: [{ path: '/visited', views: 1 }] });
  });
});

describe('POST /event from servers', () => {
  it("counts events posted with curl's and Node's own User-Agents, as the README's examples do", async () => {
    // Prepare
    const site = `e2e-servers-${run}`;
    const curl = apiClient(baseUrl, 'curl/8.5.0');

    // Act: fetch without a user-agent header sends Node's own ("node").
    const fromCurl = await curl.postEvent(beacon({ site_id: site, path: '/from-curl', event_id: 'curl-1' }));
    const fromNode = await fetch(new URL('event', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(beacon({ site_id: site, path: '/from-node', event_id: 'node-1' })),
    });
    const stats = await waitFor(() => api.get('stats', { site_id: site }), (r) => r.body?.total_events >= 2, PIPELINE_TIMEOUT_MS);

    // Assess
    expect([fromCurl.status, fromNode.status]).toEqual([202, 202]);
    expect(stats.body).toMatchObject({ total_events: 2, total_views: 2 });
    expect(stats.body.top_paths.map((p: { path: string }) => p.path).sort()).toEqual(['/from-curl', '/from-node']);
  });
});

describe('a route the API does not have', () => {
  it('answers 404 not_found in the JSON error shape (a REST API; an HTTP API says {"message":"Not Found"})', async () => {
    // Act
    const response = await api.get('no-such-route');

    // Assess
    expect(response.status).toBe(404);
    if (!process.env.E2E_BASE_URL || !('message' in (response.body ?? {}))) {
      expect(response.body).toEqual({ error: { code: 'not_found', message: 'No such route' } });
    }
  });
});

describe('POST /events', () => {
  const postBatch = (events: unknown, contentType = 'application/json') => api.post('events', JSON.stringify(events), contentType);

  it('accepts up to 100 events at once, counts each once, also when the client retries the batch', async () => {
    // Prepare
    const site = `e2e-batch-${run}`;
    const events = Array.from({ length: 100 }, (_, i) =>
      beacon({ site_id: site, path: i < 60 ? '/a' : '/b', user_id: `u${i % 25}`, event_id: `${run}-${i}`, ...(i % 10 === 9 ? { event_type: 'signup' } : {}) }),
    );

    // Act
    const first = await postBatch(events, 'text/plain;charset=UTF-8');
    const retry = await postBatch(events);
    const stats = await waitFor(() => api.get('stats', { site_id: site }), (r) => r.body?.total_events >= 100, PIPELINE_TIMEOUT_MS);

    // Assess
    expect([first.status, retry.status]).toEqual([202, 202]);
    expect(first.body).toEqual({ status: 'accepted', event_ids: events.map((e) => e.event_id) });
    expect(stats.body).toMatchObject({
      total_events: 100,
      total_views: 90,
      unique_users: 25,
      events_by_type: { page_view: 90, signup: 10 },
      top_paths: [
        { path: '/a', views: 54 },
        { path: '/b', views: 36 },
      ],
    });
  });

  it('gives an id to each event that has none, in order', async () => {
    const response = await postBatch([beacon({ site_id: 'e2e-ingest' }), beacon({ site_id: 'e2e-ingest', event_id: 'batch-key-1' })]);
    expect(response.status).toBe(202);
    expect(response.body.event_ids).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), 'batch-key-1']);
  });

  it('answers 400 invalid_event naming each bad element by index, and accepts none', async () => {
    // Prepare
    const site = `e2e-batch-bad-${run}`;

    // Act
    const response = await postBatch([beacon({ site_id: site }), beacon({ site_id: site, path: 'x' }), 42]);
    const sentAfter = await api.postEvent(beacon({ site_id: site, path: '/after' }));
    const stats = await waitFor(() => api.get('stats', { site_id: site }), (r) => r.body?.total_events >= 1, PIPELINE_TIMEOUT_MS);

    // Assess: only the single event sent afterwards was counted.
    expectError(response, 400, 'invalid_event');
    expect(response.body.error.details.map((d: { field: string }) => d.field)).toEqual(['[1].path', '[2]']);
    expect(sentAfter.status).toBe(202);
    expect(stats.body).toMatchObject({ total_events: 1, top_paths: [{ path: '/after', views: 1 }] });
  });

  it.each([
    ['a single object', beacon(), 'must be a JSON array of events'],
    ['an empty array', [], 'must hold at least one event'],
    ['101 events', Array.from({ length: 101 }, () => beacon()), 'must hold at most 100 events'],
  ])('answers 400 invalid_event for %s', async (_name, body, message) => {
    const response = await postBatch(body);
    expectError(response, 400, 'invalid_event');
    expect(response.body.error.details).toEqual([{ field: '(body)', message }]);
  });

  it('answers 413 payload_too_large over 256 KB', async () => {
    expectError(await postBatch([beacon({ padding: 'x'.repeat(257 * 1024) })]), 413, 'payload_too_large');
  });
});

describe('POST /event and POST /events back-dating events (imports)', () => {
  const DAY_MS = 86_400_000;
  const oldDay = new Date(Date.now() - 20 * DAY_MS).toISOString().slice(0, 10);
  const oldEvent = (site: string, eventId: string) => beacon({ site_id: site, event_id: eventId, user_id: eventId, timestamp: `${oldDay}T12:00:00.000Z` });
  const withKey = (key: string) => ({ authorization: `Bearer ${key}` });

  it('answers 400 invalid_event naming the timestamp of an event over 7 days old sent without a key, and of each such event of a batch', async () => {
    // Act
    const single = await api.postEvent(oldEvent(`e2e-old-${run}`, 'no-key'));
    const batch = await api.post('events', JSON.stringify([beacon({ site_id: `e2e-old-${run}` }), oldEvent(`e2e-old-${run}`, 'no-key-2')]));

    // Assess
    expectError(single, 400, 'invalid_event');
    expect(single.body.error.details).toEqual([{ field: 'timestamp', message: expect.stringMatching(/^must not be more than 7 days old without a key; /) }]);
    expectError(batch, 400, 'invalid_event');
    expect(batch.body.error.details.map((d: { field: string }) => d.field)).toEqual(['[1].timestamp']);
  });

  it('takes them with the admin key (202)', async () => {
    const response = await api.postEvent(oldEvent(`e2e-old-admin-${run}`, 'admin-1'), 'application/json', withKey(adminKey));
    expect(response.status).toBe(202);
  });

  it('answers 401 unauthorized for a key that is not valid', async () => {
    const response = await api.postEvent(oldEvent(`e2e-old-${run}`, 'bad-key'), 'application/json', withKey('bak_not-a-key-of-this-deployment'));
    expectError(response, 401, 'unauthorized');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  describe.runIf(keysTarget)('with site keys from npm run keys', () => {
    it('takes them with a key of their site and counts them on their own day; answers 403 forbidden with a key of another site', async () => {
      // Prepare
      const site = `e2e-import-${run}`;
      const key = keysCli(keysTarget!, 'create', '--site', site).key as string;
      const otherKey = keysCli(keysTarget!, 'create', '--site', `${site}-other`).key as string;

      // Act
      const imported = await api.post('events', JSON.stringify([oldEvent(site, 'import-1'), oldEvent(site, 'import-2')]), 'application/json', withKey(key));
      const ofOtherSite = await api.postEvent(oldEvent(site, 'import-3'), 'application/json', withKey(otherKey));
      const stats = await waitFor(() => api.get('stats', { site_id: site, date: oldDay }), (r) => r.body?.total_events >= 2, PIPELINE_TIMEOUT_MS);
      const today = await api.get('stats', { site_id: site, date: new Date().toISOString().slice(0, 10) });

      // Assess
      expect(imported.status).toBe(202);
      expectError(ofOtherSite, 403, 'forbidden');
      expect(stats.body).toMatchObject({ date: oldDay, total_events: 2, total_views: 2, unique_users: 2, events_by_type: { page_view: 2 } });
      expect(today.body.total_events).toBe(0);
    });
  });
});
