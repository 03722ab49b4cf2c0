// Properties of event validation and path normalisation, over generated input (fast-check).
// A failing property prints its seed and the shrunk counterexample; rerun it with
// fc.assert(..., { seed, path }) to reproduce. Property bodies are blocks: expect() returns an
// Assertion, and fast-check reads any returned value but true or undefined as a failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptBatch,
  acceptBeacon,
  normalizePath,
  parseQueuedEvents,
  toQueueMessage,
  type ParseResult,
} from '../../functions/domain/event.ts';
import { beaconArbitraries, pathArb } from '../support/arbitraries.ts';

const NOW = new Date('2026-03-15T12:00:00Z');
const RUNS = { numRuns: 500 };
const fixedId = () => 'generated-id';

const { validBeaconArb, nearBeaconArb, jsonishArb } = beaconArbitraries(NOW);

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
