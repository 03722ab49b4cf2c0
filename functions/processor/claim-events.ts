import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UnitPlan } from '../domain/counter-units.ts';
import type { TrackedEvent } from '../domain/event.ts';
import { daysAround } from '../domain/time-zones.ts';
import { logger } from '../commons/observability.ts';
import type { LakeWriter } from '../store/lake/lake-objects.ts';
import { claimEvents } from '../store/write/raw-events.ts';
import type { BatchOutcome } from './batch-outcome.ts';

const DAY_SECONDS = 86_400;
/** TTL deletes expired items days late and in any order; markers outlive raw events by this much. */
const MARKER_GRACE_DAYS = 7;

/** TTLs (epoch seconds) of the batch's raw events and commit markers; undefined keeps them forever. */
export interface Expiry {
  events: number | undefined;
  markers: number | undefined;
}

/** The expiry of what a batch processed at `now` writes to the events table (retention 0: none). */
export function expiryOf(now: number, retentionDays: number): Expiry {
  const events = retentionDays > 0 ? Math.floor(now / 1000) + retentionDays * DAY_SECONDS : undefined;
  return { events, markers: events === undefined ? undefined : events + MARKER_GRACE_DAYS * DAY_SECONDS };
}

/** A unit with the events this batch claimed for it (the others are counted already, or retried). */
export interface ClaimedUnit {
  unit: UnitPlan;
  events: TrackedEvent[];
}

export interface ClaimSettings {
  now: number;
  leaseMs: number;
  expiry: Expiry;
  /** The lake, whose objects of aborted units are removed before their events are taken over. */
  lake?: LakeWriter;
}

/**
 * Stores each event's raw item under its unit unless a copy exists (raw-events.ts): an event
 * counted before is a duplicate; one another processor holds a young claim on is retried
 * (its message failed in `outcome`).
 */
export async function claimUnitEvents(
  doc: DynamoDBDocumentClient,
  eventsTable: string,
  units: readonly UnitPlan[],
  { now, leaseMs, expiry, lake }: ClaimSettings,
  outcome: BatchOutcome,
): Promise<ClaimedUnit[]> {
  const requests = units.flatMap((unit) => unit.events.map((event) => ({ event, unitId: unit.unitId })));
  const outcomes = await claimEvents(doc, eventsTable, requests, {
    now,
    leaseMs,
    expiresAt: expiry.events,
    markerExpiresAt: expiry.markers,
    onError: (error) => logger.error('claim failed', error as Error),
    onAborted: lake ? discardOnce(lake) : undefined,
  });
  const outcomeOf = new Map(requests.map((request, i) => [request.event, outcomes[i]!]));
  for (const [event, claim] of outcomeOf) {
    if (claim === 'retry') outcome.failEvents([event]);
    if (claim === 'counted') outcome.duplicate();
  }
  return units.map((unit) => ({ unit, events: unit.events.filter((event) => outcomeOf.get(event) === 'claimed') }));
}

/**
 * Removes an aborted unit's lake objects of an event's site and day, once per batch however many
 * of its events are taken over. The unit may have placed the event on another local day (the
 * site's time zone changed since), so every day the event's instant falls on in some zone is cleared.
 */
function discardOnce(lake: LakeWriter): (unitId: string, event: TrackedEvent) => Promise<void> {
  const discarded = new Map<string, Promise<void>>();
  return (unitId, event) => {
    const utc = event.timestamp.slice(0, 10);
    const key = `${unitId}|${event.site_id}|${utc}`;
    let done = discarded.get(key);
    if (!done) {
      done = Promise.all(daysAround(utc).map((day) => lake.discard(unitId, event.site_id, day))).then(() => undefined);
      // A failed removal is tried again by the next event of that unit and day.
      done.catch(() => discarded.delete(key));
      discarded.set(key, done);
    }
    return done;
  };
}
