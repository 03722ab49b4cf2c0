import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { markerKey } from '../../domain/table-schema.ts';

export type MarkerState = 'committed' | 'aborted';

/** A unit's marker: `committed` once its counters applied, `aborted` if another processor gave up on it. */
export async function readMarker(doc: DynamoDBDocumentClient, table: string, unitId: string): Promise<MarkerState | undefined> {
  const { Item } = await doc.send(new GetCommand({ TableName: table, Key: markerKey(unitId), ConsistentRead: true }));
  return Item?.state as MarkerState | undefined;
}

/**
 * Marks a unit aborted unless it already has a marker, and returns the unit's final state.
 * Once aborted, the unit's own commit (which requires no marker) can never apply.
 */
export async function abortUnit(
  doc: DynamoDBDocumentClient,
  table: string,
  unitId: string,
  expiresAt: number | undefined,
): Promise<MarkerState> {
  try {
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { ...markerKey(unitId), state: 'aborted', expires_at: expiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'aborted';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException && error.Item) {
      return unmarshall(error.Item).state as MarkerState;
    }
    throw error;
  }
}
