/**
 * Unique-user sketch: a HyperLogLog of precision 14 (16,384 registers) stored as 16 shards of
 * 1,024 registers (see docs/architecture.md, "Unique users"). A dense shard is stored with six
 * bits per register (768 bytes), so writing it costs one DynamoDB write unit.
 *
 * A user id is hashed to 64 bits (first 8 bytes of SHA-256, big-endian). The top 14 bits pick
 * the register, so the top 4 bits pick the shard; the rank stored in a register is the number
 * of leading zeros of the remaining 50 bits plus one (1..51, 0 = empty).
 *
 * A shard starts sparse (the exact sorted set of its hashes) and turns dense (its 1,024 registers)
 * once it holds more than SPARSE_LIMIT distinct hashes. While every shard is sparse the count is
 * exact; otherwise it is Ertl's improved raw HyperLogLog estimate over all registers.
 *
 * States are treated as immutable: no function here mutates its arguments, and a function may
 * return one of its input states unchanged.
 *
 * This module is pure (no AWS dependencies).
 */
import { hash } from 'node:crypto';

export const PRECISION = 14;
export const REGISTER_COUNT = 16384;
export const SHARD_COUNT = 16;
export const REGISTERS_PER_SHARD = 1024;
/** 100 hashes of 8 bytes keep a sparse shard item under 1 KB (one write unit). */
export const SPARSE_LIMIT = 100;
/** Bytes of a dense shard in storage: six bits per register. */
export const PACKED_BYTES = (REGISTERS_PER_SHARD * 6) / 8;

/** Number of hash bits left after the register index (q in Ertl's paper). */
const Q = 64 - PRECISION;
/** Largest possible register value: q + 1. */
const MAX_RANK = Q + 1;
const SHARD_SHIFT = 64n - 4n;
const LOW32 = 0xffffffffn;
const MAX_HASH = (1n << 64n) - 1n;

export type ShardState =
  | { kind: 'sparse'; hashes: bigint[] /* sorted ascending, distinct */ }
  | { kind: 'dense'; registers: Uint8Array /* length 1024, one byte per register */ };

/** 64-bit hash of a user id: the first 8 bytes of sha256(userId), big-endian. */
export function hashUser(userId: string): bigint {
  return hash('sha256', userId, 'buffer').readBigUInt64BE(0);
}

/** Shard (0..15) of a hash: its top 4 bits. */
export function shardOf(hash: bigint): number {
  checkHash(hash);
  return Number(hash >> SHARD_SHIFT);
}

/**
 * Group hashes by shard. Each group is sorted ascending and distinct; only shards that receive
 * at least one hash appear in the map.
 */
export function groupByShard(hashes: Iterable<bigint>): Map<number, bigint[]> {
  const groups = new Map<number, bigint[]>();
  const sorted = sortedDistinct(hashes);
  let current: bigint[] | undefined;
  let currentShard = -1;
  for (const h of sorted) {
    // Sorting by hash sorts by shard too (the shard is the top bits).
    const s = Number(h >> SHARD_SHIFT);
    if (s !== currentShard) {
      currentShard = s;
      current = [];
      groups.set(s, current);
    }
    current!.push(h);
  }
  return groups;
}

/**
 * Merge hashes into a shard (undefined = empty). The result is sparse while the shard's distinct
 * count is <= SPARSE_LIMIT, else dense. `changed` is false when nothing would change, in which
 * case the input state is returned as is (an empty sparse state when it was undefined) and the
 * caller can skip the write. Every hash must belong to `shard`.
 */
export function mergeShard(
  shard: number,
  state: ShardState | undefined,
  hashes: bigint[],
): { state: ShardState; changed: boolean } {
  checkShard(shard);
  for (const h of hashes) checkInShard(shard, h);

  if (state?.kind === 'dense') {
    let registers: Uint8Array | undefined; // copied on the first increase
    for (const h of hashes) {
      const { local, rank } = registerOf(h);
      const target = registers ?? state.registers;
      if (rank > target[local]!) {
        registers ??= state.registers.slice();
        registers[local] = rank;
      }
    }
    return registers
      ? { state: { kind: 'dense', registers }, changed: true }
      : { state, changed: false };
  }

  const existing = state?.hashes ?? [];
  if (hashes.length === 0) {
    return { state: state ?? { kind: 'sparse', hashes: [] }, changed: false };
  }
  const union = sortedDistinct(existing.length === 0 ? hashes : [...existing, ...hashes]);
  if (union.length === existing.length) {
    // The union contains every existing hash, so equal size means nothing new.
    return { state: state ?? { kind: 'sparse', hashes: [] }, changed: false };
  }
  return { state: fromHashes(union), changed: true };
}

/**
 * Max-merge two states of the same shard (e.g. to combine days into a range): the result is
 * sparse if the union of hashes fits, else dense. Undefined when both are undefined.
 */
export function unionShard(
  shard: number,
  a: ShardState | undefined,
  b: ShardState | undefined,
): ShardState | undefined {
  checkShard(shard);
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.kind === 'sparse' && b.kind === 'sparse') {
    return mergeShard(shard, a, b.hashes).state;
  }
  if (a.kind === 'dense' && b.kind === 'dense') {
    const registers = a.registers.slice();
    const other = b.registers;
    for (let i = 0; i < REGISTERS_PER_SHARD; i++) {
      const v = other[i]!;
      if (v > registers[i]!) registers[i] = v;
    }
    return { kind: 'dense', registers };
  }
  const dense = a.kind === 'dense' ? a : (b as Extract<ShardState, { kind: 'dense' }>);
  const sparse = a.kind === 'sparse' ? a : (b as Extract<ShardState, { kind: 'sparse' }>);
  return mergeShard(shard, dense, sparse.hashes).state;
}

/**
 * Max-merge of many states of the same shard at once (e.g. the days of a range), equal to
 * merging them two by two with unionShard, but the sparse ones' hashes are sorted once instead
 * of once per state. Undefined when every state is.
 */
export function unionShards(shard: number, states: Iterable<ShardState | undefined>): ShardState | undefined {
  let dense: ShardState | undefined;
  const hashes: bigint[] = [];
  let sparseStates = 0;
  let only: ShardState | undefined;
  for (const state of states) {
    if (!state) continue;
    only = state;
    if (state.kind === 'dense') dense = unionShard(shard, dense, state);
    else {
      sparseStates++;
      for (const h of state.hashes) hashes.push(h);
    }
  }
  if (sparseStates === 0) return dense;
  if (!dense && sparseStates === 1) return only;
  return mergeShard(shard, dense, hashes).state;
}

/**
 * Max-merge a whole state of the same shard (another scope's) into a shard, as mergeShard merges
 * hashes: `changed` is false when the union is the stored state itself, so the caller can skip the write.
 */
export function mergeShardState(shard: number, state: ShardState | undefined, incoming: ShardState): { state: ShardState; changed: boolean } {
  const union = unionShard(shard, state, incoming)!;
  return { state: union, changed: !sameShard(union, state) };
}

/** Whether two states of a shard are the same (the same hashes, or the same registers). */
function sameShard(a: ShardState, b: ShardState | undefined): boolean {
  if (!b) return false;
  if (a.kind === 'sparse' && b.kind === 'sparse') return a.hashes.length === b.hashes.length && a.hashes.every((h, i) => h === b.hashes[i]);
  if (a.kind === 'dense' && b.kind === 'dense') return a.registers.every((rank, i) => rank === b.registers[i]);
  return false;
}

/**
 * Distinct-user count for a whole sketch given its shards (missing shards are empty). Exact (the
 * number of distinct hashes) when every present shard is sparse; otherwise Ertl's improved raw
 * HyperLogLog estimate over all 16,384 registers, with the registers of sparse shards computed
 * from their hashes. Rounded to an integer.
 */
export function estimate(shards: ReadonlyMap<number, ShardState>): number {
  let exact = 0;
  let allSparse = true;
  for (const [shard, state] of shards) {
    checkShard(shard);
    if (state.kind === 'sparse') exact += state.hashes.length;
    else allSparse = false;
  }
  if (allSparse) return exact;

  // Histogram of register values: histogram[k] = number of registers equal to k.
  const histogram = new Float64Array(MAX_RANK + 1);
  const scratch = new Uint8Array(REGISTERS_PER_SHARD);
  for (let shard = 0; shard < SHARD_COUNT; shard++) {
    const state = shards.get(shard);
    let registers: Uint8Array;
    if (state === undefined) {
      histogram[0]! += REGISTERS_PER_SHARD;
      continue;
    } else if (state.kind === 'dense') {
      registers = state.registers;
    } else {
      scratch.fill(0);
      fillRegisters(scratch, state.hashes);
      registers = scratch;
    }
    for (let i = 0; i < REGISTERS_PER_SHARD; i++) histogram[registers[i]!]! += 1;
  }
  return Math.round(ertlEstimate(histogram));
}

/**
 * Storage encoding (AWS-free): sparse -> { h: [8-byte big-endian values] }, dense ->
 * { r: 768 bytes, the registers packed six bits each }. An empty sparse state encodes to { h: [] }, which DynamoDB cannot store as
 * a set; such a state never comes out of mergeShard with changed=true.
 */
export function encodeShard(state: ShardState): { h: Uint8Array[] } | { r: Uint8Array } {
  if (state.kind === 'dense') {
    checkRegisters(state.registers);
    return { r: packRegisters(state.registers) };
  }
  return {
    h: state.hashes.map((h) => {
      checkHash(h);
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigUint64(0, h, false);
      return bytes;
    }),
  };
}

/**
 * Inverse of encodeShard. `h` may be a Set (as DynamoDB binary sets are read back) or an array,
 * in any order. Returns undefined when the item holds neither registers nor hashes. If an item
 * holds both, the hashes are folded into the registers.
 */
export function decodeShard(item: { h?: Iterable<Uint8Array>; r?: Uint8Array }): ShardState | undefined {
  const hashes: bigint[] = [];
  if (item.h !== undefined) {
    for (const bytes of item.h) {
      if (bytes.length !== 8) throw new RangeError(`sketch hash must be 8 bytes, got ${bytes.length}`);
      hashes.push(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, false));
    }
  }
  if (item.r !== undefined) {
    const registers = unpackRegisters(item.r);
    checkRegisters(registers);
    fillRegisters(registers, hashes);
    return { kind: 'dense', registers };
  }
  if (hashes.length === 0) return undefined;
  const sorted = sortedDistinct(hashes);
  return fromHashes(sorted);
}

// ---------------------------------------------------------------------------------------------

/** Register position inside its shard (0..1023) and rank (1..51) of a hash, using numbers. */
function registerOf(h: bigint): { local: number; rank: number } {
  const hi = Number(h >> 32n);
  const lo = Number(h & LOW32);
  return { local: (hi >>> 18) & (REGISTERS_PER_SHARD - 1), rank: rankOf(hi, lo) };
}

/** Leading zeros of the 50 bits below the 14-bit index, plus one. */
function rankOf(hi: number, lo: number): number {
  const w = hi & 0x3ffff; // the 18 low bits of the high word
  if (w !== 0) return Math.clz32(w) - 13; // clz32 counts the 14 index bits as zeros
  if (lo !== 0) return 19 + Math.clz32(lo);
  return MAX_RANK;
}

/** Max-fold hashes into local registers (in place). */
function fillRegisters(registers: Uint8Array, hashes: readonly bigint[]): void {
  for (const h of hashes) {
    const hi = Number(h >> 32n);
    const local = (hi >>> 18) & (REGISTERS_PER_SHARD - 1);
    const rank = rankOf(hi, Number(h & LOW32));
    if (rank > registers[local]!) registers[local] = rank;
  }
}

/** State for a sorted, distinct set of hashes of one shard. */
function fromHashes(sorted: bigint[]): ShardState {
  if (sorted.length <= SPARSE_LIMIT) return { kind: 'sparse', hashes: sorted };
  const registers = new Uint8Array(REGISTERS_PER_SHARD);
  fillRegisters(registers, sorted);
  return { kind: 'dense', registers };
}

function sortedDistinct(hashes: Iterable<bigint>): bigint[] {
  const values: bigint[] = [];
  for (const h of hashes) {
    checkHash(h);
    values.push(h);
  }
  const sorted = BigUint64Array.from(values).sort(); // numeric sort, much faster than a comparator
  const out: bigint[] = [];
  let previous = -1n;
  for (const h of sorted) {
    if (h !== previous) out.push(h);
    previous = h;
  }
  return out;
}

/**
 * Ertl's improved raw estimator ("New cardinality estimation algorithms for HyperLogLog
 * sketches", 2017, algorithm 6) from the register histogram c[0..q+1].
 */
function ertlEstimate(c: Float64Array): number {
  const m = REGISTER_COUNT;
  let z = m * tau(1 - c[Q + 1]! / m);
  for (let k = Q; k >= 1; k--) z = 0.5 * (z + c[k]!);
  z += m * sigma(c[0]! / m);
  return (m * m) / (2 * Math.LN2 * z); // alpha_inf = 1 / (2 ln 2)
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z !== previous);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (z !== previous);
  return z / 3;
}

function checkHash(h: bigint): void {
  if (typeof h !== 'bigint' || h < 0n || h > MAX_HASH) {
    throw new RangeError(`sketch hash must be an unsigned 64-bit bigint, got ${String(h)}`);
  }
}

function checkShard(shard: number): void {
  if (!Number.isInteger(shard) || shard < 0 || shard >= SHARD_COUNT) {
    throw new RangeError(`sketch shard must be an integer in [0, ${SHARD_COUNT}), got ${shard}`);
  }
}

function checkInShard(shard: number, h: bigint): void {
  checkHash(h);
  if (Number(h >> SHARD_SHIFT) !== shard) {
    throw new RangeError(`hash ${h} belongs to shard ${Number(h >> SHARD_SHIFT)}, not ${shard}`);
  }
}

function checkRegisters(registers: Uint8Array): void {
  if (registers.length !== REGISTERS_PER_SHARD) {
    throw new RangeError(`sketch registers must be ${REGISTERS_PER_SHARD} bytes, got ${registers.length}`);
  }
  for (let i = 0; i < REGISTERS_PER_SHARD; i++) {
    if (registers[i]! > MAX_RANK) throw new RangeError(`sketch register value ${registers[i]} exceeds ${MAX_RANK}`);
  }
}

/** Packs registers (values 0..63) six bits each, four registers to three bytes. */
function packRegisters(registers: Uint8Array): Uint8Array {
  const packed = new Uint8Array(PACKED_BYTES);
  for (let i = 0, j = 0; i < REGISTERS_PER_SHARD; i += 4, j += 3) {
    const word = (registers[i]! << 18) | (registers[i + 1]! << 12) | (registers[i + 2]! << 6) | registers[i + 3]!;
    packed[j] = word >>> 16;
    packed[j + 1] = (word >>> 8) & 0xff;
    packed[j + 2] = word & 0xff;
  }
  return packed;
}

function unpackRegisters(packed: Uint8Array): Uint8Array {
  if (packed.length !== PACKED_BYTES) {
    throw new RangeError(`stored sketch registers must be ${PACKED_BYTES} bytes, got ${packed.length}`);
  }
  const registers = new Uint8Array(REGISTERS_PER_SHARD);
  for (let i = 0, j = 0; i < REGISTERS_PER_SHARD; i += 4, j += 3) {
    const word = (packed[j]! << 16) | (packed[j + 1]! << 8) | packed[j + 2]!;
    registers[i] = word >>> 18;
    registers[i + 1] = (word >>> 12) & 0x3f;
    registers[i + 2] = (word >>> 6) & 0x3f;
    registers[i + 3] = word & 0x3f;
  }
  return registers;
}

