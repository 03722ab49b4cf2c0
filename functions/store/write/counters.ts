import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemDelta, UnitDeltas } from '../../domain/counter-units.ts';
import { fitToBudget, LOAD_ATTR, prefixOf, type BudgetedDelta } from '../../domain/counter-budget.ts';
import { addToSummary, nameHeavy, valueHash, type HeavyUpdate } from '../../domain/heavy-hitters.ts';
import { heavyNameKey, heavySummaryKey, markerKey, PATHS_CODE, unpackDimensionCount, type Key } from '../../domain/table-schema.ts';
import { backoff, delay } from '../../commons/map-limit.ts';
import { readMarker } from './commit-markers.ts';
import { counterItemRef, forgetItem, readBudgetStates, rememberCommitted, type CounterItemRef } from './counter-budgets.ts';
import { forgetSummary, readSummaries, rememberSummary, summaryItem, writeNames } from './heavy-summaries.ts';

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
  return [...deltas.items.values()].map((delta) => ({ delta, ref: counterItemRef(deltas.siteId, delta) }));
}

/** What a unit's transaction writes after its marker, in order, and what each means if it fails its condition. */
interface Participant {
  item: TransactItem;
  /** The counter item's index among the unit's items; undefined for a heavy-hitter summary. */
  counter?: number;
  /** Drops what is known of the item, after it failed its condition. */
  forget: () => void;
  /** Records what the committed transaction wrote to it. */
  remember: () => void;
}

/** The heavy-hitter summaries a unit's overflowed values go to: by day and dimension code, the updates and the values' names. */
function heavyGroups(deltas: UnitDeltas, items: ReturnType<typeof counterItems>, updates: ReadonlyArray<BudgetedDelta | undefined>) {
  const groups = new Map<string, { key: Key; updates: HeavyUpdate[]; names: Map<number, string>; code: string; scope: string }>();
  updates.forEach((update, i) => {
    const { ref, delta } = items[i]!;
    if (!update || ref.kind !== 'bucket') return;
    for (const [attr, by] of update.spilled) {
      const prefix = prefixOf(attr);
      const code = prefix.slice(0, -1);
      const id = `${delta.scope}\n${code}`;
      let group = groups.get(id);
      if (!group) groups.set(id, (group = { key: heavySummaryKey(deltas.siteId, delta.scope, code), updates: [], names: new Map(), code, scope: delta.scope }));
      const name = attr.slice(prefix.length);
      const hash = valueHash(name);
      const counts = code === PATHS_CODE ? { visits: 0, views: by } : unpackDimensionCount(by);
      group.updates.push({ hash, ...counts });
      group.names.set(hash, name);
    }
  });
  return [...groups.values()];
}

/**
 * The transaction of one unit, fitted to the items' budgets as known: its marker, then every
 * counter it adds to, then the heavy-hitter summaries of the values that went to `(other)`
 * (whose names, once heavy, are put before it: `names`).
 */
export async function unitTransaction(
  doc: DynamoDBDocumentClient,
  tables: CommitTables,
  unitId: string,
  deltas: UnitDeltas,
  expiresAt: number | undefined,
  isolated: ReadonlyMap<number, IsolatedUpdate['outcome']> = new Map(),
): Promise<{ items: TransactItem[]; participants: Participant[]; names: Array<{ key: Key; name: string }> }> {
  const table = tables.aggregates;
  const items = counterItems(deltas);
  const states = await readBudgetStates(doc, table, items.map(({ ref }) => ref));
  const participants: Participant[] = [];
  const updates = items.map(({ ref, delta }, i) => {
    const outcome = isolated.get(i);
    if (outcome === 'dropped') return undefined;
    const update = fitToBudget(ref.kind, delta, states[i]!, { overflowAll: outcome === 'overflowed' });
    participants.push({
      item: counterUpdate(table, ref.key, update),
      counter: i,
      forget: () => forgetItem(table, ref.key),
      remember: () => rememberCommitted(table, ref.key, states[i]!, update),
    });
    return update;
  });
  const groups = heavyGroups(deltas, items, updates);
  const summaries = groups.length > 0 ? await readSummaries(doc, table, groups.map((group) => group.key)) : [];
  const names: Array<{ key: Key; name: string }> = [];
  groups.forEach((group, i) => {
    const read = summaries[i]!;
    const { summary, names: toStore } = nameHeavy(addToSummary(read.summary, group.updates), group.names);
    const written = { summary, version: read.version };
    for (const [hash, name] of toStore) names.push({ key: heavyNameKey(deltas.siteId, group.scope, group.code, hash), name });
    participants.push({
      item: {
        Put: {
          TableName: table,
          Item: summaryItem(group.key, written),
          ConditionExpression: read.version === undefined ? 'attribute_not_exists(pk)' : '#ver = :ver',
          ...(read.version === undefined ? {} : { ExpressionAttributeNames: { '#ver': 'ver' }, ExpressionAttributeValues: { ':ver': read.version } }),
        },
      },
      forget: () => forgetSummary(table, group.key),
      remember: () => rememberSummary(table, group.key, written),
    });
  });
  return { items: [markerPut(tables, unitId, expiresAt), ...participants.map(({ item }) => item)], participants, names };
}

/** The participants of each cancellation reason with `code`. */
function cancelledFor(error: TransactionCanceledException, code: string, participants: readonly Participant[]): Array<{ participant: Participant; message: string }> {
  // Reasons are in transaction order: the marker first, then the participants.
  return (error.CancellationReasons ?? []).flatMap((reason, position) =>
    position > 0 && reason.Code === code ? [{ participant: participants[position - 1]!, message: reason.Message ?? code }] : [],
  );
}

/**
 * Applies a unit's counter deltas exactly once. `aborted` means another processor gave up on
 * this unit (its events will be counted by whoever took them over). Each item's new values are
 * fitted to its budget (counter-budget.ts): an item that gained names from another processor
 * meanwhile fails its condition and is read again, as does a heavy-hitter summary another
 * processor replaced. Transaction conflicts with concurrent processors are retried; a retry
 * after an unseen success finds the unit committed. An item update DynamoDB refuses as invalid
 * (its size, a value it cannot store) is never retried as is: its new values go to `(other)`, and
 * if that is refused too its increments are left out, so the rest of the unit still commits
 * (`onIsolated` says which).
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
    const { items, participants, names } = await unitTransaction(doc, tables, unitId, deltas, expiresAt, isolated);
    // Names first: a listed heavy hitter always has its name (a name without a listing is harmless).
    await writeNames(doc, tables.aggregates, names);
    try {
      await doc.send(new TransactWriteCommand({ TransactItems: items }));
      for (const participant of participants) participant.remember();
      return 'committed';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        return (await readMarker(doc, tables.events, unitId)) ?? 'aborted';
      }
      const invalid = cancelledFor(error, 'ValidationError', participants).filter(({ participant }) => participant.counter !== undefined);
      for (const { participant, message } of invalid) {
        const index = participant.counter!;
        const outcome = isolated.has(index) ? 'dropped' : 'overflowed';
        isolated.set(index, outcome);
        onIsolated?.({ key: refs[index]!.key, reason: message, outcome });
      }
      const stale = cancelledFor(error, 'ConditionalCheckFailed', participants);
      for (const { participant } of stale) participant.forget();
      if (attempt >= MAX_ATTEMPTS) throw error;
      // Isolating an item or reading one again is a new transaction, not a conflict to wait out.
      if (invalid.length === 0 && stale.length === 0) await delay(backoff(attempt));
    }
  }
}
