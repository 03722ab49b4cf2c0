// Properties of event validation and path normalisation, over generated input (fast-check).
// A failing property prints its seed and the shrunk counterexample; rerun it with
// fc.assert(..., { seed, path }) to reproduce. Property bodies are blocks: expect() returns an
// Assertion, and fast-check reads any returned value but true or undefined as a failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptBatch,
  acceptBeacon,
  MAX_AGE_DAYS,
  MAX_FUTURE_MS,
  MAX_PATH_LENGTH,
  normalizePath,
  parseQueuedEvents,
  toQueueMessage,
  type ParseResult,
} from '../../functions/domain/event.ts';

const NOW = new Date('2026-03-15T12:00:00Z');
const DAY_MS = 86_400_000;
const RUNS = { numRuns: 500 };
const fixedId = () => 'generated-id';

/** Paths as clients send them: a leading '/', any characters, with '?' and '#' mixed in often. */
const pathArb = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constantFrom('/', '?', '#', '&', '=', '%20', '..')), { maxLength: 12 })
  .map((parts) => `/${parts.join('')}`)
  .filter((path) => path.length <= MAX_PATH_LENGTH);

const nameArb = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
const eventIdArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const userIdArb = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((id) => id.length <= 128);

/** An instant inside the accepted window, written with 'Z' or an offset, with 0-9 fraction digits. */
const timestampArb = fc
  .record({
    at: fc.integer({ min: NOW.getTime() - (MAX_AGE_DAYS - 1) * DAY_MS, max: NOW.getTime() + MAX_FUTURE_MS - 1000 }),
    offsetMinutes: fc.integer({ min: -12 * 4, max: 14 * 4 }).map((quarters) => quarters * 15),
    fraction: fc.stringMatching(/^(\.[0-9]{1,9})?$/),
  })
  .map(({ at, offsetMinutes, fraction }) => {
    const local = new Date(Math.floor(at / 1000) * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
    if (offsetMinutes === 0) return `${local}${fraction}Z`;
    const abs = Math.abs(offsetMinutes);
    const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    return `${local}${fraction}${offsetMinutes < 0 ? '-' : '+'}${hhmm}`;
  });

/** A beacon that must be accepted. */
const validBeaconArb = fc.record(
  {
    site_id: nameArb,
    event_type: fc.oneof(fc.constant('page_view'), nameArb),
    path: pathArb,
    user_id: userIdArb,
    timestamp: timestampArb,
    event_id: eventIdArb,
  },
  { requiredKeys: ['site_id', 'event_type', 'path', 'user_id', 'timestamp'] },
);

/** A valid beacon with some fields removed or replaced by any JSON value: input near the valid ones. */
const nearBeaconArb = fc
  .tuple(validBeaconArb, fc.dictionary(fc.constantFrom('site_id', 'event_type', 'path', 'user_id', 'timestamp', 'event_id', 'extra'), fc.option(fc.jsonValue(), { nil: undefined })))
  .map(([valid, changes]) => {
    const out: Record<string, unknown> = { ...valid };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) delete out[key];
      else out[key] = value;
    }
    return out;
  });

/** Anything a JSON body can parse to, weighted towards objects that look like beacons. */
const jsonishArb = fc.oneof(fc.jsonValue(), nearBeaconArb, validBeaconArb, fc.anything());

/** A ParseResult is either a value, or a non-empty list of issues that each name a field. */
function isWellFormed<T>(result: ParseResult<T>): boolean {
  if (result.ok) return true;
  return (
    Array.isArray(result.issues) &&
    result.issues.length > 0 &&
    result.issues.every((issue) => typeof issue.field === 'string' && issue.field.length > 0 && typeof issue.message === 'string' && issue.message.length > 0)
  );
}

describe('normalizePath, for any path', () => {
  it('drops the query string and the fragment', () => {
    fc.assert(
      fc.property(pathArb, (path) => {
        const normal = normalizePath(path);
        expect(normal).not.toMatch(/[?#]/);
        expect(path.startsWith(normal)).toBe(true);
      }),
      RUNS,
    );
  });

  it('keeps the leading "/" of a path that has one', () => {
    fc.assert(fc.property(pathArb, (path) => {
      expect(normalizePath(path).startsWith('/')).toBe(true);
    }), RUNS);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(pathArb, fc.string({ unit: 'grapheme' })), (path) => {
        expect(normalizePath(normalizePath(path))).toBe(normalizePath(path));
      }),
      RUNS,
    );
  });

  it('leaves a path without "?" or "#" as it is', () => {
    fc.assert(
      fc.property(pathArb.map((p) => p.replace(/[?#]/g, '')), (path) => {
        expect(normalizePath(path)).toBe(path);
      }),
      RUNS,
    );
  });
});

describe('acceptBeacon, for any JSON-ish input', () => {
  it('returns a value or a list of issues naming fields, and never throws', () => {
    fc.assert(fc.property(jsonishArb, (input) => {
      expect(isWellFormed(acceptBeacon(input, NOW, fixedId))).toBe(true);
    }), RUNS);
  });

  it('accepts every valid beacon, with its path normalised and its UTC day', () => {
    fc.assert(
      fc.property(validBeaconArb, (beacon) => {
        const result = acceptBeacon(beacon, NOW, fixedId);
        if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.issues)}`);
        const event = result.value;
        expect(event.path).toBe(normalizePath(beacon.path));
        expect(event.timestamp).toBe(new Date(beacon.timestamp).toISOString());
        expect(event.day).toBe(event.timestamp.slice(0, 10));
        expect(event.event_id).toBe(beacon.event_id ?? 'generated-id');
      }),
      RUNS,
    );
  });

  it('accepts a normalised event again, unchanged (normalising is idempotent)', () => {
    fc.assert(
      fc.property(validBeaconArb, (beacon) => {
        const first = acceptBeacon(beacon, NOW, fixedId);
        if (!first.ok) throw new Error(`refused: ${JSON.stringify(first.issues)}`);
        expect(acceptBeacon(first.value, NOW, fixedId)).toEqual(first);
      }),
      RUNS,
    );
  });

  it('gives an event that the processor reads back from its queue message as it was', () => {
    fc.assert(
      fc.property(validBeaconArb, (beacon) => {
        const accepted = acceptBeacon(beacon, NOW, fixedId);
        if (!accepted.ok) throw new Error(`refused: ${JSON.stringify(accepted.issues)}`);
        expect(parseQueuedEvents(toQueueMessage(accepted.value))).toEqual({ ok: true, value: [accepted.value] });
      }),
      RUNS,
    );
  });
});

describe('acceptBatch and parseQueuedEvents, for any input', () => {
  it('acceptBatch returns values or issues named by index, and never throws', () => {
    fc.assert(
      fc.property(fc.oneof(jsonishArb, fc.array(jsonishArb, { maxLength: 8 })), (input) => {
        const result = acceptBatch(input, NOW, fixedId);
        expect(isWellFormed(result)).toBe(true);
        if (Array.isArray(input) && input.length > 0 && !result.ok) {
          for (const issue of result.issues) expect(issue.field).toMatch(/^\[\d+\]/);
        }
      }),
      RUNS,
    );
  });

  it('acceptBatch accepts a batch of valid beacons whole, in order', () => {
    fc.assert(
      fc.property(fc.array(validBeaconArb, { minLength: 1, maxLength: 10 }), (beacons) => {
        const result = acceptBatch(beacons, NOW, fixedId);
        if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.issues)}`);
        expect(result.value.map((e) => e.site_id)).toEqual(beacons.map((b) => b.site_id));
      }),
      { numRuns: 200 },
    );
  });

  it('parseQueuedEvents returns values or issues for any message body, and never throws', () => {
    const bodyArb = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.json(),
      jsonishArb.map((value) => JSON.stringify(value) ?? 'undefined'),
      fc.array(nearBeaconArb.map((b) => ({ ...b, received_at: NOW.toISOString() })), { maxLength: 4 }).map((v) => JSON.stringify(v)),
    );
    fc.assert(fc.property(bodyArb, (body) => {
      expect(isWellFormed(parseQueuedEvents(body))).toBe(true);
    }), RUNS);
  });
});
