import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addToSummary,
  decodeEntries,
  emptySummary,
  encodeEntries,
  entriesToName,
  HEAVY_CAPACITY,
  HEAVY_SHARE,
  MAX_NAMED,
  nameHeavy,
  summaryAttributes,
  summaryOf,
  valueHash,
  type HeavySummary,
} from '../../functions/domain/heavy-hitters.ts';
import { inexactRows, listHeavyPaths, markInexact, carryInexact } from '../../functions/domain/overflow-rows.ts';
import { heavyNameKey, heavySummaryKey } from '../../functions/domain/table-schema.ts';

describe('addToSummary (weighted Space-Saving)', () => {
  it('never underestimates a value, overestimates by at most 1/500 of the views added, and keeps every value of 1% or more', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 40 })), { maxLength: 400 }), { maxLength: 8 }), (units) => {
        // Prepare: units of (value, views); value 0..19 are few and large, the rest a long tail.
        const truth = new Map<number, number>();
        let summary: HeavySummary = emptySummary();
        // Act
        for (const unit of units) {
          const merged = new Map<number, number>();
          for (const [value, views] of unit) merged.set(value, (merged.get(value) ?? 0) + views * (value < 20 ? 10 : 1));
          for (const [value, views] of merged) truth.set(value, (truth.get(value) ?? 0) + views);
          summary = addToSummary(summary, [...merged].map(([value, views]) => ({ hash: value, views, visits: 0 })));
        }
        // Assess
        const total = [...truth.values()].reduce((a, b) => a + b, 0);
        expect(summary.views).toBe(total);
        expect(summary.entries.length).toBeLessThanOrEqual(HEAVY_CAPACITY);
        expect(summary.entries.reduce((sum, e) => sum + e.views, 0)).toBe(total);
        for (const entry of summary.entries) {
          const actual = truth.get(entry.hash) ?? 0;
          expect(entry.views).toBeGreaterThanOrEqual(actual);
          expect(entry.views - entry.error).toBeLessThanOrEqual(actual);
          expect(entry.views - actual).toBeLessThanOrEqual(total / HEAVY_CAPACITY);
        }
        for (const [value, views] of truth) if (views >= HEAVY_SHARE * total) expect(summary.entries.some((e) => e.hash === value)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('round-trips its entries through bytes, 18 bytes each', () => {
    const summary = addToSummary(emptySummary(), [
      { hash: valueHash('/a'), views: 5, visits: 2 },
      { hash: valueHash('/b'), views: 70_000, visits: 9 },
    ]);
    const bytes = encodeEntries(summary.entries);
    expect(bytes.byteLength).toBe(36);
    expect(decodeEntries(bytes)).toEqual(summary.entries);
  });

  it('names only entries heavy against the summary’s own views', () => {
    const summary = addToSummary(emptySummary(), [
      { hash: 1, views: 500, visits: 0 },
      { hash: 2, views: 9, visits: 0 },
      ...Array.from({ length: 300 }, (_, i) => ({ hash: 100 + i, views: 1, visits: 0 })),
    ]);
    expect(entriesToName(summary).map((e) => e.hash)).toEqual([1]);
  });
});

describe('nameHeavy', () => {
  it('stores each heavy value’s name once, and at most MAX_NAMED a summary, whatever a flood sends', () => {
    // Prepare: rounds in which 100 new values each hold 1% of the summary (as values that take
    // turns being heavy do over a day), and one value brought again every round.
    let named: number[] = [];
    const stored: number[] = [];
    for (let round = 0; round < 7; round++) {
      const entries = Array.from({ length: 100 }, (_, i) => ({ hash: round === 0 || i > 0 ? round * 1000 + i : 0, views: 100, error: 0, visits: 0 }));
      const candidates = new Map(entries.map((entry) => [entry.hash, `/v/${entry.hash}`] as [number, string]));
      // Act
      const result = nameHeavy({ entries, views: 10_000, visits: 0, named }, candidates);
      named = summaryOf({ ...summaryAttributes(result.summary, round) }).summary.named;
      stored.push(...result.names.map(([hash]) => hash));
    }
    // Assess: value 0 named once; no more than MAX_NAMED names, however many values were heavy.
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored.filter((hash) => hash === 0)).toHaveLength(1);
    expect(stored).toHaveLength(MAX_NAMED);
    expect(new Set(named)).toEqual(new Set(stored));
  });
});

describe('listHeavyPaths', () => {
  it('lists a named heavy hitter out of (other), keeps the sum, and marks the estimates', () => {
    const hash = valueHash('/viral');
    const summary = addToSummary(emptySummary(), [
      { hash, views: 40, visits: 0 },
      { hash: 7, views: 60, visits: 0 },
    ]);
    const items = [
      { ...heavySummaryKey('s', '2025-11-12', 'p'), e: encodeEntries(summary.entries), n: 100 },
      { ...heavyNameKey('s', '2025-11-12', 'p', hash), name: '/viral' },
    ];
    const pathViews = new Map([
      ['/home', 300],
      ['(other)', 100],
    ]);
    listHeavyPaths(items, 'p', pathViews);
    // Value 7 has no name stored, so it stays in (other).
    expect(Object.fromEntries(pathViews)).toEqual({ '/home': 300, '/viral': 40, '(other)': 60 });
    expect([...inexactRows(pathViews)].sort()).toEqual(['(other)', '/viral']);
  });

  it('carries estimates into sums over days', () => {
    const day = new Map([['/viral', 4]]);
    markInexact(day, ['/viral']);
    const sum = new Map<string, number>();
    carryInexact(day, sum);
    expect(inexactRows(sum).has('/viral')).toBe(true);
    expect(inexactRows(new Map()).size).toBe(0);
  });
});
