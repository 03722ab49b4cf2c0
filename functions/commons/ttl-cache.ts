import { WeightedLru } from './weighted-lru.ts';

export interface TtlCacheOptions<V> {
  /** Values held at most; the least recently used go first. */
  maxEntries: number;
  /** How long a value is trusted after it was read, in ms, by value (Infinity: while the instance lives). */
  ttlMs: number | ((value: V) => number);
  /** The clock, in epoch ms (tests set their own). */
  now?: () => number;
}

/**
 * Values by key kept per function instance, across invocations, each trusted for a time after it
 * was read (by value: a site found unregistered can be trusted for less than a registered one),
 * at most `maxEntries` of them (a WeightedLru of entries of weight 1). A value may be `undefined`
 * (a site without a registration): `readThrough` answers it under its key all the same.
 */
export class TtlCache<K, V> {
  readonly #entries: WeightedLru<K, { value: V; until: number }>;
  readonly #ttlOf: (value: V) => number;
  readonly #now: () => number;

  constructor({ maxEntries, ttlMs, now = Date.now }: TtlCacheOptions<V>) {
    this.#entries = new WeightedLru(maxEntries);
    this.#ttlOf = typeof ttlMs === 'number' ? () => ttlMs : ttlMs;
    this.#now = now;
  }

  /** The value of `key` if one is held and still trusted, else undefined. */
  get(key: K, at = this.#now()): V | undefined {
    const entry = this.#entries.get(key);
    return entry && at < entry.until ? entry.value : undefined;
  }

  /** Holds `value` for `key`, trusted from `at` (now: when it was read) for its time to live. */
  set(key: K, value: V, at = this.#now()): void {
    this.#entries.set(key, { value, until: at + this.#ttlOf(value) }, 1);
  }

  /**
   * The values of `keys`: those still trusted from memory, the others read together by one call
   * of `readMany` (which answers them in the order asked) and held. A failed read throws, unless
   * `onError` takes the error: the values held are then answered however old, and the keys never
   * read are left out.
   */
  async readThrough(
    keys: Iterable<K>,
    readMany: (keys: K[]) => Promise<V[]>,
    { onError }: { onError?: (error: unknown) => void } = {},
  ): Promise<Map<K, V>> {
    const wanted = [...new Set(keys)];
    const at = this.#now();
    const stale = wanted.filter((key) => !this.#isFresh(key, at));
    if (stale.length > 0) {
      try {
        const values = await readMany(stale);
        stale.forEach((key, i) => this.set(key, values[i] as V, at));
      } catch (error) {
        if (!onError) throw error;
        onError(error);
      }
    }
    const values = new Map<K, V>();
    for (const key of wanted) {
      const entry = this.#entries.get(key);
      if (entry) values.set(key, entry.value);
    }
    return values;
  }

  #isFresh(key: K, at: number): boolean {
    const entry = this.#entries.get(key);
    return entry !== undefined && at < entry.until;
  }
}
