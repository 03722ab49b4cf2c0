import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemDelta, UnitDeltas } from '../domain/aggregate.ts';
import { fitToBudget, LOAD_ATTR, type BudgetedDelta, type BudgetState } from '../domain/counter-budget.ts';
import { markerKey, pathBucketKey, totalsKey, type Key } from '../domain/keys.ts';
import { backoff, delay } from '../commons/map-limit.ts';
import { readMarker } from './commit-markers.ts';
import { forgetItem, readBudgetStates, rememberCommitted, type CounterItemRef } from './counter-budgets.ts';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export interface CommitTables {
  events: string;
  aggregates: string;
}

/** Attempts of a unit's transaction (conflicts with other processors, items read again). */
const MAX_ATTEMPTS = 8;

/** A counter item's update that DynamoDB refused for what it holds, not for a conflict. */
export interface IsolatedUpdate {
  key: Key;
  /** DynamoDB's reason (e.g. the item size limit). */
  reason: string;
  /** `overflowed`: its new values were counted under `(other)`; `dropped`: the item's increments were left out. */
  outcome: 'overflowed' | 'dropped';
}

export interface CommitOptions {
  /** Called for each item update isolated after a validation failure (for a log line and a metric). */
  onIsolated?: (update: IsolatedUpdate) => void;
}

/** One `ADD a :a, b :b` update of numeric attributes on one item, keeping its load within its budget. */
function counterUpdate(table: string, key: Key, update: BudgetedDelta): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const adds: string[] = [];
  let i = 0;
  for (const [attribute, amount] of update.attrs) {
    names[`#a${i}`] = attribute;
    values[`:a${i}`] = amount;
    adds.push(`#a${i} :a${i}`);
    i++;
  }
  const { load } = update;
  let set = '';
  let condition: string | undefined;
  if (load.kind !== 'none') names['#ld'] = LOAD_ATTR;
  if (load.kind === 'set') {
    set = 'SET #ld = :ld ';
    values[':ld'] = load.load;
    condition = 'attribute_not_exists(#ld)';
  } else if (load.kind === 'add') {
    adds.push('#ld :ld');
    values[':ld'] = load.bytes;
    values[':room'] = load.atMost;
    condition = '#ld <= :room';
  } else if (load.kind === 'unchanged') {
    if (load.bytes > 0) {
      adds.push('#ld :ld');
      values[':ld'] = load.bytes;
    }
    values[':stored'] = load.stored;
    condition = '#ld = :stored';
  }
  return {
    Update: {
      TableName: table,
      Key: key,
      UpdateExpression: `${set}${adds.length ? `ADD ${adds.join(', ')}` : ''}`.trim(),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(condition ? { ConditionExpression: condition } : {}),
    },
  };
}

/** The marker of a unit, put only if the unit has none. */
function markerPut(tables: CommitTables, unitId: string, expiresAt: number | undefined): TransactItem {
  return {
    Put: {
      TableName: tables.events,
      Item: { ...markerKey(unitId), state: 'committed', expires_at: expiresAt },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The counter items of a unit's deltas, in transaction order. */
function counterItems(deltas: UnitDeltas): Array<{ ref: CounterItemRef; delta: ItemDelta }> {
  return [...deltas.items.values()].map((delta) => ({
    delta,
    ref:
      delta.bucket === 'totals'
        ? { key: totalsKey(deltas.siteId, delta.scope), kind: 'totals' }
        : { key: pathBucketKey(deltas.siteId, delta.scope, delta.bucket), kind: 'bucket' },
  }));
}

/** The transaction of one unit, fitted to the items' budgets as known: its marker, then every counter it adds to. */
export function unitTransaction(
  tables: CommitTables,
  unitId: string,
  deltas: UnitDeltas,
  expiresAt: number | undefined,
  states: readonly BudgetState[],
  isolated: ReadonlyMap<number, IsolatedUpdate['outcome']> = new Map(),
): { items: TransactItem[]; updates: Array<BudgetedDelta | undefined> } {
  const items: TransactItem[] = [markerPut(tables, unitId, expiresAt)];
  const updates = counterItems(deltas).map(({ ref, delta }, i) => {
    const outcome = isolated.get(i);
    if (outcome === 'dropped') return undefined;
    const update = fitToBudget(ref.kind, delta, states[i]!, { overflowAll: outcome === 'overflowed' });
    items.push(counterUpdate(tables.aggregates, ref.key, update));
    return update;
  });
  return { items, updates };
}

/** The counter item (index among the unit's items) of each cancellation reason with `code`. */
function itemsCancelledFor(error: TransactionCanceledException, code: string, updates: ReadonlyArray<BudgetedDelta | undefined>): Array<{ index: number; message: string }> {
  // Reasons are in transaction order: the marker first, then the items not dropped.
  const indices = updates.flatMap((update, index) => (update ? [index] : []));
  return (error.CancellationReasons ?? []).flatMap((reason, position) =>
    position > 0 && reason.Code === code ? [{ index: indices[position - 1]!, message: reason.Message ?? code }] : [],
  );
}

/**
 * Applies a unit's counter deltas exactly once. `aborted` means another processor gave up on
 * this unit (its events will be counted by whoever took them over). Each item's new values are
 * fitted to its budget (counter-budget.ts): an item that gained names from another processor
 * meanwhile fails its condition and is read again. Transaction conflicts with concurrent
 * processors are retried; a retry after an unseen success finds the unit committed. An item
 * update DynamoDB refuses as invalid (its size, a value it cannot store) is never retried as
 * is: its new values go to `(other)`, and if that is refused too its increments are left out,
 * so the rest of the unit still commits (`onIsolated` says which).
 */
export async function commitUnit(
  doc: DynamoDBDocumentClient,
  tables: CommitTables,
  unitId: string,
  deltas: UnitDeltas,
  expiresAt: number | undefined,
  { onIsolated }: CommitOptions = {},
): Promise<'committed' | 'aborted'> {
  const refs = counterItems(deltas).map(({ ref }) => ref);
  const isolated = new Map<number, IsolatedUpdate['outcome']>();
  for (let attempt = 1; ; attempt++) {
    const states = await readBudgetStates(doc, tables.aggregates, refs);
    const { items, updates } = unitTransaction(tables, unitId, deltas, expiresAt, states, isolated);
    try {
      await doc.send(new TransactWriteCommand({ TransactItems: items }));
      updates.forEach((update, i) => update && rememberCommitted(tables.aggregates, refs[i]!.key, states[i]!, update));
      return 'committed';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        return (await readMarker(doc, tables.events, unitId)) ?? 'aborted';
      }
      const invalid = itemsCancelledFor(error, 'ValidationError', updates);
      for (const { index, message } of invalid) {
        const outcome = isolated.has(index) ? 'dropped' : 'overflowed';
        isolated.set(index, outcome);
        onIsolated?.({ key: refs[index]!.key, reason: message, outcome });
      }
      const stale = itemsCancelledFor(error, 'ConditionalCheckFailed', updates);
      for (const { index } of stale) forgetItem(tables.aggregates, refs[index]!.key);
      if (attempt >= MAX_ATTEMPTS) throw error;
      // Isolating an item or reading one again is a new transaction, not a conflict to wait out.
      if (invalid.length === 0 && stale.length === 0) await delay(backoff(attempt));
    }
  }
}
