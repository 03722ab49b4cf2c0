import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventIncrements, type ItemRef, type StoredAs } from '../../domain/counter-units.ts';
import {
  afterCommit,
  budgetStateOf,
  isBudgeted,
  overflowAttr,
  roomFor,
  type BudgetedDelta,
  type BudgetState,
  type CounterKind,
} from '../../domain/counter-budget.ts';
import type { TrackedEvent } from '../../domain/event.ts';
import { pathBucketKey, totalsKey, type Key } from '../../domain/table-schema.ts';
import { compactLegacyItem } from './counter-compaction.ts';
import { WrittenItems } from './written-items.ts';

/**
 * What the processor knows of the counter items it writes: the names each holds and its load
 * (counter-budget.ts), kept as written-items.ts keeps items; another processor's names show up as
 * a failed condition, after which the item is read again (`forgetItem`). An item written before
 * budgets and fuller than its budget is compacted when read (counter-compaction.ts).
 */

/** A counter item to fit to its budget: its key and kind. */
export interface CounterItemRef {
  key: Key;
  kind: CounterKind;
}

/** Approximate bytes the states may hold (the processor has 512 MB). */
const CACHE_BYTES = 64 * 1024 * 1024;

const states = new WrittenItems<CounterItemRef, BudgetState>(
  CACHE_BYTES,
  // An item filled before budgets existed is brought within its budget first.
  async ({ key, kind }, item, doc, table) => budgetStateOf(kind, item && (await compactLegacyItem(doc, table, key, kind, item))),
  (state) => 128 + state.bytes * 2,
);

/** The budget states of `items`, from memory or read at once (the ones not in memory). */
export function readBudgetStates(doc: DynamoDBDocumentClient, table: string, items: readonly CounterItemRef[]): Promise<BudgetState[]> {
  return states.read(doc, table, items);
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
  const items = [...refs.values()];
  let read: BudgetState[];
  try {
    read = await readBudgetStates(doc, table, items);
  } catch {
    return (_siteId, _ref, attr) => attr;
  }
  const stateOf = new Map(items.map((ref, i) => [`${ref.key.pk}\n${ref.key.sk}`, { kind: ref.kind, state: read[i]! }]));
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
  states.remember(table, key, afterCommit(before, update));
}

/** Drops what is known of an item: it is read again before its next update. */
export function forgetItem(table: string, key: Key): void {
  states.forget(table, key);
}
