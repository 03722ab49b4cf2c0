import { describe, expect, it } from 'vitest';
import { acceptBeacon, parseQueuedEvents, toQueueMessage } from '../../functions/domain/event.ts';
import { decodeQueued } from '../../functions/domain/queue-codec.ts';
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
});
