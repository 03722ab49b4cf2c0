/**
 * The HyperLogLog registers of the unique-user sketch (sketch.ts): where a 64-bit user hash
 * lands and what rank it leaves there, the estimate from a histogram of register values, and the
 * six-bit packing of a dense shard's registers in storage.
 *
 * Precision 14: 16,384 registers, 1,024 in each of the 16 shards. The top 14 bits of a hash pick
 * its register (the top 4 of them its shard); the rank stored in a register is the number of
 * leading zeros of the remaining 50 bits plus one (1..51, 0 = empty).
 *
 * This module is pure (no AWS dependencies).
 */

export const PRECISION = 14;
export const REGISTER_COUNT = 16384;
export const REGISTERS_PER_SHARD = 1024;
/** Bytes of a dense shard in storage: six bits per register. */
export const PACKED_BYTES = (REGISTERS_PER_SHARD * 6) / 8;

/** Number of hash bits left after the register index (q in Ertl's paper). */
const Q = 64 - PRECISION;
/** Largest possible register value: q + 1. */
export const MAX_RANK = Q + 1;
const LOW32 = 0xffffffffn;

/** Register position inside its shard (0..1023) and rank (1..51) of a hash, using numbers. */
export function registerOf(h: bigint): { local: number; rank: number } {
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
export function fillRegisters(registers: Uint8Array, hashes: readonly bigint[]): void {
  for (const h of hashes) {
    const hi = Number(h >> 32n);
    const local = (hi >>> 18) & (REGISTERS_PER_SHARD - 1);
    const rank = rankOf(hi, Number(h & LOW32));
    if (rank > registers[local]!) registers[local] = rank;
  }
}

/**
 * Ertl's improved raw estimator ("New cardinality estimation algorithms for HyperLogLog
 * sketches", 2017, algorithm 6) from the register histogram c[0..q+1].
 */
export function ertlEstimate(c: Float64Array): number {
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

export function checkRegisters(registers: Uint8Array): void {
  if (registers.length !== REGISTERS_PER_SHARD) {
    throw new RangeError(`sketch registers must be ${REGISTERS_PER_SHARD} bytes, got ${registers.length}`);
  }
  for (let i = 0; i < REGISTERS_PER_SHARD; i++) {
    if (registers[i]! > MAX_RANK) throw new RangeError(`sketch register value ${registers[i]} exceeds ${MAX_RANK}`);
  }
}

/** Packs registers (values 0..63) six bits each, four registers to three bytes. */
export function packRegisters(registers: Uint8Array): Uint8Array {
  const packed = new Uint8Array(PACKED_BYTES);
  for (let i = 0, j = 0; i < REGISTERS_PER_SHARD; i += 4, j += 3) {
    const word = (registers[i]! << 18) | (registers[i + 1]! << 12) | (registers[i + 2]! << 6) | registers[i + 3]!;
    packed[j] = word >>> 16;
    packed[j + 1] = (word >>> 8) & 0xff;
    packed[j + 2] = word & 0xff;
  }
  return packed;
}

export function unpackRegisters(packed: Uint8Array): Uint8Array {
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
