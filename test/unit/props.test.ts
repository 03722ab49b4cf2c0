import { describe, expect, it } from 'vitest';
import { eventIncrements, unitDeltas } from '../../functions/domain/counter-units.ts';
import { acceptBatch, acceptBeacon } from '../../functions/domain/event.ts';
import { MAX_PROP_KEY_LENGTH, MAX_PROP_VALUE_LENGTH, MAX_PROPS } from '../../functions/domain/props.ts';
import { parseQueuedEvents, toQueueMessage, toQueueMessages } from '../../functions/domain/queue-codec.ts';
import { beacon } from '../support/factories.ts';

const now = new Date('2025-11-12T20:00:00Z');
const fixedId = () => 'generated-id';
const at = now.toISOString();
const visit = { page: 1, gap_ms: 0, entry: 'https://shop.example/?utm_source=news' };

const accept = (overrides: Record<string, unknown>) => acceptBeacon(beacon({ timestamp: at, ...overrides }), now, fixedId);
const fieldsOf = (result: ReturnType<typeof accept>) => (result.ok ? [] : result.issues.map((issue) => issue.field));
const many = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, `v${i}`]));

describe('custom properties (props)', () => {
  it('are kept as sent: up to 30 keys of up to 300 characters, values of up to 2,000, any well-formed text', () => {
    const props = {
      ...many(MAX_PROPS - 3),
      ['k'.repeat(MAX_PROP_KEY_LENGTH)]: 'v'.repeat(MAX_PROP_VALUE_LENGTH),
      // Lengths count code points: 300 and 2,000 astral characters are 600 and 4,000 UTF-16 units.
      ['😀'.repeat(MAX_PROP_KEY_LENGTH)]: '😀'.repeat(MAX_PROP_VALUE_LENGTH),
      'source button': '',
    };
    const result = accept({ props });
    expect(result.ok && result.value.props).toEqual(props);
  });

  it('keep a key named like a member of every object as a key of its own', () => {
    const props = JSON.parse('{"__proto__": "x", "constructor": "y"}') as Record<string, string>;
    const result = accept({ props });
    if (!result.ok) throw new Error('must be accepted');
    expect(Object.entries(result.value.props!)).toEqual([['__proto__', 'x'], ['constructor', 'y']]);
    expect(parseQueuedEvents(toQueueMessage(result.value))).toEqual({ ok: true, value: [result.value] });
  });

  it('are left out when there are none', () => {
    const result = accept({ props: {} });
    expect(result.ok && 'props' in result.value).toBe(false);
  });

  it.each([
    ['not an object', 'pro', ['props']],
    ['an array', ['pro'], ['props']],
    ['null', null, ['props']],
    ['more than 30', many(MAX_PROPS + 1), ['props']],
    ['a number value', { plan: 'pro', seats: 3 }, ['props.seats']],
    ['a boolean, an object and a null value', { a: true, b: { c: 'd' }, e: null }, ['props.a', 'props.b', 'props.e']],
    ['a value over 2,000 characters', { plan: 'p'.repeat(MAX_PROP_VALUE_LENGTH + 1) }, ['props.plan']],
    ['a value with an unpaired surrogate', { plan: 'pro\uD800' }, ['props.plan']],
    ['a value with a control character', { plan: 'pro\u0000' }, ['props.plan']],
    ['an empty key', { '': 'x' }, ['props']],
    ['a key over 300 characters', { ['k'.repeat(MAX_PROP_KEY_LENGTH + 1)]: 'x' }, ['props']],
    ['a key with an unpaired surrogate', { ['plan\uDC00']: 'x' }, ['props']],
  ])('are refused when %s, naming the field', (_, props, fields) => {
    expect(fieldsOf(accept({ props }))).toEqual(fields);
  });

  it('are refused with the other bad fields of the event, all named', () => {
    expect(fieldsOf(accept({ path: 'no-slash', props: { n: 1 } }))).toEqual(['path', 'props.n']);
  });

  it('name their field by index in a batch, and refuse the whole batch', () => {
    const result = acceptBatch([beacon({ timestamp: at, props: { a: 'b' } }), beacon({ timestamp: at, props: { plan: 7 } })], now, fixedId);
    expect(result).toEqual({ ok: false, issues: [{ field: '[1].props.plan', message: 'must be a string' }] });
  });

  it('travel on the queue and come back the same, with or without a visit', () => {
    for (const overrides of [{ props: { plan: 'pro', 'a|b': 'c;d' } }, { props: { plan: 'pro' }, visit: { ...visit, id: 'visit-1' } }]) {
      const result = accept(overrides);
      if (!result.ok) throw new Error('fixture must be valid');
      expect(parseQueuedEvents(toQueueMessage(result.value))).toEqual({ ok: true, value: [result.value] });
      const [packed] = toQueueMessages([result.value, result.value], 10_000);
      expect(parseQueuedEvents(packed!)).toEqual({ ok: true, value: [result.value, result.value] });
    }
  });

  it('are checked again when read from the queue', () => {
    const result = accept({ props: { plan: 'pro' } });
    if (!result.ok) throw new Error('fixture must be valid');
    const tuple = JSON.parse(toQueueMessage(result.value)) as unknown[];
    tuple[9] = { plan: 1 };
    expect(parseQueuedEvents(JSON.stringify(tuple))).toMatchObject({ ok: false, issues: [{ field: 'props.plan' }] });
  });
});

describe('the visit id', () => {
  it('is kept with the visit when sent, and left out when not', () => {
    const withId = accept({ visit: { ...visit, id: 'Ab3_-x'.repeat(10).slice(0, 64) } });
    expect(withId.ok && withId.value.visit?.id).toBe('Ab3_-x'.repeat(10).slice(0, 64));
    const without = accept({ visit });
    expect(without.ok && without.value.visit && 'id' in without.value.visit).toBe(false);
  });

  it.each([[''], ['x'.repeat(65)], ['has space'], ['dot.ted'], [42]])('is refused as %j, naming visit.id', (id) => {
    expect(fieldsOf(accept({ visit: { ...visit, id } }))).toEqual(['visit.id']);
  });

  it('travels on the queue, with the default visit attributes left out', () => {
    const result = accept({ visit: { page: 2, gap_ms: 5, entry: '/', id: 'v1' } });
    if (!result.ok) throw new Error('fixture must be valid');
    const tuple = JSON.parse(toQueueMessage(result.value)) as unknown[];
    expect(tuple[8]).toEqual([2, 5, '/', '(direct)', '(none)', '(none)', 'v1']);
    expect(parseQueuedEvents(toQueueMessage(result.value))).toEqual({ ok: true, value: [result.value] });
    const plain = accept({ visit: { page: 2, gap_ms: 5, entry: '/' } });
    expect(plain.ok && (JSON.parse(toQueueMessage(plain.value)) as unknown[])[8]).toEqual([2, 5, '/']);
  });
});

describe('the counters', () => {
  it('count an event with properties and a visit id exactly as the same event without them: no attribute, no write unit more', () => {
    const plain = accept({ event_type: 'signup', visit });
    const marked = accept({ event_type: 'signup', visit: { ...visit, id: 'visit-1' }, props: { plan: 'pro', source_button: 'hero' } });
    if (!plain.ok || !marked.ok) throw new Error('fixtures must be valid');
    expect(eventIncrements(marked.value, 16)).toEqual(eventIncrements(plain.value, 16));
    const deltas = (event: typeof plain.value) => [...unitDeltas(event.site_id, [event], 16).items];
    expect(deltas(marked.value)).toEqual(deltas(plain.value));
  });
});
