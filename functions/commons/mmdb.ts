/**
 * A reader of MaxMind DB files (https://maxmind.github.io/MaxMind-DB/) that reads only the bytes a
 * lookup needs, through a {@link ByteSource}: the search tree's nodes on the path to an address
 * and the record at its end, never the whole file. It answers as `mmdb-lib`'s Reader does (the
 * same tree walk, the same address parsing, the same decoding of records), without holding the
 * database in memory at open.
 */

/** Random access to a database's bytes. */
export interface ByteSource {
  readonly size: number;
  /** The byte at `offset`. */
  byteAt(offset: number): number;
}

/** Finds the record of an address; `null` when the database has none (or the address does not parse). */
export type MmdbLookup = (ip: string) => unknown;

const METADATA_MARKER = [0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com')];
/** The metadata is in the last 128 KiB of the file (the format's bound). */
const METADATA_MAX = 128 * 1024;
const DATA_SEPARATOR = 16;
const POINTER_BASES = [0, 2048, 526336, 0];

/** Decodes the value at `offset` of the data section that starts at `base`; returns it and the offset after it. */
function decode(source: ByteSource, base: number, offset: number): [unknown, number] {
  const control = source.byteAt(offset++);
  let type = control >> 5;
  if (type === 1) {
    const size = (control >> 3) & 3;
    let packed = size === 3 ? 0 : control & 7;
    for (let i = 0; i <= size; i++) packed = packed * 256 + source.byteAt(offset++);
    return [decode(source, base, base + POINTER_BASES[size]! + packed)[0], offset];
  }
  if (type === 0) {
    type = 7 + source.byteAt(offset++);
    if (type < 8) throw new Error(`invalid extended type at offset ${offset}`);
  }
  let size = control & 0x1f;
  if (size >= 29) {
    const extra = size - 28;
    let value = 0;
    for (let i = 0; i < extra; i++) value = value * 256 + source.byteAt(offset++);
    size = [29, 285, 65821][extra - 1]! + value;
  }
  const bytes = (): Buffer => Buffer.from(Array.from({ length: size }, (_, i) => source.byteAt(offset + i)));
  switch (type) {
    case 2:
      return [bytes().toString('utf8'), offset + size];
    case 3:
      return [bytes().readDoubleBE(0), offset + size];
    case 4:
      return [bytes(), offset + size];
    case 5:
    case 6:
    case 9:
    case 10:
      return [bytes().reduce((value, byte) => value * 256 + byte, 0), offset + size];
    case 8:
      return [size === 0 ? 0 : bytes().readIntBE(0, size), offset + size];
    case 7:
    case 11: {
      const entries: unknown[] = [];
      for (let i = 0; i < size * (type === 7 ? 2 : 1); i++) {
        const [value, next] = decode(source, base, offset);
        entries.push(value);
        offset = next;
      }
      if (type === 11) return [entries, offset];
      const map: Record<string, unknown> = {};
      for (let i = 0; i < entries.length; i += 2) map[String(entries[i])] = entries[i + 1];
      return [map, offset];
    }
    case 14:
      return [size !== 0, offset];
    case 15:
      return [bytes().readFloatBE(0), offset + size];
  }
  throw new Error(`unknown type ${type} at offset ${offset}`);
}

/** The metadata map at the end of the database. Throws if there is none. */
function readMetadata(source: ByteSource): Record<string, unknown> {
  const low = Math.max(0, source.size - METADATA_MAX);
  for (let start = source.size - METADATA_MARKER.length; start >= low; start--) {
    if (METADATA_MARKER.every((byte, i) => source.byteAt(start + i) === byte)) {
      const base = start + METADATA_MARKER.length;
      const [metadata] = decode(source, base, base);
      if (metadata && typeof metadata === 'object') return metadata as Record<string, unknown>;
      break;
    }
  }
  throw new Error('Cannot parse binary database');
}

/** The 4 (IPv4) or 16 (IPv6) bytes of an address, parsed as `mmdb-lib` parses them. */
export function addressBytes(ip: string): number[] {
  if (!ip.includes(':')) return ip.split('.', 4).map((part) => parseInt(part, 10));
  const bytes = new Array<number>(16).fill(0);
  const hex = (part: string) => parseInt(part, 10).toString(16).padStart(2, '0');
  const text = ip.includes('.') ? ip.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)/, (_, a, b, c, d) => `${hex(a)}${hex(b)}:${hex(c)}${hex(d)}`) : ip;
  const [left, right] = text.split('::', 2);
  const place = (groups: string[], at: number) =>
    groups.forEach((group, i) => {
      const chunk = parseInt(group, 16);
      bytes[at + i * 2] = chunk >> 8;
      bytes[at + i * 2 + 1] = chunk & 0xff;
    });
  if (left) place(left.split(':'), 0);
  if (right) {
    const groups = right.split(':');
    place(groups, 16 - groups.length * 2);
  }
  return bytes;
}

/** Opens a MaxMind DB: reads its metadata (at the end of the file) and returns its lookup. Throws if it is not one. */
export function openMmdb(source: ByteSource): MmdbLookup {
  const metadata = readMetadata(source);
  const nodeCount = Number(metadata.node_count);
  const recordSize = Number(metadata.record_size);
  if (![24, 28, 32].includes(recordSize)) throw new Error('Unsupported record size');
  const nodeBytes = recordSize / 4;
  const dataBase = nodeCount * nodeBytes + DATA_SEPARATOR;
  const uint = (offset: number, length: number) => {
    let value = 0;
    for (let i = 0; i < length; i++) value = value * 256 + source.byteAt(offset + i);
    return value;
  };
  const child = (node: number, bit: number): number => {
    const offset = node * nodeBytes;
    if (recordSize === 28) {
      const middle = source.byteAt(offset + 3);
      return bit ? (middle & 0x0f) * 2 ** 24 + uint(offset + 4, 3) : (middle >> 4) * 2 ** 24 + uint(offset, 3);
    }
    const half = recordSize / 8;
    return uint(offset + bit * half, half);
  };
  let ipv4Start = 0;
  if (Number(metadata.ip_version) !== 4) for (let i = 0; i < 96 && ipv4Start < nodeCount; i++) ipv4Start = child(ipv4Start, 0);

  const records = new Map<number, unknown>();
  return (ip) => {
    const address = addressBytes(ip);
    let node = address.length === 4 ? ipv4Start : 0;
    for (let depth = 0; depth < address.length * 8 && node < nodeCount; depth++) node = child(node, (address[depth >> 3]! >>> (7 ^ (depth & 7))) & 1);
    if (node <= nodeCount) return null;
    if (!records.has(node)) records.set(node, decode(source, dataBase, node - nodeCount + dataBase - DATA_SEPARATOR)[0]);
    return records.get(node);
  };
}
