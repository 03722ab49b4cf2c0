// Properties of event validation and path normalisation, over generated input (fast-check).
// A failing property prints its seed and the shrunk counterexample; rerun it with
// fc.assert(..., { seed, path }) to reproduce. Property bodies are blocks: expect() returns an
// Assertion, and fast-check reads any returned value but true or undefined as a failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptBatch, acceptBeacon, MAX_PATH_LENGTH, normalizePath, type TrackedEvent } from '../../functions/domain/event.ts';
import type { ParseResult } from '../../functions/domain/parse-result.ts';
import { parseQueuedEvents, toQueueMessage, toQueueMessages } from '../../functions/domain/queue-codec.ts';
import { isWellFormedText } from '../../functions/domain/text.ts';
import { MAX_VALUE_LENGTH } from '../../functions/domain/visit.ts';
import { beaconArbitraries, pathArb } from '../support/arbitraries.ts';

const NOW = new Date('2026-03-15T12:00:00Z');
const RUNS = { numRuns: 500 };
const fixedId = () => 'generated-id';

const { validBeaconArb, trickyBeaconArb, nearBeaconArb, jsonishArb } = beaconArbitraries(NOW);

/** Every text of an accepted event that is counted or stored: well formed and within its limit. */
function expectKeptTextWellFormed(event: TrackedEvent): void {
  const texts: Array<[string, number]> = [
    [event.path, MAX_PATH_LENGTH],
    [event.user_id, 128],
    [event.event_type, 64],
    ...(event.visit
      ? ([
          [event.visit.entry_page, MAX_PATH_LENGTH],
          [event.visit.source, MAX_VALUE_LENGTH],
          [event.visit.utm_medium, MAX_VALUE_LENGTH],
          [event.visit.utm_campaign, MAX_VALUE_LENGTH],
        ] as Array<[string, number]>)
      : []),
  ];
  for (const [text, max] of texts) {
    expect(isWellFormedText(text), JSON.stringify(text)).toBe(true);
    // Characters as the schemas count them: code points.
    expect(text.length).toBeGreaterThan(0);
    expect([...text].length).toBeLessThanOrEqual(max);
  }
}

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

describe('what ingestion accepts, for beacons of tricky text (unpaired surrogates, control characters, escapes, long encodings)', () => {
  it('is accepted again, unchanged, when the processor re-reads it from its queue message', () => {
    fc.assert(
      fc.property(trickyBeaconArb, (beacon) => {
        const accepted = acceptBeacon(beacon, NOW, fixedId);
        if (!accepted.ok) return;
        expect(parseQueuedEvents(toQueueMessage(accepted.value))).toEqual({ ok: true, value: [accepted.value] });
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps only well-formed text, each within its limit', () => {
    fc.assert(
      fc.property(trickyBeaconArb, (beacon) => {
        const accepted = acceptBeacon(beacon, NOW, fixedId);
        if (accepted.ok) expectKeptTextWellFormed(accepted.value);
      }),
      { numRuns: 2000 },
    );
  });

  it('is accepted again as a whole batch, packed into queue messages as ingestion packs them', () => {
    fc.assert(
      fc.property(fc.array(trickyBeaconArb, { minLength: 1, maxLength: 8 }), (beacons) => {
        const accepted = acceptBatch(beacons, NOW, fixedId);
        if (!accepted.ok) return;
        const reread = toQueueMessages(accepted.value, 262_144).flatMap((body) => {
          const parsed = parseQueuedEvents(body);
          if (!parsed.ok) throw new Error(`refused on re-reading: ${JSON.stringify(parsed.issues)}`);
          return parsed.value;
        });
        expect(reread).toEqual(accepted.value);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a beacon only with issues that name its fields', () => {
    fc.assert(fc.property(trickyBeaconArb, (beacon) => {
      expect(isWellFormed(acceptBeacon(beacon, NOW, fixedId))).toBe(true);
    }), RUNS);
  });

  it('accepts many of them, and refuses many (the generator reaches both sides)', () => {
    const results = fc.sample(trickyBeaconArb, { numRuns: 1000, seed: 7 }).map((beacon) => acceptBeacon(beacon, NOW, fixedId));
    const accepted = results.filter((r) => r.ok) as Array<{ ok: true; value: TrackedEvent }>;
    expect(accepted.length).toBeGreaterThan(100);
    expect(results.length - accepted.length).toBeGreaterThan(100);
    expect(accepted.filter((r) => r.value.visit).length).toBeGreaterThan(50);
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
