/**
 * Unique-user sketch: a HyperLogLog of precision 14 (16,384 registers) stored as 16 shards of
 * 1,024 registers (see docs/architecture.md, "Unique users"). A dense shard is stored with six
 * bits per register (768 bytes), so writing it costs one DynamoDB write unit. Where a hash lands
 * among the registers, the estimate and the packing are in sketch-registers.ts.
 *
 * A user id is hashed to 64 bits (first 8 bytes of SHA-256, big-endian); its top 4 bits pick
 * its shard.
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
import {
  checkRegisters,
  ertlEstimate,
  fillRegisters,
  MAX_RANK,
  packRegisters,
  registerOf,
  REGISTERS_PER_SHARD,
  unpackRegisters,
} from './sketch-registers.ts';

export const SHARD_COUNT = 16;
/** 100 hashes of 8 bytes keep a sparse shard item under 1 KB (one write unit). */
export const SPARSE_LIMIT = 100;

const SHARD_SHIFT = 64n - 4n;
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

