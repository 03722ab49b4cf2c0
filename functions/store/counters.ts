import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UnitDeltas } from '../domain/aggregate.ts';
import { markerKey, pathBucketKey, totalsKey, type Key } from '../domain/keys.ts';
import { backoff, delay } from '../commons/map-limit.ts';
import { readMarker } from './commit-markers.ts';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export interface CommitTables {
  events: string;
  aggregates: string;
}

const MAX_ATTEMPTS = 8;

/** One `ADD a :a, b :b` update of numeric attributes on one item. */
function addUpdate(table: string, key: Key, increments: Iterable<[string, number]>): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const clauses: string[] = [];
  let i = 0;
  for (const [attribute, amount] of increments) {
    names[`#a${i}`] = attribute;
    values[`:a${i}`] = amount;
    clauses.push(`#a${i} :a${i}`);
    i++;
  }
  return {
    Update: {
      TableName: table,
      Key: key,
      UpdateExpression: `ADD ${clauses.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** The transaction of one unit: its marker, then every counter it adds to. */
export function unitTransaction(tables: CommitTables, unitId: string, deltas: UnitDeltas, expiresAt: number | undefined): TransactItem[] {
  const items: TransactItem[] = [
    {
      Put: {
        TableName: tables.events,
        Item: { ...markerKey(unitId), state: 'committed', expires_at: expiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
  for (const { scope, bucket, attrs } of deltas.items.values()) {
    const key = bucket === 'totals' ? totalsKey(deltas.siteId, scope) : pathBucketKey(deltas.siteId, scope, bucket);
    items.push(addUpdate(tables.aggregates, key, attrs));
  }
  return items;
}

const markerConditionFailed = (error: TransactionCanceledException): boolean =>
  error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';

/**
 * Applies a unit's counter deltas exactly once. `aborted` means another processor gave up on
 * this unit (its events will be counted by whoever took them over). Transaction conflicts with
 * concurrent processors are retried; a retry after an unseen success finds the unit committed.
 */
export async function commitUnit(
  doc: DynamoDBDocumentClient,
  tables: CommitTables,
  unitId: string,
  deltas: UnitDeltas,
  expiresAt: number | undefined,
): Promise<'committed' | 'aborted'> {
  const TransactItems = unitTransaction(tables, unitId, deltas, expiresAt);
  for (let attempt = 1; ; attempt++) {
    try {
      await doc.send(new TransactWriteCommand({ TransactItems }));
      return 'committed';
    } catch (error) {
      if (error instanceof TransactionCanceledException && markerConditionFailed(error)) {
        return (await readMarker(doc, tables.events, unitId)) ?? 'aborted';
      }
      if (!(error instanceof TransactionCanceledException) || attempt >= MAX_ATTEMPTS) throw error;
      await delay(backoff(attempt));
    }
  }
}
