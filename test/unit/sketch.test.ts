import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import {
  SHARD_COUNT,
  SPARSE_LIMIT,
  decodeShard,
  encodeShard,
  estimate,
  groupByShard,
  hashUser,
  mergeShard,
  mergeShardState,
  shardOf,
  unionShard,
  unionShards,
  type ShardState,
} from '../../functions/domain/sketch.ts';
import { PRECISION, REGISTER_COUNT, REGISTERS_PER_SHARD, PACKED_BYTES } from '../../functions/domain/sketch-registers.ts';
import { seeded } from '../support/counters.ts';

// ---- helpers ---------------------------------------------------------------------------------

/** mulberry32: small seeded PRNG returning floats in [0, 1). */
const prng = seeded;

function randomId(rand: () => number): string {
  const word = () => Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
  return `u-${word()}${word()}${word()}`;
}

/** n distinct random user ids. */
function randomIds(seed: number, n: number): string[] {
  const rand = prng(seed);
  const ids = new Set<string>();
  while (ids.size < n) ids.add(randomId(rand));
  return [...ids];
}

/** n distinct user ids for large sizes: a random prefix plus a counter (cheap to generate). */
function bulkIds(seed: number, n: number): string[] {
  const prefix = randomId(prng(seed));
  return Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
}

function shuffle<T>(items: T[], rand: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Every id 1-3 times, shuffled. */
function withRepeats(ids: string[], seed: number): string[] {
  const rand = prng(seed);
  const out: string[] = [];
  for (const id of ids) {
    const copies = 1 + Math.floor(rand() * 3);
    for (let c = 0; c < copies; c++) out.push(id);
  }
  return shuffle(out, rand);
}

type Sketch = Map<number, ShardState>;

/** Merge hashes into a sketch the way the processor does: group by shard, merge, keep changed. */
function mergeBatch(sketch: Sketch, hashes: bigint[]): void {
  for (const [shard, group] of groupByShard(hashes)) {
    const { state, changed } = mergeShard(shard, sketch.get(shard), group);
    if (changed) sketch.set(shard, state);
  }
}

function buildSketch(hashes: bigint[], batchSize = 1000): Sketch {
  const sketch: Sketch = new Map();
  for (let i = 0; i < hashes.length; i += batchSize) mergeBatch(sketch, hashes.slice(i, i + batchSize));
  return sketch;
}

function relativeError(estimated: number, actual: number): number {
  return Math.abs(estimated - actual) / actual;
}

function allSparse(sketch: Sketch): boolean {
  return [...sketch.values()].every((s) => s.kind === 'sparse');
}

/** Union of several day sketches, shard by shard. */
function unionSketches(days: Sketch[]): Sketch {
  const out: Sketch = new Map();
  for (let shard = 0; shard < SHARD_COUNT; shard++) {
    let state: ShardState | undefined;
    for (const day of days) state = unionShard(shard, state, day.get(shard));
    if (state) out.set(shard, state);
  }
  return out;
}

/** Registers of one shard computed straight from the definition, with bigint arithmetic. */
function referenceRegisters(shard: number, hashes: bigint[]): Uint8Array {
  const registers = new Uint8Array(REGISTERS_PER_SHARD);
  for (const h of hashes) {
    const index = Number(h >> 50n);
    expect(index >> 10).toBe(shard);
    const rest = h & ((1n << 50n) - 1n);
    let rank = 1;
    for (let bit = 49n; bit >= 0n && (rest & (1n << bit)) === 0n; bit--) rank++;
    const local = index % REGISTERS_PER_SHARD;
    registers[local] = Math.max(registers[local]!, rank);
  }
  return registers;
}

// ---- tests -----------------------------------------------------------------------------------

describe('constants', () => {
  it('describe a precision-14 sketch split into 16 shards of 1,024 registers', () => {
    expect(PRECISION).toBe(14);
    expect(REGISTER_COUNT).toBe(2 ** PRECISION);
    expect(SHARD_COUNT * REGISTERS_PER_SHARD).toBe(REGISTER_COUNT);
    expect(SPARSE_LIMIT).toBe(100);
    // Both stored forms fit one DynamoDB write unit (1 KB) with room for the key.
    expect(SPARSE_LIMIT * 8).toBeLessThanOrEqual(900);
    expect(PACKED_BYTES).toBe(768);
  });
});

describe('hashUser / shardOf', () => {
  it('is the first 8 bytes of sha256, big-endian', () => {
    // sha256('') = e3b0c44298fc1c14...
    expect(hashUser('')).toBe(0xe3b0c44298fc1c14n);
    for (const id of randomIds(7, 50)) {
      const expected = BigInt('0x' + createHash('sha256').update(id).digest('hex').slice(0, 16));
      expect(hashUser(id)).toBe(expected);
    }
  });

  it('shard is the top 4 bits', () => {
    expect(shardOf(0n)).toBe(0);
    expect(shardOf((1n << 64n) - 1n)).toBe(15);
    expect(shardOf(0xe3b0c44298fc1c14n)).toBe(0xe3 >> 4);
    expect(shardOf(1n << 60n)).toBe(1);
    expect(shardOf((1n << 60n) - 1n)).toBe(0);
    expect(() => shardOf(-1n)).toThrow(RangeError);
    expect(() => shardOf(1n << 64n)).toThrow(RangeError);
  });

  it('spreads users over all shards', () => {
    const counts = new Array<number>(SHARD_COUNT).fill(0);
    for (const id of bulkIds(3, 32_000)) counts[shardOf(hashUser(id))]!++;
    for (const c of counts) expect(c).toBeGreaterThan(1_700);
  });
});

describe('groupByShard', () => {
  it('groups distinct hashes by shard, sorted ascending', () => {
    const hashes = withRepeats(randomIds(11, 3000), 12).map(hashUser);
    const groups = groupByShard(hashes);
    const distinct = new Set(hashes);
    let total = 0;
    for (const [shard, group] of groups) {
      expect(group.length).toBeGreaterThan(0);
      for (let i = 0; i < group.length; i++) {
        expect(shardOf(group[i]!)).toBe(shard);
        if (i > 0) expect(group[i]! > group[i - 1]!).toBe(true);
        expect(distinct.has(group[i]!)).toBe(true);
      }
      total += group.length;
    }
    expect(total).toBe(distinct.size);
    expect(groupByShard([]).size).toBe(0);
  });
});

describe('estimate: exact while every shard is sparse', () => {
  const sizes = [0, 1, 2, 3, 10, 64, 100, 250, 500, 750, 1000];
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`counts exactly up to 1,000 users (seed ${seed})`, () => {
      for (const n of sizes) {
        const ids = randomIds(seed * 1000 + n, n);
        // Every id 1-3 times in random order, in uneven batches.
        const stream = withRepeats(ids, seed).map(hashUser);
        const sketch = buildSketch(stream, 37 + seed);
        expect(allSparse(sketch)).toBe(true);
        expect(estimate(sketch)).toBe(n);
      }
    });
  }

  it('stays sparse at 1,000 users for each seed (the largest shard holds <= SPARSE_LIMIT)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const sketch = buildSketch(randomIds(seed * 1000 + 1000, 1000).map(hashUser));
      expect(allSparse(sketch)).toBe(true);
      const largest = Math.max(...[...sketch.values()].map((s) => (s.kind === 'sparse' ? s.hashes.length : Infinity)));
      expect(largest).toBeLessThanOrEqual(SPARSE_LIMIT);
    }
  });

  it('an empty sketch counts 0', () => {
    expect(estimate(new Map())).toBe(0);
  });
});

describe('estimate: HyperLogLog accuracy', () => {
  const cases: Array<[number, number[]]> = [
    [5_000, [1, 2, 3]],
    [20_000, [1, 2, 3]],
    [100_000, [1, 2, 3]],
    [1_000_000, [1]],
  ];
  for (const [n, seeds] of cases) {
    for (const seed of seeds) {
      it(`is within 2% at ${n.toLocaleString('en-US')} users (seed ${seed})`, () => {
        const sketch = buildSketch(bulkIds(seed, n).map(hashUser), 5000);
        expect(sketch.size).toBe(SHARD_COUNT);
        expect(allSparse(sketch)).toBe(false);
        const estimated = estimate(sketch);
        expect(Number.isInteger(estimated)).toBe(true);
        expect(relativeError(estimated, n)).toBeLessThanOrEqual(0.02);
      });
    }
  }

  it('mixed sparse and dense shards are estimated over all registers', () => {
    // ~100 users per shard: some shards dense, some still sparse.
    const n = 1600;
    const sketch = buildSketch(randomIds(21, n).map(hashUser));
    const kinds = new Set([...sketch.values()].map((s) => s.kind));
    expect(kinds).toEqual(new Set(['sparse', 'dense']));
    expect(relativeError(estimate(sketch), n)).toBeLessThanOrEqual(0.02);
  });
});

describe('mergeShard', () => {
  it('turns dense exactly when a shard holds more than SPARSE_LIMIT distinct hashes', () => {
    const hashes = randomIds(31, 4000).map(hashUser);
    const byShard = groupByShard(hashes);
    for (const [shard, group] of byShard) {
      let state: ShardState | undefined;
      for (let i = 0; i < group.length; i++) {
        const result = mergeShard(shard, state, [group[i]!]);
        // Every new hash changes a sparse shard (and the conversion); a dense one only if a register grows.
        if (i <= SPARSE_LIMIT) expect(result.changed).toBe(true);
        else if (!result.changed) expect(result.state).toBe(state);
        state = result.state;
        expect(state.kind).toBe(i + 1 <= SPARSE_LIMIT ? 'sparse' : 'dense');
        if (state.kind === 'sparse') expect(state.hashes).toEqual(group.slice(0, i + 1));
        else if (i === SPARSE_LIMIT || i === group.length - 1) {
          expect(state.registers).toEqual(referenceRegisters(shard, group.slice(0, i + 1)));
        }
      }
    }
  });

  it('dense registers follow the layout: index = top 14 bits, rank = leading zeros of the other 50 + 1', () => {
    const shard = 9;
    const base = BigInt(shard) << 60n;
    // Register 3 of shard 9 (global index 9 * 1024 + 3), with ranks 1, 5, 51 (all 50 low bits zero).
    const index = BigInt(shard * REGISTERS_PER_SHARD + 3) << 50n;
    const hashes = [index | (1n << 49n), index | (1n << 45n), index];
    // Register 1023 with rank 50 (only the last bit set).
    hashes.push(base | (1023n << 50n) | 1n);
    // Fill the shard beyond the sparse limit with hashes of rank 1 in other registers.
    for (let r = 100; r < 100 + SPARSE_LIMIT; r++) hashes.push(base | (BigInt(r) << 50n) | (1n << 49n));
    const { state } = mergeShard(shard, undefined, hashes);
    expect(state.kind).toBe('dense');
    if (state.kind !== 'dense') return;
    expect(state.registers[3]).toBe(51);
    expect(state.registers[1023]).toBe(50);
    expect(state.registers[100]).toBe(1);
    expect(state.registers[0]).toBe(0);
    expect(state.registers).toEqual(referenceRegisters(shard, hashes));
  });

  it('is idempotent: merging the same hashes again changes nothing', () => {
    for (const n of [1, 40, 500, 2000, 20_000]) {
      const hashes = randomIds(41 + n, n).map(hashUser);
      const sketch = buildSketch(hashes, 333);
      const before = new Map([...sketch].map(([k, v]) => [k, structuredClone(v)]));
      for (const [shard, group] of groupByShard(hashes)) {
        const state = sketch.get(shard)!;
        const whole = mergeShard(shard, state, group);
        expect(whole.changed).toBe(false);
        expect(whole.state).toBe(state);
        const subset = mergeShard(shard, state, group.slice(0, Math.ceil(group.length / 3)));
        expect(subset.changed).toBe(false);
        expect(mergeShard(shard, state, []).changed).toBe(false);
      }
      expect(sketch).toEqual(before);
    }
  });

  it('merging nothing into an empty shard reports no change', () => {
    const result = mergeShard(5, undefined, []);
    expect(result.changed).toBe(false);
    expect(result.state).toEqual({ kind: 'sparse', hashes: [] });
  });

  it('is order-independent: different orders and batchings give identical states', () => {
    for (const n of [300, 2000, 30_000]) {
      const seed = 51 + n;
      const ids = randomIds(seed, n);
      const a = buildSketch(withRepeats(ids, seed + 1).map(hashUser), 97);
      const b = buildSketch(withRepeats(shuffle(ids, prng(seed + 2)), seed + 3).map(hashUser), 1500);
      expect(a).toEqual(b);
      expect(estimate(a)).toBe(estimate(b));
    }
  });

  it('does not mutate its input state', () => {
    const hashes = randomIds(61, 4000).map(hashUser);
    const first = buildSketch(hashes.slice(0, 2000));
    const snapshot = new Map([...first].map(([k, v]) => [k, structuredClone(v)]));
    for (const [shard, group] of groupByShard(hashes.slice(2000))) mergeShard(shard, first.get(shard), group);
    expect(first).toEqual(snapshot);
  });

  it('rejects hashes of another shard', () => {
    const h = hashUser('someone');
    const other = (shardOf(h) + 1) % SHARD_COUNT;
    expect(() => mergeShard(other, undefined, [h])).toThrow(RangeError);
    expect(() => mergeShard(SHARD_COUNT, undefined, [])).toThrow(RangeError);
  });

  it('keeps the estimate within 2% through the sparse -> dense transition', () => {
    for (const seed of [71, 72, 73]) {
      const ids = randomIds(seed, 4000);
      const sketch: Sketch = new Map();
      let sawMixed = false;
      let sawAllDense = false;
      for (let i = 0; i < ids.length; i += 20) {
        mergeBatch(sketch, ids.slice(i, i + 20).map(hashUser));
        const n = Math.min(i + 20, ids.length);
        const estimated = estimate(sketch);
        if (allSparse(sketch)) {
          expect(estimated).toBe(n);
        } else {
          expect(relativeError(estimated, n)).toBeLessThanOrEqual(0.02);
          const kinds = [...sketch.values()].map((s) => s.kind);
          if (kinds.includes('sparse')) sawMixed = true;
          else if (sketch.size === SHARD_COUNT) sawAllDense = true;
        }
      }
      expect(sawMixed).toBe(true);
      expect(sawAllDense).toBe(true);
    }
  });
});

describe('mergeShardState', () => {
  it('merges another scope’s state of a shard, and says unchanged when the stored state already holds it', () => {
    // Prepare: one shard's hashes, a sparse day and the dense month holding it and more.
    const [first] = [...groupByShard(randomIds(41, 6000).map(hashUser))].filter(([, g]) => g.length > SPARSE_LIMIT + 10);
    const [shard, group] = first!;
    const day = mergeShard(shard!, undefined, group!.slice(0, 5)).state;
    const month = mergeShard(shard!, undefined, group!).state;

    // Act
    const intoEmpty = mergeShardState(shard!, undefined, day);
    const intoMonth = mergeShardState(shard!, month, day);
    const grown = mergeShardState(shard!, day, month);

    // Assess
    expect(intoEmpty).toEqual({ state: day, changed: true });
    expect(intoMonth.changed).toBe(false);
    expect(intoMonth.state).toEqual(month);
    expect(grown.changed).toBe(true);
    expect(grown.state).toEqual(month);
    expect(mergeShardState(shard!, day, day).changed).toBe(false);
  });
});

describe('encodeShard / decodeShard', () => {
  it('round-trips sparse shards as 8-byte big-endian values', () => {
    const group = [...groupByShard(randomIds(81, 500).map(hashUser)).values()][0]!;
    const state: ShardState = { kind: 'sparse', hashes: group };
    const encoded = encodeShard(state);
    expect('h' in encoded).toBe(true);
    const h = (encoded as { h: Uint8Array[] }).h;
    expect(h).toHaveLength(group.length);
    for (let i = 0; i < h.length; i++) {
      expect(h[i]).toHaveLength(8);
      expect(BigInt('0x' + Buffer.from(h[i]!).toString('hex'))).toBe(group[i]);
    }
    expect(decodeShard(encoded)).toEqual(state);
    // As read back from DynamoDB: a Set, in any order.
    expect(decodeShard({ h: new Set(shuffle(h, prng(82))) })).toEqual(state);
    // Byte views into a larger buffer decode too.
    const packed = new Uint8Array(8 * h.length + 3);
    const views = h.map((bytes, i) => {
      packed.set(bytes, 3 + 8 * i);
      return packed.subarray(3 + 8 * i, 11 + 8 * i);
    });
    expect(decodeShard({ h: views })).toEqual(state);
  });

  it('round-trips dense shards as 768 bytes, six bits per register', () => {
    const sketch = buildSketch(bulkIds(83, 50_000).map(hashUser));
    for (const [shard, state] of sketch) {
      expect(state.kind).toBe('dense');
      const encoded = encodeShard(state);
      expect('r' in encoded).toBe(true);
      expect((encoded as { r: Uint8Array }).r).toHaveLength(PACKED_BYTES);
      const decoded = decodeShard(encoded);
      expect(decoded).toEqual(state);
      // The decoded state keeps working: merging the same users again changes nothing.
      const again = [...groupByShard(bulkIds(83, 50_000).slice(0, 1000).map(hashUser))].find(([s]) => s === shard);
      if (again) expect(mergeShard(shard, decoded, again[1]).changed).toBe(false);
    }
    const decodedSketch = new Map([...sketch].map(([k, v]) => [k, decodeShard(encodeShard(v))!]));
    expect(estimate(decodedSketch)).toBe(estimate(sketch));
  });

  it('decodes an item without data as an empty shard and rejects malformed data', () => {
    expect(decodeShard({})).toBeUndefined();
    expect(decodeShard({ h: [] })).toBeUndefined();
    expect(() => decodeShard({ h: [new Uint8Array(7)] })).toThrow(RangeError);
    expect(() => decodeShard({ r: new Uint8Array(767) })).toThrow(RangeError);
    // 0xff bytes unpack to registers of 63, above the largest rank (51).
    expect(() => decodeShard({ r: new Uint8Array(PACKED_BYTES).fill(0xff) })).toThrow(RangeError);
  });
});

describe('unionShard', () => {
  it('the union of day sketches equals the sketch of the union of users', () => {
    for (const [dayCount, perDay, overlap] of [
      [3, 150, 50], // stays sparse
      [3, 800, 300], // sparse days, mixed union
      [4, 5000, 2000], // dense days
    ] as const) {
      const pool = randomIds(91 + perDay, perDay * dayCount);
      const rand = prng(92 + perDay);
      const days: string[][] = [];
      for (let d = 0; d < dayCount; d++) {
        const own = pool.slice(d * perDay, d * perDay + perDay - overlap);
        const shared = Array.from({ length: overlap }, () => pool[Math.floor(rand() * pool.length)]!);
        days.push([...own, ...shared]);
      }
      const daySketches = days.map((users) => buildSketch(users.map(hashUser), 200));
      const allUsers = new Set(days.flat());
      const expected = buildSketch(shuffle([...allUsers], rand).map(hashUser), 700);
      const union = unionSketches(daySketches);
      expect(union).toEqual(expected);
      expect(estimate(union)).toBe(estimate(expected));
      if (allSparse(expected)) expect(estimate(union)).toBe(allUsers.size);
      else expect(relativeError(estimate(union), allUsers.size)).toBeLessThanOrEqual(0.02);
    }
  });

  it('handles empty sides and does not mutate its inputs', () => {
    const sketch = buildSketch(randomIds(95, 3000).map(hashUser));
    const [shard, state] = [...sketch].find(([, s]) => s.kind === 'dense')!;
    expect(unionShard(shard, undefined, undefined)).toBeUndefined();
    expect(unionShard(shard, state, undefined)).toEqual(state);
    expect(unionShard(shard, undefined, state)).toEqual(state);
    expect(unionShard(shard, state, state)).toEqual(state);
    const snapshot = structuredClone(state);
    const extra = [...groupByShard(bulkIds(96, 3000).map(hashUser))].find(([s]) => s === shard)![1];
    const sparseExtra: ShardState = { kind: 'sparse', hashes: extra.slice(0, 10) };
    const merged = unionShard(shard, sparseExtra, state)!;
    expect(merged).toEqual(mergeShard(shard, state, sparseExtra.hashes).state);
    expect(state).toEqual(snapshot);
  });
});

describe('unionShards', () => {
  it('equals merging the states two by two, for sparse, dense and mixed days', () => {
    for (const [dayCount, perDay] of [
      [30, 25], // a month of small days: sparse states whose union turns dense
      [5, 800], // sparse and dense days
      [3, 5000], // dense days
    ] as const) {
      const days = Array.from({ length: dayCount }, (_, d) => buildSketch(randomIds(300 + d + perDay, perDay * 16).map(hashUser)));
      for (let shard = 0; shard < SHARD_COUNT; shard++) {
        const states = [undefined, ...days.map((day) => day.get(shard)), undefined];
        let pairwise: ShardState | undefined;
        for (const state of states) pairwise = unionShard(shard, pairwise, state);
        expect(unionShards(shard, states)).toEqual(pairwise);
      }
    }
  });

  it('is undefined for no states, and returns a lone state as it is', () => {
    const [shard, state] = [...buildSketch(randomIds(97, 40).map(hashUser))][0]!;
    expect(unionShards(shard, [])).toBeUndefined();
    expect(unionShards(shard, [undefined, undefined])).toBeUndefined();
    expect(unionShards(shard, [undefined, state])).toBe(state);
  });
});
