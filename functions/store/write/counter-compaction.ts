import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { compactionSteps, LOAD_ATTR, type CompactionStep, type CounterKind } from '../../domain/counter-budget.ts';
import type { Key } from '../../domain/table-schema.ts';

/** Reads of an item before its compaction is given up on (another processor kept adding to it). */
const MAX_ATTEMPTS = 5;

/** One step: remove names still holding the counts read, add those counts to `(other)`. */
function stepUpdate(table: string, key: Key, step: CompactionStep): UpdateCommand {
  const names: Record<string, string> = { '#ld': LOAD_ATTR };
  const values: Record<string, unknown> = {};
  const conditions: string[] = [];
  step.remove.forEach(([attr, count], i) => {
    names[`#r${i}`] = attr;
    values[`:r${i}`] = count;
    conditions.push(`#r${i} = :r${i}`);
  });
  const adds = [...step.other].map(([attr, count], i) => {
    names[`#o${i}`] = attr;
    values[`:o${i}`] = Number.isSafeInteger(Number(count)) ? Number(count) : count;
    return `#o${i} :o${i}`;
  });
  return new UpdateCommand({
    TableName: table,
    Key: key,
    UpdateExpression: `REMOVE ${step.remove.map((_, i) => `#r${i}`).join(', ')} ADD ${adds.join(', ')}`,
    ConditionExpression: `attribute_not_exists(#ld) AND ${conditions.join(' AND ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
}

/**
 * Brings a counter item written before budgets within its budget (see compactionSteps): its
 * smallest values move to `(other)`, a hundred names an update, each on the condition that they
 * still hold what was read (a concurrent commit that adds to one of them makes the item be read
 * again). Counts are only moved, so this can run beside other processors and be interrupted
 * anywhere. Returns the item as it is afterwards (unchanged when it needed nothing).
 */
export async function compactLegacyItem(
  doc: DynamoDBDocumentClient,
  table: string,
  key: Key,
  kind: CounterKind,
  item: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  let current = item;
  for (let attempt = 1; ; attempt++) {
    const steps = compactionSteps(kind, current);
    if (!steps) return current;
    try {
      for (const step of steps) await doc.send(stepUpdate(table, key, step));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) || attempt >= MAX_ATTEMPTS) throw error;
    }
    const { Item } = await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    current = Item ?? {};
  }
}
