import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { formatGoal, goalOf, MAX_GOALS, sortGoals, type Goal } from '../../domain/goals.ts';
import { siteGoalsKey } from '../../domain/table-schema.ts';

// A site's goals in the sites table: `SITE#<site_id>` / `GOALS`, a string set of goal texts
// (`event:signup`, `page:/thank-you*`), at most MAX_GOALS. Adding and removing are single
// updates (ADD and DELETE on the set), so concurrent changes never lose one another.

/** The goals of a site, event goals first (none: `[]`). */
export async function readGoals(doc: DynamoDBDocumentClient, table: string, siteId: string): Promise<Goal[]> {
  const { Item } = await doc.send(new GetCommand({ TableName: table, Key: siteGoalsKey(siteId) }));
  return sortGoals([...((Item?.goals as Set<string> | undefined) ?? [])].map(goalOf));
}

/** What adding a goal did: the site's goals after, and whether the goal was new. */
export type GoalAdded = { ok: true; added: boolean; goals: Goal[] } | { ok: false; reason: 'full' };

/** Adds a goal to a site (nothing when it has it already); refused when the site has MAX_GOALS others. */
export async function addGoal(doc: DynamoDBDocumentClient, table: string, siteId: string, goal: Goal): Promise<GoalAdded> {
  const text = formatGoal(goal);
  try {
    const { Attributes } = await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: siteGoalsKey(siteId),
        UpdateExpression: 'ADD goals :goal SET site_id = :site',
        ConditionExpression: 'attribute_not_exists(goals) OR size(goals) < :max OR contains(goals, :text)',
        ExpressionAttributeValues: { ':goal': new Set([text]), ':site': siteId, ':max': MAX_GOALS, ':text': text },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    const before = (Attributes?.goals as Set<string> | undefined) ?? new Set<string>();
    return { ok: true, added: !before.has(text), goals: sortGoals([...new Set([...before, text])].map(goalOf)) };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return { ok: false, reason: 'full' };
    throw error;
  }
}

/** Removes a goal from a site: false when the site did not have it. */
export async function removeGoal(doc: DynamoDBDocumentClient, table: string, siteId: string, goal: Goal): Promise<boolean> {
  const text = formatGoal(goal);
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: siteGoalsKey(siteId),
        UpdateExpression: 'DELETE goals :goal',
        ConditionExpression: 'contains(goals, :text)',
        ExpressionAttributeValues: { ':goal': new Set([text]), ':text': text },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
