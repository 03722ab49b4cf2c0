import { describe, expect, it } from 'vitest';
import { acceptBeacon } from '../../functions/domain/event.ts';
import { decodeQueued, parseQueuedEvents, toQueueMessage } from '../../functions/domain/queue-codec.ts';
import { DIRECT, NONE, sourceOf, visitMarks } from '../../functions/domain/visit.ts';
import { beacon } from '../support/factories.ts';

const now = new Date('2025-11-12T20:00:00Z');
const entry = (url: string) => new URL(url);

describe('sourceOf', () => {
  it('takes utm_source of the entry URL before the referrer', () => {
    expect(sourceOf(entry('https://shop.example/?utm_source=newsletter'), 'https://www.google.com/')).toBe('newsletter');
  });

  it('takes the referrer host without a leading www.', () => {
    expect(sourceOf(entry('https://shop.example/'), 'https://www.google.com/search?q=x')).toBe('google.com');
    expect(sourceOf(entry('https://shop.example/'), 'https://news.ycombinator.com/item?id=1')).toBe('news.ycombinator.com');
  });

  it('does not count a referrer on the entry page own host (with or without www.) as a source', () => {
    expect(sourceOf(entry('https://shop.example/pricing'), 'https://shop.example/')).toBe(DIRECT);
    expect(sourceOf(entry('https://www.shop.example/pricing'), 'https://shop.example/')).toBe(DIRECT);
    expect(sourceOf(entry('https://shop.example/pricing'), 'https://blog.shop.example/')).toBe('blog.shop.example');
  });

  it('is (direct) without a referrer, or with one that is not an http(s) URL', () => {
    expect(sourceOf(entry('https://shop.example/'), undefined)).toBe(DIRECT);
    expect(sourceOf(entry('https://shop.example/'), '')).toBe(DIRECT);
    expect(sourceOf(entry('https://shop.example/'), 'android-app://com.slack/')).toBe(DIRECT);
    expect(sourceOf(entry('https://shop.example/'), 'not a url')).toBe(DIRECT);
  });

  it('is (direct) for a referrer whose host is www. alone (nothing left to name a source)', () => {
    expect(sourceOf(entry('https://shop.example/'), 'http://www./')).toBe(DIRECT);
    expect(sourceOf(entry('https://shop.example/'), 'http://www.?.example/')).toBe(DIRECT);
  });

  it('ignores a blank utm_source', () => {
    expect(sourceOf(entry('https://shop.example/?utm_source=%20'), 'https://duckduckgo.com/')).toBe('duckduckgo.com');
  });
});

describe('visitMarks', () => {
  it('reads entry page, utm_medium and utm_campaign from the entry URL', () => {
    const marks = visitMarks({ page: 1, gap_ms: 0, entry: 'https://shop.example/landing?utm_source=x&utm_medium=email&utm_campaign=Spring%20Sale#top' });
    expect(marks).toEqual({ page: 1, gap_ms: 0, entry_page: '/landing', source: 'x', utm_medium: 'email', utm_campaign: 'Spring Sale' });
  });

  it('answers (none) for absent UTM parameters and takes a path for an entry', () => {
    const marks = visitMarks({ page: 2, gap_ms: 5000, entry: '/docs?x=1', referrer: 'https://www.bing.com/' });
    expect(marks).toEqual({ page: 2, gap_ms: 5000, entry_page: '/docs', source: 'bing.com', utm_medium: NONE, utm_campaign: NONE });
  });

  it('cuts long values to 100 characters', () => {
    const marks = visitMarks({ page: 1, gap_ms: 0, entry: `/?utm_campaign=${'c'.repeat(500)}` });
    expect(marks?.utm_campaign).toHaveLength(100);
  });

  it('cuts to 100 code points, never between the halves of a surrogate pair', () => {
    const campaign = `${'c'.repeat(99)}\u{1F600}tail`;
    const marks = visitMarks({ page: 1, gap_ms: 0, entry: `/?utm_campaign=${encodeURIComponent(campaign)}&utm_source=${'%F0%9F%98%80'.repeat(101)}` });
    expect(marks?.utm_campaign).toBe(`${'c'.repeat(99)}\u{1F600}`);
    expect(marks?.source).toBe('\u{1F600}'.repeat(100));
  });

  it('cuts a long referrer host to 100 characters', () => {
    const host = `${'a'.repeat(60)}.${'b'.repeat(60)}.example`;
    expect(visitMarks({ page: 1, gap_ms: 0, entry: '/', referrer: `https://${host}/` })?.source).toBe(host.slice(0, 100));
  });

  it.each([
    ['%0A, %00 and %7F', 'spring%0Asale%00%7F', 'spring sale'],
    ['C1 controls, escaped and raw', 'a%C2%85b\u0085c', 'a b c'],
    ['a value of control characters only', '%01%02', undefined],
    ['a tab and a newline as sent (the URL parser drops them)', 'sp\tri\nng', 'spring'],
  ])('decodes UTM values and makes each run of control characters a space: %s', (_name, value, expected) => {
    const marks = visitMarks({ page: 1, gap_ms: 0, entry: `https://shop.example/?utm_campaign=${value}&utm_medium=${value}&utm_source=${value}` });
    expect(marks).toMatchObject({ utm_campaign: expected ?? NONE, utm_medium: expected ?? NONE, source: expected ?? DIRECT });
  });

  it('decodes an escaped unpaired surrogate (invalid UTF-8) as U+FFFD, never as a surrogate', () => {
    const marks = visitMarks({ page: 1, gap_ms: 0, entry: '/?utm_campaign=x%ED%A0%80y' });
    expect(marks?.utm_campaign).toBe('x\uFFFD\uFFFD\uFFFDy');
    expect(marks?.utm_campaign.isWellFormed()).toBe(true);
  });

  it('keeps the entry page percent-encoded, as location.pathname has it: control characters and unpaired surrogates become escapes', () => {
    const marks = visitMarks({ page: 1, gap_ms: 0, entry: 'https://shop.example/a\u0001b\u007Fc\u0085d\uD800e\u{1F600}' });
    expect(marks?.entry_page).toBe('/a%01b%7Fc%C2%85d%EF%BF%BDe%F0%9F%98%80');
  });

  it('keeps only the host of a referrer; one whose host is not well formed counts as none', () => {
    expect(visitMarks({ page: 1, gap_ms: 0, entry: '/', referrer: 'https://news.example/\u0000\uD800?q=\u0085' })?.source).toBe('news.example');
    expect(visitMarks({ page: 1, gap_ms: 0, entry: '/', referrer: 'https://ne\u0085ws.example/' })?.source).toBe(DIRECT);
    expect(visitMarks({ page: 1, gap_ms: 0, entry: '/', referrer: 'https://ne\uD800ws.example/' })?.source).toBe(DIRECT);
  });
});

describe('beacons with a visit', () => {
  const visit = { page: 1, gap_ms: 0, entry: 'https://shop.example/?utm_source=ads&utm_medium=cpc', referrer: 'https://www.google.com/' };

  it('carry the visit attributes, never the URL or referrer, through the queue', () => {
    const accepted = acceptBeacon(beacon({ visit, timestamp: now.toISOString() }), now, () => 'id-1');
    expect(accepted.ok).toBe(true);
    if (!accepted.ok) return;
    const message = toQueueMessage(accepted.value);
    expect(message).not.toContain('google');
    expect(message).not.toContain('https://');
    const queued = parseQueuedEvents(message);
    expect(queued.ok && queued.value[0]!.visit).toEqual({ page: 1, gap_ms: 0, entry_page: '/', source: 'ads', utm_medium: 'cpc', utm_campaign: NONE });
  });

  it('refuse a visit with fields out of range, naming them', () => {
    const result = acceptBeacon(beacon({ visit: { page: -1, gap_ms: 1_800_001, entry: 'ftp://x' }, timestamp: now.toISOString() }), now, () => 'id');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.field).sort()).toEqual(['visit.gap_ms', 'visit.page']);
  });

  it('refuse an entry whose path is longer than 2,048 characters once percent-encoded, though the entry itself is not', () => {
    const entry = `https://shop.example/${'\u00e9'.repeat(400)}`;
    const result = acceptBeacon(beacon({ visit: { page: 1, gap_ms: 0, entry }, timestamp: now.toISOString() }), now, () => 'id');
    expect(entry.length).toBeLessThan(2048);
    expect(!result.ok && result.issues).toEqual([{ field: 'visit.entry', message: 'must have a path of at most 2,048 characters once percent-encoded' }]);
  });

  it('accept an entry whose path is 2,048 characters once percent-encoded, and the processor reads it back', () => {
    const entry = `/${'%C3%A9'.repeat(341)}x`;
    const result = acceptBeacon(beacon({ visit: { page: 1, gap_ms: 0, entry }, timestamp: now.toISOString() }), now, () => 'id');
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.value.visit?.entry_page).toHaveLength(2048);
    expect(parseQueuedEvents(toQueueMessage(result.value))).toEqual({ ok: true, value: [result.value] });
  });

  it('refuse an entry that is neither an http(s) URL nor a path', () => {
    const result = acceptBeacon(beacon({ visit: { page: 1, gap_ms: 0, entry: 'ftp://x/' }, timestamp: now.toISOString() }), now, () => 'id');
    expect(!result.ok && result.issues).toEqual([{ field: 'visit.entry', message: 'must be an absolute http(s) URL or a path starting with "/"' }]);
  });

  it('count queued events from before audiences as an unknown audience', () => {
    const old = JSON.stringify({ ...beacon({ timestamp: now.toISOString() }), event_id: 'e1', received_at: now.toISOString() });
    const queued = parseQueuedEvents(old);
    expect(queued.ok && queued.value[0]).toMatchObject({ device: 'desktop', browser: 'other', os: 'other', country: 'XX' });
  });
});

describe('the queued form of audience and visit', () => {
  const at = now.toISOString();
  const queued = (overrides: Record<string, unknown>, audience?: Parameters<typeof acceptBeacon>[3]) => {
    const accepted = acceptBeacon(beacon({ timestamp: at, ...overrides }), now, () => 'id-q', audience);
    if (!accepted.ok) throw new Error('not accepted');
    return { event: accepted.value, message: toQueueMessage(accepted.value) };
  };

  it('leaves out the unknown audience and a visit tuple’s trailing defaults', () => {
    const { message } = queued({ visit: { page: 3, gap_ms: 1200, entry: '/docs' } });
    const tuple = JSON.parse(message);
    expect(tuple.slice(7)).toEqual(['', [3, 1200, '/docs']]);
    expect(JSON.parse(queued({}).message)).toHaveLength(7);
  });

  it('round-trips every value, defaults in the middle of the tuple included', () => {
    const audience = { device: 'mobile', browser: 'Safari', os: 'iOS', country: 'JP' } as const;
    const { event, message } = queued({ visit: { page: 1, gap_ms: 0, entry: '/?utm_campaign=spring' } }, audience);
    expect(JSON.parse(message).slice(7)).toEqual(['mobile|Safari|iOS|JP', [1, 0, '/', '(direct)', '(none)', 'spring']]);
    const parsed = parseQueuedEvents(message);
    expect(parsed.ok && parsed.value[0]).toEqual({ ...event, received_at: event.received_at });
  });

  it('reads the object form earlier versions queued', () => {
    const { event } = queued({ visit: { page: 2, gap_ms: 10, entry: '/a' } });
    const legacy = { ...decodeQueued(JSON.parse(toQueueMessage(event))) as object };
    const parsed = parseQueuedEvents(JSON.stringify(legacy));
    expect(parsed.ok && parsed.value[0]).toEqual(event);
    expect(parseQueuedEvents(JSON.stringify([legacy, legacy])).ok).toBe(true);
  });

  it('refuses a queued visit tuple that is too short or has a bad value', () => {
    const base = decodeQueued(JSON.parse(queued({}).message)) as Record<string, unknown>;
    expect(parseQueuedEvents(JSON.stringify({ ...base, visit: [1, 0] })).ok).toBe(false);
    expect(parseQueuedEvents(JSON.stringify({ ...base, visit: [1, 0, 'no-slash'] })).ok).toBe(false);
    expect(parseQueuedEvents(JSON.stringify({ ...base, visit: [1, -5, '/'] })).ok).toBe(false);
  });

  it.each([
    ['an entry page with a control character', [1, 0, '/a\u0000']],
    ['a campaign with an unpaired surrogate', [1, 0, '/', 'src', 'med', 'c\uD800']],
    ['a source of over 100 characters', [1, 0, '/', 's'.repeat(101)]],
    ['an entry page of over 2,048 characters', [1, 0, `/${'x'.repeat(2048)}`]],
  ])('refuses a queued visit with %s', (_name, visit) => {
    const base = decodeQueued(JSON.parse(queued({}).message)) as Record<string, unknown>;
    const parsed = parseQueuedEvents(JSON.stringify({ ...base, visit }));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.issues.every((issue) => issue.field.startsWith('visit'))).toBe(true);
  });
});
