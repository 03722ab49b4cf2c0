import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventIncrements, type ItemRef, type StoredAs } from '../domain/aggregate.ts';
import {
  afterCommit,
  budgetStateOf,
  isBudgeted,
  overflowAttr,
  roomFor,
  type BudgetedDelta,
  type BudgetState,
  type CounterKind,
} from '../domain/counter-budget.ts';
import type { TrackedEvent } from '../domain/event.ts';
import { pathBucketKey, totalsKey, type Key } from '../domain/keys.ts';
import { WeightedLru } from '../commons/weighted-lru.ts';
import { batchGetAll } from './batch-get.ts';
import { compactLegacyItem } from './counter-compaction.ts';

/**
 * What the processor knows of the counter items it writes (the names each holds, its load; see
 * counter-budget.ts), kept across invocations. An item is read (strongly consistent, in one
 * BatchGetItem with the unit's other unknown items) the first time an instance writes it, and
 * kept up to date with the instance's own commits; another processor's names show up as a
 * failed condition, after which the item is read again (`forgetItem`). An item written before
 * budgets and fuller than its budget is compacted when read (counter-compaction.ts).
 */

/** Approximate bytes the states may hold (the processor has 512 MB). */
const CACHE_BYTES = 64 * 1024 * 1024;

const cache = new WeightedLru<string, BudgetState>(CACHE_BYTES);

const cacheKey = (table: string, key: Key): string => `${table}\n${key.pk}\n${key.sk}`;

const weigh = (state: BudgetState): number => 128 + state.bytes * 2;

/** A counter item to fit to its budget: its key and kind. */
export interface CounterItemRef {
  key: Key;
  kind: CounterKind;
}

/** The budget states of `items`, from memory or read at once (the ones not in memory). */
export async function readBudgetStates(doc: DynamoDBDocumentClient, table: string, items: readonly CounterItemRef[]): Promise<BudgetState[]> {
  const missing = items.filter(({ key }) => cache.get(cacheKey(table, key)) === undefined);
  if (missing.length > 0) {
    const read = await batchGetAll(
      doc,
      table,
      missing.map(({ key }) => key),
      { consistentRead: true },
    );
    const found = new Map(read.map((item) => [`${item.pk}\n${item.sk}`, item]));
    await Promise.all(
      missing.map(async ({ key, kind }) => {
        let item = found.get(`${key.pk}\n${key.sk}`);
        // An item filled before budgets existed is brought within its budget first.
        if (item) item = await compactLegacyItem(doc, table, key, kind, item);
        const state = budgetStateOf(kind, item);
        cache.set(cacheKey(table, key), state, weigh(state));
      }),
    );
  }
  return items.map(({ key, kind }) => cache.get(cacheKey(table, key)) ?? budgetStateOf(kind, undefined));
}

/**
 * How the items `events` add to stand (read as readBudgetStates reads them): the attribute
 * each value will be counted under (see StoredAs). A value counts as new while its item has room
 * for it; an item that cannot be read is taken to have room (the commit reads it again anyway).
 */
export async function storedAsOf(
  doc: DynamoDBDocumentClient,
  table: string,
  events: readonly TrackedEvent[],
  pathBuckets: number,
): Promise<StoredAs> {
  const refs = new Map<string, CounterItemRef>();
  for (const event of events) {
    for (const increment of eventIncrements(event, pathBuckets)) {
      const ref = counterItemRef(event.site_id, increment);
      refs.set(`${ref.key.pk}\n${ref.key.sk}`, ref);
    }
  }
  let states: BudgetState[];
  try {
    states = await readBudgetStates(doc, table, [...refs.values()]);
  } catch {
    return (_siteId, _ref, attr) => attr;
  }
  const stateOf = new Map([...refs.keys()].map((id, i) => [id, { kind: [...refs.values()][i]!.kind, state: states[i]! }]));
  return (siteId, itemRef, attr) => {
    const { key } = counterItemRef(siteId, itemRef);
    const found = stateOf.get(`${key.pk}\n${key.sk}`);
    if (!found || !isBudgeted(found.kind, attr) || found.state.names.has(attr)) return attr;
    return roomFor(found.kind, found.state, attr) ? attr : overflowAttr(attr);
  };
}

/** A counter item's key and kind. */
export function counterItemRef(siteId: string, { scope, bucket }: ItemRef): CounterItemRef {
  return bucket === 'totals' ? { key: totalsKey(siteId, scope), kind: 'totals' } : { key: pathBucketKey(siteId, scope, bucket), kind: 'bucket' };
}

/** Records what a committed update added to an item. */
export function rememberCommitted(table: string, key: Key, before: BudgetState, update: BudgetedDelta): void {
  const state = afterCommit(before, update);
  cache.set(cacheKey(table, key), state, weigh(state));
}

/** Drops what is known of an item: it is read again before its next update. */
export function forgetItem(table: string, key: Key): void {
  cache.delete(cacheKey(table, key));
}
