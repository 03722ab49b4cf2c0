// Properties of merging unique-user sketches (fast-check): the union of two days' sketches must
// not depend on the order, the grouping or repetition of the days, and must equal the sketch of
// the union of their users. Sets range from a few users (every shard sparse, counts exact) to
// thousands (dense shards). A failure prints the seed and the shrunk counterexample.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeShard, encodeShard, estimate, groupByShard, hashUser, mergeShard, unionShard, type ShardState } from '../../functions/domain/sketch.ts';
import { unionSketches } from '../../functions/domain/stats.ts';

type Sketch = Map<number, ShardState>;

const RUNS = { numRuns: 200 };

/** The sketch of a set of users, built the way the processor builds it: in batches, keeping changed shards. */
function sketchOf(users: Iterable<string>, batchSize = 500): Sketch {
  const sketch: Sketch = new Map();
  const hashes = [...users].map(hashUser);
  for (let i = 0; i < hashes.length; i += batchSize) {
    for (const [shard, group] of groupByShard(hashes.slice(i, i + batchSize))) {
      const { state, changed } = mergeShard(shard, sketch.get(shard), group);
      if (changed) sketch.set(shard, state);
    }
  }
  return sketch;
}

/** Two sketches merged shard by shard, pairwise (what a range of two days reads). */
function merge(a: Sketch, b: Sketch): Sketch {
  const out: Sketch = new Map();
  for (const shard of new Set([...a.keys(), ...b.keys()])) out.set(shard, unionShard(shard, a.get(shard), b.get(shard))!);
  return out;
}

/** A sketch in a comparable form: shards in order, sparse as their hashes, dense as their registers. */
const canonical = (sketch: Sketch) =>
  [...sketch]
    .sort(([x], [y]) => x - y)
    .map(([shard, state]) => (state.kind === 'sparse' ? { shard, hashes: state.hashes.map(String) } : { shard, registers: Buffer.from(state.registers).toString('hex') }));

/**
 * A set of user ids: a few arbitrary strings, plus a run of numbered ids from a shared pool, so
 * that two sets overlap often. Up to 4,000 numbered ids: past about 1,600 users most shards hold
 * more than 100 hashes and turn dense.
 */
const usersArb = fc
  .record({
    loose: fc.uniqueArray(fc.string({ unit: 'grapheme', maxLength: 12 }), { maxLength: 30 }),
    pool: fc.constantFrom('p', 'q'),
    start: fc.integer({ min: 0, max: 3000 }),
    count: fc.oneof(fc.integer({ min: 0, max: 150 }), fc.integer({ min: 0, max: 4000 })),
  })
  .map(({ loose, pool, start, count }) => new Set([...loose, ...Array.from({ length: count }, (_, i) => `${pool}-${start + i}`)]));

const sketchArb = usersArb.map((users) => ({ users, sketch: sketchOf(users) }));

describe('merging sketches of arbitrary user sets', () => {
  it('is commutative: merge(a, b) = merge(b, a)', () => {
    fc.assert(
      fc.property(sketchArb, sketchArb, (a, b) => {
        expect(canonical(merge(a.sketch, b.sketch))).toEqual(canonical(merge(b.sketch, a.sketch)));
      }),
      RUNS,
    );
  });

  it('is idempotent: merge(a, a) = a and merge(merge(a, b), b) = merge(a, b)', () => {
    fc.assert(
      fc.property(sketchArb, sketchArb, (a, b) => {
        expect(canonical(merge(a.sketch, a.sketch))).toEqual(canonical(a.sketch));
        const ab = merge(a.sketch, b.sketch);
        expect(canonical(merge(ab, b.sketch))).toEqual(canonical(ab));
      }),
      RUNS,
    );
  });

  it('is associative: merge(merge(a, b), c) = merge(a, merge(b, c))', () => {
    fc.assert(
      fc.property(sketchArb, sketchArb, sketchArb, (a, b, c) => {
        expect(canonical(merge(merge(a.sketch, b.sketch), c.sketch))).toEqual(canonical(merge(a.sketch, merge(b.sketch, c.sketch))));
      }),
      { numRuns: 100 },
    );
  });

  it('equals the sketch of the union of the users', () => {
    fc.assert(
      fc.property(sketchArb, sketchArb, (a, b) => {
        expect(canonical(merge(a.sketch, b.sketch))).toEqual(canonical(sketchOf(new Set([...a.users, ...b.users]))));
      }),
      RUNS,
    );
  });

  it('counts the union exactly while every shard stays sparse', () => {
    fc.assert(
      fc.property(sketchArb, sketchArb, (a, b) => {
        const merged = merge(a.sketch, b.sketch);
        if ([...merged.values()].some((state) => state.kind === 'dense')) return;
        expect(estimate(merged)).toBe(new Set([...a.users, ...b.users]).size);
      }),
      RUNS,
    );
  });

  it('unionSketches over many days equals merging them two by two, in any order', () => {
    fc.assert(
      fc.property(fc.array(sketchArb, { minLength: 1, maxLength: 5 }), (days) => {
        const pairwise = days.map((d) => d.sketch).reduce(merge);
        expect(canonical(unionSketches(days.map((d) => d.sketch)))).toEqual(canonical(pairwise));
        expect(canonical(unionSketches(days.map((d) => d.sketch).reverse()))).toEqual(canonical(pairwise));
      }),
      { numRuns: 100 },
    );
  });

  it('survives storage: every merged shard decodes to itself', () => {
    fc.assert(
      fc.property(sketchArb, sketchArb, (a, b) => {
        for (const [shard, state] of merge(a.sketch, b.sketch)) {
          expect(canonical(new Map([[shard, decodeShard(encodeShard(state))!]]))).toEqual(canonical(new Map([[shard, state]])));
        }
      }),
      RUNS,
    );
  });
});
