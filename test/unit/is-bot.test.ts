import { afterEach, describe, expect, it, vi } from 'vitest';
import { botMatch, botPattern, HTTP_LIBRARY_PATTERNS, HTTP_LIBRARY_USER_AGENTS, recordDropped } from '../../functions/ingest/is-bot.ts';
import { trackedEvent } from '../support/factories.ts';
import { captureOutput } from '../support/output.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('botMatch', () => {
  it.each([
    ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
    [
      'bingbot',
      'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36',
    ],
    ['AhrefsBot', 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)'],
    ['a link previewer', 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)'],
    [
      'HeadlessChrome',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36',
    ],
    ['Bingbot-like link previewer (Slack)', 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)'],
    ['GPTBot', 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)'],
    ['an uptime monitor (UptimeRobot)', 'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)'],
    ['an uptime monitor (Pingdom)', 'Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)'],
    ['Lighthouse', 'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse'],
    ['LinkedIn previews (over Apache HttpClient)', 'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)'],
    ['Wget (a site mirroring tool)', 'Wget/1.21.4'],
    ['Screaming Frog', 'Screaming Frog SEO Spider/19.0'],
  ])('recognises %s', (_name, userAgent) => {
    // Act & Assess
    expect(botMatch(userAgent)).toEqual(expect.any(String));
  });

  it.each([
    ['Chrome on Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'],
    ['Chrome on Android', 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36'],
    ['Firefox on Linux', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'],
    [
      'Safari on macOS',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
    ],
    [
      'Safari on iPhone',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    ],
  ])('lets %s through', (_name, userAgent) => {
    // Act & Assess
    expect(botMatch(userAgent)).toBeUndefined();
  });

  it.each([
    ['curl', 'curl/8.5.0'],
    ["Node's fetch", 'node'],
    ['undici', 'undici'],
    ['axios', 'axios/1.7.2'],
    ['python-requests', 'python-requests/2.31.0'],
    ['python-httpx', 'python-httpx/0.27.0'],
    ['Go', 'Go-http-client/2.0'],
    ['OkHttp', 'okhttp/4.12.0'],
    ["Java's HttpClient", 'Java-http-client/21.0.1'],
    ['Apache HttpClient', 'Apache-HttpClient/4.5.13 (Java/11.0.20)'],
    ['Guzzle', 'GuzzleHttp/7'],
  ])('counts events posted by the HTTP library %s', (_name, userAgent) => {
    // Act & Assess: other versions than those the list was trimmed with
    expect(botMatch(userAgent)).toBeUndefined();
  });

  it('trims the maintained list only by what the HTTP libraries match: every one was a bot to isbot', async () => {
    // Prepare
    const { isbot } = await import('isbot');

    // Act & Assess
    for (const userAgent of HTTP_LIBRARY_USER_AGENTS) {
      expect(isbot(userAgent), userAgent).toBe(true);
      expect(botMatch(userAgent), userAgent).toBeUndefined();
    }
  });

  it('is the list without every pattern isbotPatterns gives for one of the HTTP libraries', async () => {
    // Prepare
    const { isbotPatterns, list } = await import('isbot');
    const libraryPatterns = new Set(HTTP_LIBRARY_USER_AGENTS.flatMap((userAgent) => isbotPatterns(userAgent)));

    // Act & Assess
    expect(libraryPatterns.size).toBeGreaterThan(0);
    expect(new Set(HTTP_LIBRARY_PATTERNS)).toEqual(libraryPatterns);
    expect(botPattern.source).toBe(new RegExp(list.filter((pattern) => !libraryPatterns.has(pattern)).join('|'), 'i').source);
    expect(botPattern.flags).toBe('i');
  });

  it.each([undefined, ''])('does not count a missing User-Agent (%j) as a bot', (userAgent) => {
    // Act & Assess
    expect(botMatch(userAgent)).toBeUndefined();
  });
});

describe('recordDropped', () => {
  it('logs one JSON line per event with the reason and what triggered the drop, and counts them under that reason', () => {
    // Prepare
    const output = captureOutput();
    const events = [
      trackedEvent({ site_id: 'site-1', event_type: 'signup', event_id: 'evt-bot-1' }),
      trackedEvent({ site_id: 'site-1', event_type: 'page_view', event_id: 'evt-bot-2' }),
    ];

    // Act
    recordDropped(events, 'bot', { bot: 'Googlebot' });
    output.restore();

    // Assess
    expect(output.logs()).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'event dropped', reason: 'bot', site_id: 'site-1', event_type: 'signup', event_id: 'evt-bot-1', bot: 'Googlebot' }),
      expect.objectContaining({ level: 'INFO', message: 'event dropped', event_id: 'evt-bot-2' }),
    ]);
    expect(output.metrics()).toEqual([
      expect.objectContaining({ dimensions: { service: expect.any(String), reason: 'bot' }, metrics: [{ name: 'EventsDropped', unit: 'Count', values: [2] }] }),
    ]);
  });
});
