import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { compactionLeaseKey } from '../../domain/table-schema.ts';

/**
 * One compaction of a site at a time: a run takes the site's lease (an item of the events table)
 * before it touches the site's objects and gives it back after. A run that dies keeps it until
 * it ends, longer than any run lasts (the compactor's timeout), so two runs never overlap.
 */

/** Takes the site's lease until `until` (epoch ms) unless another run holds it; true when taken. */
export async function takeLease(doc: DynamoDBDocumentClient, table: string, siteId: string, owner: string, now: number, until: number): Promise<boolean> {
  try {
    await doc.send(
      new PutCommand({
        TableName: table,
        // TTL removes an abandoned lease a day after it ended.
        Item: { ...compactionLeaseKey(siteId), owner, until, expires_at: Math.ceil(until / 1000) + 86_400 },
        ConditionExpression: 'attribute_not_exists(pk) OR #until < :now',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':now': now },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Gives the lease back, if `owner` still holds it. */
export async function giveLeaseBack(doc: DynamoDBDocumentClient, table: string, siteId: string, owner: string): Promise<void> {
  try {
    await doc.send(
      new DeleteCommand({
        TableName: table,
        Key: compactionLeaseKey(siteId),
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
