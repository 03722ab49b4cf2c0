import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { TrackedEvent } from '../../domain/event.ts';
import { rawEventKey } from '../../domain/table-schema.ts';
import { mapLimit } from '../../commons/map-limit.ts';
import { abortUnit, readMarker, type MarkerState } from './commit-markers.ts';

/**
 * - `claimed`: the raw event is stored under this unit, which must now count it;
 * - `counted`: an earlier copy of the event was already counted: skip it;
 * - `retry`: another processor holds a young claim on it: retry the message later.
 */
export type ClaimOutcome = 'claimed' | 'counted' | 'retry';

export interface ClaimRequest {
  event: TrackedEvent;
  unitId: string;
}

export interface ClaimOptions {
  now: number;
  /** A claim older than this whose unit never committed belongs to a dead processor. */
  leaseMs: number;
  /** TTL (epoch seconds) of raw events; undefined keeps them forever. */
  expiresAt: number | undefined;
  /** TTL of commit markers: later than raw events', so a live raw event's marker always exists. */
  markerExpiresAt: number | undefined;
  concurrency?: number;
  /** Told of each call that failed (its event is retried). */
  onError?: (error: unknown) => void;
  /**
   * Called before an event is taken over from a unit that will never commit (its marker says
   * aborted), so what that unit wrote elsewhere can be removed first; if it throws, the event is
   * retried and still belongs to the aborted unit.
   */
  onAborted?: (unitId: string, event: TrackedEvent) => Promise<void>;
}

interface StoredClaim {
  unit: string;
  claimed_at: number;
}

/**
 * Stores each event's raw item unless an item with its (site, event_id) exists, deciding
 * for each whether this batch counts it. Marker look-ups are shared across the batch.
 */
export async function claimEvents(
  doc: DynamoDBDocumentClient,
  table: string,
  requests: readonly ClaimRequest[],
  options: ClaimOptions,
): Promise<ClaimOutcome[]> {
  const markers = new Map<string, Promise<MarkerState | undefined>>();
  const markerOf = (unitId: string) => {
    let state = markers.get(unitId);
    if (!state) {
      state = readMarker(doc, table, unitId);
      markers.set(unitId, state);
    }
    return state;
  };

  const settle = async (request: ClaimRequest, previous: StoredClaim): Promise<ClaimOutcome> => {
    if (previous.unit === request.unitId) return 'claimed';
    let state = await markerOf(previous.unit);
    if (state === 'committed') return 'counted';
    if (state === undefined) {
      if (options.now - previous.claimed_at < options.leaseMs) return 'retry';
      state = await abortUnit(doc, table, previous.unit, options.markerExpiresAt);
      markers.set(previous.unit, Promise.resolve(state));
      if (state === 'committed') return 'counted';
    }
    await options.onAborted?.(previous.unit, request.event);
    return (await takeOver(doc, table, request, previous, options.now)) ? 'claimed' : 'retry';
  };

  // A failed call (throttling, a network error) costs only its own event a retry.
  return mapLimit(requests, options.concurrency ?? 32, async (request) => {
    try {
      const previous = await putIfAbsent(doc, table, request, options);
      return previous ? await settle(request, previous) : 'claimed';
    } catch (error) {
      options.onError?.(error);
      return 'retry';
    }
  });
}

/** Writes the event's claim; returns the existing claim when the event was claimed before. */
async function putIfAbsent(
  doc: DynamoDBDocumentClient,
  table: string,
  { event, unitId }: ClaimRequest,
  options: ClaimOptions,
): Promise<StoredClaim | undefined> {
  try {
    await doc.send(
      new PutCommand({
        TableName: table,
        // What recognising a copy needs, nothing of the event itself: the lake holds the events.
        Item: {
          ...rawEventKey(event.site_id, event.event_id),
          unit: unitId,
          claimed_at: options.now,
          expires_at: options.expiresAt,
        },
        // An expired copy (TTL deletes lazily) no longer counts: duplicates are recognised
        // for exactly the retention period.
        ConditionExpression: 'attribute_not_exists(pk) OR expires_at < :now',
        ExpressionAttributeValues: { ':now': Math.floor(options.now / 1000) },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return undefined;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException && error.Item) {
      const item = unmarshall(error.Item);
      return { unit: String(item.unit), claimed_at: Number(item.claimed_at) };
    }
    throw error;
  }
}

/** Moves an event from an aborted unit to ours; false if someone else moved it first. */
async function takeOver(
  doc: DynamoDBDocumentClient,
  table: string,
  { event, unitId }: ClaimRequest,
  previous: StoredClaim,
  now: number,
): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: rawEventKey(event.site_id, event.event_id),
        UpdateExpression: 'SET #unit = :unit, claimed_at = :now',
        ConditionExpression: '#unit = :previous',
        ExpressionAttributeNames: { '#unit': 'unit' },
        ExpressionAttributeValues: { ':unit': unitId, ':now': now, ':previous': previous.unit },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
