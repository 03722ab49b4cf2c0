import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Key } from '../../domain/table-schema.ts';
import { WeightedLru } from '../../commons/weighted-lru.ts';
import { batchGetAll } from '../dynamodb/batch-get.ts';

/**
 * What a processor knows of items it writes under conditions (counter items and their budgets,
 * heavy-hitter summaries), kept across invocations: an item is read, strongly consistent and
 * together with the other items not in memory, the first time an instance needs it; the
 * instance's own commits keep it current (`remember`), and a failed condition (another
 * processor wrote it) drops it, so it is read again (`forget`).
 */
export class WrittenItems<Ref extends { key: Key }, State> {
  readonly #cache: WeightedLru<string, State>;

  /**
   * `stateOf` turns an item as read (undefined: none) into what is kept of it (it may write the
   * item first, through `doc`); `weigh` gives its approximate bytes in memory, of which the cache
   * keeps at most `maxBytes`.
   */
  constructor(
    maxBytes: number,
    private readonly stateOf: (
      ref: Ref,
      item: Record<string, unknown> | undefined,
      doc: DynamoDBDocumentClient,
      table: string,
    ) => State | Promise<State>,
    private readonly weigh: (state: State) => number,
  ) {
    this.#cache = new WeightedLru(maxBytes);
  }

  /** The states of `refs`, from memory or read at once (one BatchGetItem per 100 not in memory). */
  async read(doc: DynamoDBDocumentClient, table: string, refs: readonly Ref[]): Promise<State[]> {
    const states = refs.map((ref) => this.#cache.get(cacheKey(table, ref.key)));
    const missing = refs.filter((_, i) => states[i] === undefined);
    if (missing.length === 0) return states as State[];
    const items = await batchGetAll(doc, table, missing.map((ref) => ref.key), { consistentRead: true });
    const found = new Map(items.map((item) => [`${item.pk}\n${item.sk}`, item]));
    const read = new Map<Ref, State>();
    await Promise.all(
      missing.map(async (ref) => {
        const state = await this.stateOf(ref, found.get(`${ref.key.pk}\n${ref.key.sk}`), doc, table);
        read.set(ref, state);
        this.remember(table, ref.key, state);
      }),
    );
    return refs.map((ref, i) => states[i] ?? read.get(ref)!);
  }

  /** Records an item's state after a write of this instance. */
  remember(table: string, key: Key, state: State): void {
    this.#cache.set(cacheKey(table, key), state, this.weigh(state));
  }

  /** Drops what is known of an item: it is read again before its next write. */
  forget(table: string, key: Key): void {
    this.#cache.delete(cacheKey(table, key));
  }
}

const cacheKey = (table: string, key: Key): string => `${table}\n${key.pk}\n${key.sk}`;
