import { hash } from 'node:crypto';

/**
 * The values of a day's dimension that came after its counters' budget filled (counted under
 * `(other)`, see counter-budget.ts) are followed by a Space-Saving summary (Metwally et al.):
 * HEAVY_CAPACITY entries of (value hash, views, error, visits). Every value's estimate is at
 * least its true count and at most HEAVY_CAPACITY-th of the overflowed views above it, so with
 * 500 entries a listed value is within 0.2% of the day's views of the truth; a value with at
 * least HEAVY_SHARE of the day's views is always among the entries. The summary keeps hashes;
 * the processor stores a value's name beside it (one small item) once its estimate reaches
 * HEAVY_SHARE of the summary's views, which it must before it can reach that share of the day's.
 */

/**
 * A summary item's attributes (the key aside): the entries packed (`e`), the views and visits
 * added (`n`, `nv`), and the version (`ver`), one more than the version it replaces.
 */
export const summaryAttributes = ({ entries, views, visits, named }: HeavySummary, version: number | undefined): Record<string, unknown> => ({
  e: encodeEntries(entries),
  n: views,
  nv: visits,
  nm: encodeHashes(named),
  ver: (version ?? 0) + 1,
});

/** The summary a summary item holds, and its version (none for no item). */
export function summaryOf(item: Record<string, unknown> | undefined): { summary: HeavySummary; version: number | undefined } {
  if (!item) return { summary: emptySummary(), version: undefined };
  const entries = item.e instanceof Uint8Array ? decodeEntries(item.e) : [];
  const named = item.nm instanceof Uint8Array ? decodeHashes(item.nm) : [];
  return { summary: { entries, views: Number(item.n ?? 0), visits: Number(item.nv ?? 0), named }, version: Number(item.ver ?? 0) };
}

/** Entries of a summary: its estimates are within 1/500 = 0.2% of the overflowed views. */
export const HEAVY_CAPACITY = 500;
/** A value past the budget is listed by name once it holds this share of the day's (dimension's) views. */
export const HEAVY_SHARE = 0.01;
/** ... and at least this many views (so a small day does not store names for single views). */
export const MIN_HEAVY_VIEWS = 10;

export interface HeavyEntry {
  /** The value's hash (48 bits; see valueHash). */
  hash: number;
  /** Estimated views: at least the true count, at most `error` above it. */
  views: number;
  error: number;
  /** Estimated visits (at least the true count). */
  visits: number;
}

export interface HeavySummary {
  entries: HeavyEntry[];
  /** Views (and visits) added to the summary: the dimension's overflowed views. */
  views: number;
  visits: number;
  /** Hashes of the values whose names are stored beside the summary (at most MAX_NAMED, each once). */
  named: number[];
}

/** Names a summary may have stored beside it in a day (what bounds the items a flood of heavy values can add). */
export const MAX_NAMED = 500;

export const emptySummary = (): HeavySummary => ({ entries: [], views: 0, visits: 0, named: [] });

/** A value's 48-bit hash: distinct values of a day collide with negligible probability. */
export const valueHash = (value: string): number => hash('sha256', value, 'buffer').readUIntBE(0, 6);

const ENTRY_BYTES = 6 + 4 + 4 + 4;

const encodeHashes = (hashes: readonly number[]): Uint8Array => {
  const bytes = Buffer.alloc(hashes.length * 6);
  hashes.forEach((h, i) => bytes.writeUIntBE(h, i * 6, 6));
  return bytes;
};

const decodeHashes = (bytes: Uint8Array): number[] => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: Math.floor(buffer.length / 6) }, (_, i) => buffer.readUIntBE(i * 6, 6));
};

/** The entries packed into bytes (6-byte hash, then views, error and visits as 32-bit integers). */
export function encodeEntries(entries: readonly HeavyEntry[]): Uint8Array {
  const bytes = Buffer.alloc(entries.length * ENTRY_BYTES);
  entries.forEach(({ hash: h, views, error, visits }, i) => {
    const at = i * ENTRY_BYTES;
    bytes.writeUIntBE(h, at, 6);
    bytes.writeUInt32BE(Math.min(views, 0xffffffff), at + 6);
    bytes.writeUInt32BE(Math.min(error, 0xffffffff), at + 10);
    bytes.writeUInt32BE(Math.min(visits, 0xffffffff), at + 14);
  });
  return bytes;
}

export function decodeEntries(bytes: Uint8Array): HeavyEntry[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: HeavyEntry[] = [];
  for (let at = 0; at + ENTRY_BYTES <= buffer.length; at += ENTRY_BYTES) {
    entries.push({
      hash: buffer.readUIntBE(at, 6),
      views: buffer.readUInt32BE(at + 6),
      error: buffer.readUInt32BE(at + 10),
      visits: buffer.readUInt32BE(at + 14),
    });
  }
  return entries;
}

/** What a unit adds to a summary: one overflowed value's views and visits. */
export interface HeavyUpdate {
  hash: number;
  views: number;
  visits: number;
}

/**
 * Adds a unit's overflowed values to a summary (weighted Space-Saving): a value already followed
 * adds to its entry; a new one takes a free entry, or replaces the entry with the fewest views,
 * starting from that entry's counts (its views become the new entry's error). Largest updates
 * first, so the same updates always give the same summary.
 */
export function addToSummary(summary: HeavySummary, updates: readonly HeavyUpdate[]): HeavySummary {
  const entries = summary.entries.map((entry) => ({ ...entry }));
  const byHash = new Map(entries.map((entry) => [entry.hash, entry]));
  let views = summary.views;
  let visits = summary.visits;
  const ordered = [...updates].sort((a, b) => b.views - a.views || b.visits - a.visits || a.hash - b.hash);
  for (const update of ordered) {
    views += update.views;
    visits += update.visits;
    const entry = byHash.get(update.hash);
    if (entry) {
      entry.views += update.views;
      entry.visits += update.visits;
      continue;
    }
    if (entries.length < HEAVY_CAPACITY) {
      const added = { hash: update.hash, views: update.views, error: 0, visits: update.visits };
      entries.push(added);
      byHash.set(added.hash, added);
      continue;
    }
    let min = entries[0]!;
    for (const candidate of entries) if (candidate.views < min.views || (candidate.views === min.views && candidate.hash < min.hash)) min = candidate;
    byHash.delete(min.hash);
    min.error = min.views;
    min.hash = update.hash;
    min.views += update.views;
    min.visits += update.visits;
    byHash.set(min.hash, min);
  }
  return { entries, views, visits, named: summary.named };
}

/** Whether an entry may be listed against `total` views (the day's, or the summary's own). */
export const isHeavy = (entry: HeavyEntry, total: number): boolean => entry.views >= MIN_HEAVY_VIEWS && entry.views >= HEAVY_SHARE * total;

/** The entries whose names a processor stores: those heavy against the summary's own views. */
export const entriesToName = (summary: HeavySummary): HeavyEntry[] => summary.entries.filter((entry) => isHeavy(entry, summary.views));

/** The heavy entries whose names are stored (what a reader may list). */
export const namedEntries = (summary: HeavySummary): HeavyEntry[] => {
  const named = new Set(summary.named);
  return entriesToName(summary).filter((entry) => named.has(entry.hash));
};

/**
 * The names to store for a summary's heavy entries among `candidates` (the values a unit brings,
 * by hash): those not stored yet, while fewer than MAX_NAMED are; with the summary recording them.
 */
export function nameHeavy(summary: HeavySummary, candidates: ReadonlyMap<number, string>): { summary: HeavySummary; names: Array<[hash: number, name: string]> } {
  const named = new Set(summary.named);
  const names: Array<[number, string]> = [];
  for (const entry of entriesToName(summary)) {
    const name = candidates.get(entry.hash);
    if (name === undefined || named.has(entry.hash) || named.size >= MAX_NAMED) continue;
    named.add(entry.hash);
    names.push([entry.hash, name]);
  }
  return { summary: names.length ? { ...summary, named: [...named] } : summary, names };
}
