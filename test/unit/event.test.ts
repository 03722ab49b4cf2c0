import { describe, expect, it } from 'vitest';
import {
  acceptBatch,
  acceptBeacon,
  MAX_BATCH_EVENTS,
  normalizePath,
  oldestReceipt,
  utcDay,
  type TrackedEvent,
} from '../../functions/domain/event.ts';
import { parseQueuedEvents, toQueueMessage, toQueueMessages } from '../../functions/domain/queue-codec.ts';
import { beacon, trackedEvent } from '../support/factories.ts';

const now = new Date('2025-11-12T20:00:00Z');
const fixedId = () => 'generated-id';

describe('normalizePath', () => {
  it.each([
    ['/pricing?ref=x', '/pricing'],
    ['/pricing#plans', '/pricing'],
    ['/a/b?x=1#y', '/a/b'],
    ['/#/route?x', '/'],
    ['/plain', '/plain'],
  ])('turns %s into %s', (input, expected) => {
    expect(normalizePath(input)).toBe(expected);
  });
});

describe('utcDay', () => {
  it('uses the UTC date, not the offset given', () => {
    expect(utcDay(new Date('2025-11-12T23:30:00-05:00'))).toBe('2025-11-13');
    expect(utcDay(new Date('2025-11-13T00:30:00+02:00'))).toBe('2025-11-12');
  });
});

describe('acceptBeacon', () => {
  it('accepts the documented example and normalises it', () => {
    const result = acceptBeacon(beacon({ path: '/pricing?ref=x', timestamp: '2025-11-12T19:30:01Z' }), now, fixedId);
    expect(result).toEqual({
      ok: true,
      value: {
        site_id: 'site-abc-123',
        event_type: 'page_view',
        path: '/pricing',
        user_id: 'user-xyz-789',
        timestamp: '2025-11-12T19:30:01.000Z',
        day: '2025-11-12',
        event_id: 'generated-id',
        received_at: '2025-11-12T20:00:00.000Z',
        device: 'desktop',
        browser: 'other',
        os: 'other',
        country: 'XX',
      },
    });
  });

  it('keeps a client event_id and ignores unknown fields', () => {
    const result = acceptBeacon(beacon({ event_id: 'retry-key_1', extra: 'x', timestamp: now.toISOString() }), now, fixedId);
    expect(result.ok && result.value.event_id).toBe('retry-key_1');
    expect(result.ok && 'extra' in result.value).toBe(false);
  });

  it('accepts a timestamp with an offset and files it under the UTC day', () => {
    const result = acceptBeacon(beacon({ timestamp: '2025-11-12T21:30:00+02:00' }), now, fixedId);
    expect(result.ok && result.value.day).toBe('2025-11-12');
    expect(result.ok && result.value.timestamp).toBe('2025-11-12T19:30:00.000Z');
  });

  it.each([
    ['site_id', { site_id: '' }],
    ['site_id', { site_id: 'has space' }],
    ['site_id', { site_id: 'x'.repeat(65) }],
    ['event_type', { event_type: 'a/b' }],
    ['path', { path: 'pricing' }],
    ['path', { path: '/' + 'x'.repeat(2048) }],
    ['user_id', { user_id: '' }],
    ['user_id', { user_id: 'u'.repeat(129) }],
    ['timestamp', { timestamp: '2025-11-12 19:30:01' }],
    ['timestamp', { timestamp: '2025-11-12T19:30:01' }],
    ['timestamp', { timestamp: '2025-11-12T20:10:01Z' }],
    ['timestamp', { timestamp: '2024-10-07T19:59:59Z' }],
    ['event_id', { event_id: 'bad id!' }],
    ['site_id', { site_id: 42 }],
    ['event_type', { event_type: 'page_view\u0000' }],
    ['path', { path: '/a\uD800b' }],
    ['path', { path: '/a\uDC00' }],
    ['path', { path: '/tab\there' }],
    ['path', { path: '/line\n' }],
    ['path', { path: '/del\u007F' }],
    ['path', { path: '/c1\u0085' }],
    ['user_id', { user_id: 'u\uDBFF' }],
    ['user_id', { user_id: 'u\u009F' }],
  ])('rejects a bad %s (%j) naming the field', (field, overrides) => {
    const result = acceptBeacon(beacon(overrides), now, fixedId);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => i.field)).toEqual([field]);
  });

  it('says why a path with a control character or an unpaired surrogate is refused', () => {
    const result = acceptBeacon(beacon({ path: '/a\uD800', timestamp: now.toISOString() }), now, fixedId);
    expect(!result.ok && result.issues).toEqual([
      { field: 'path', message: 'must not hold control characters (U+0000-U+001F, U+007F-U+009F) or unpaired surrogates' },
    ]);
  });

  it('accepts well-formed text beyond ASCII: surrogate pairs, U+00A0 and up, percent-escapes of anything', () => {
    const path = '/caf\u00e9/\u{1F600}/\u00A0/%ED%A0%80/%00';
    const result = acceptBeacon(beacon({ path, user_id: '\u{1F600}', timestamp: now.toISOString() }), now, fixedId);
    expect(result.ok && [result.value.path, result.value.user_id]).toEqual([path, '\u{1F600}']);
  });

  it('accepts timestamps at the edges of the window', () => {
    expect(acceptBeacon(beacon({ timestamp: '2025-11-12T20:10:00Z' }), now, fixedId).ok).toBe(true);
    expect(acceptBeacon(beacon({ timestamp: '2024-10-08T20:00:00Z' }), now, fixedId).ok).toBe(true);
  });

  it('names every missing field at once', () => {
    const result = acceptBeacon({}, now, fixedId);
    expect(!result.ok && result.issues.map((i) => i.field).sort()).toEqual(['event_type', 'path', 'site_id', 'timestamp', 'user_id']);
  });

  it.each([[[]], [null], ['text'], [7]])('rejects a body that is not an object: %j', (body) => {
    const result = acceptBeacon(body, now, fixedId);
    expect(!result.ok && result.issues[0]?.field).toBe('(body)');
  });
});

describe('parseQueuedEvents', () => {
  const accepted = (overrides: Record<string, unknown> = {}): TrackedEvent => {
    const result = acceptBeacon(beacon({ timestamp: '2025-11-12T19:30:01Z', ...overrides }), now, fixedId);
    if (!result.ok) throw new Error('fixture must be valid');
    return result.value;
  };

  it('round-trips an accepted event through the queue message', () => {
    expect(parseQueuedEvents(toQueueMessage(accepted()))).toEqual({ ok: true, value: [accepted()] });
  });

  it('reads a packed message of several events, in order', () => {
    const events = [accepted({ event_id: 'a' }), accepted({ event_id: 'b', path: '/b' })];
    const [message] = toQueueMessages(events, 1_048_576);
    expect(parseQueuedEvents(message!)).toEqual({ ok: true, value: events });
  });

  it('accepts an import up to 400 days older than its receipt: the 7-day limit without a key is ingestion\'s alone', () => {
    const imported = JSON.stringify({ ...beacon({ timestamp: '2024-10-08T20:00:00Z' }), event_id: 'i1', received_at: now.toISOString() });
    const tooOld = JSON.stringify({ ...beacon({ timestamp: '2024-10-08T19:59:59Z' }), event_id: 'i2', received_at: now.toISOString() });
    expect(parseQueuedEvents(imported).ok).toBe(true);
    expect(!parseQueuedEvents(tooOld).ok && parseQueuedEvents(tooOld)).toMatchObject({ issues: [{ field: 'timestamp', message: 'must not be more than 400 days old' }] });
  });

  it('checks the time window against when the event was received, not now', () => {
    const body = JSON.stringify({ ...beacon({ timestamp: '2020-01-01T00:00:00Z' }), event_id: 'e1', received_at: '2020-01-01T00:01:00Z' });
    expect(parseQueuedEvents(body).ok).toBe(true);
  });

  it('rejects bad JSON, a missing event_id and bad fields', () => {
    expect(parseQueuedEvents('{not json').ok).toBe(false);
    expect(parseQueuedEvents(JSON.stringify({ ...beacon(), received_at: now.toISOString() })).ok).toBe(false);
    expect(parseQueuedEvents(JSON.stringify({ ...beacon({ path: 'x' }), event_id: 'e', received_at: now.toISOString() })).ok).toBe(false);
    expect(parseQueuedEvents('[]').ok).toBe(false);
  });

  it('rejects a packed message as a whole when one of its events is bad, naming it by index', () => {
    const good = accepted();
    const result = parseQueuedEvents(`[${toQueueMessage(good)},${toQueueMessage({ ...good, path: 'no-slash' })}]`);
    expect(result).toEqual({ ok: false, issues: [{ field: '[1].path', message: expect.any(String) }] });
  });
});

describe('acceptBatch', () => {
  const ids = () => {
    let n = 0;
    return () => `id-${++n}`;
  };

  it('accepts an array of beacons, giving an id to each that has none', () => {
    const result = acceptBatch([beacon({ timestamp: now.toISOString() }), beacon({ event_id: 'mine', timestamp: now.toISOString() })], now, ids());
    expect(result.ok && result.value.map((e) => e.event_id)).toEqual(['id-1', 'mine']);
  });

  it('names every bad element by its index, and accepts none', () => {
    const result = acceptBatch(
      [beacon({ timestamp: now.toISOString() }), beacon({ path: 'x', timestamp: now.toISOString() }), 'nope', beacon({ user_id: '', timestamp: now.toISOString() })],
      now,
      ids(),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => i.field)).toEqual(['[1].path', '[2]', '[3].user_id']);
  });

  it.each([
    ['an object', beacon(), 'must be a JSON array of events'],
    ['an empty array', [], 'must hold at least one event'],
    ['over 100 events', Array.from({ length: MAX_BATCH_EVENTS + 1 }, () => beacon({ timestamp: now.toISOString() })), 'must hold at most 100 events'],
  ])('rejects %s', (_name, input, message) => {
    expect(acceptBatch(input, now, ids())).toEqual({ ok: false, issues: [{ field: '(body)', message }] });
  });

  it('takes exactly 100 events', () => {
    const result = acceptBatch(Array.from({ length: MAX_BATCH_EVENTS }, () => beacon({ timestamp: now.toISOString() })), now, ids());
    expect(result.ok && result.value).toHaveLength(MAX_BATCH_EVENTS);
  });
});

describe('toQueueMessages', () => {
  const events = Array.from({ length: 10 }, (_, i) => ({ ...trackedEventLike(i) }));
  function trackedEventLike(i: number): TrackedEvent {
    const result = acceptBeacon(beacon({ event_id: `e${i}`, timestamp: '2025-11-12T19:30:01Z' }), now, fixedId);
    if (!result.ok) throw new Error('fixture must be valid');
    return result.value;
  }
  const one = Buffer.byteLength(toQueueMessage(events[0]!));

  it('puts every event into one message when they fit', () => {
    const messages = toQueueMessages(events, 1_048_576);
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0]!)).toHaveLength(10);
  });

  it('keeps a single event a message of its own', () => {
    expect(toQueueMessages(events.slice(0, 1), 1_048_576)).toEqual([toQueueMessage(events[0]!)]);
  });

  it('splits into as few messages as fit, none over the limit, losing nothing', () => {
    // Room for exactly three events per message: three parts, two commas, two brackets.
    const limit = 3 * one + 4;
    const messages = toQueueMessages(events, limit);
    expect(messages.map((m) => Buffer.byteLength(m) <= limit)).toEqual([true, true, true, true]);
    expect(messages.flatMap((m) => { const parsed = parseQueuedEvents(m); return parsed.ok ? parsed.value : []; }).map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
    expect(toQueueMessages(events, limit - 1)).toHaveLength(5);
  });

  it('refuses an event that cannot fit in any message', () => {
    expect(() => toQueueMessages(events, one)).toThrow(RangeError);
  });
});

describe('oldestReceipt', () => {
  it('is the earliest received_at, in epoch milliseconds, whatever the order of the events', () => {
    // Prepare
    const events = ['2025-11-12T19:30:02.500Z', '2025-11-12T19:29:59.999Z', '2025-11-12T19:30:00.000Z'].map((received_at) =>
      trackedEvent({ received_at }),
    );

    // Act & Assess
    expect(oldestReceipt(events)).toBe(Date.parse('2025-11-12T19:29:59.999Z'));
  });

  it('is undefined for no events', () => {
    // Act & Assess
    expect(oldestReceipt([])).toBeUndefined();
  });
});
