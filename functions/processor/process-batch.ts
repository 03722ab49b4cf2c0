import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { oldestReceipt, parseQueuedEvents, type FieldIssue, type TrackedEvent } from '../domain/event.ts';
import { planUnits, unitDeltas, type UnitPlan } from '../domain/aggregate.ts';
import { rawEventKey } from '../domain/keys.ts';
import { monthOfDay } from '../domain/month-sketches.ts';
import { hashUser } from '../domain/sketch.ts';
import { DEFAULT_TIME_ZONE, daysAround, localDate, startOfLocalDay } from '../domain/time-zones.ts';
import { mapLimit } from '../commons/map-limit.ts';
import { logger } from '../commons/observability.ts';
import { claimEvents } from '../store/raw-events.ts';
import { commitUnit, type CommitTables, type IsolatedUpdate } from '../store/counters.ts';
import { storedAsOf } from '../store/counter-budgets.ts';
import { mergeSketch } from '../store/sketches.ts';
import type { SiteZones } from '../store/site-zones.ts';
import type { SiteRecorder } from '../store/site-recorder.ts';
import type { LakeWriter } from '../store/lake-objects.ts';

export interface ProcessorSettings {
  tables: CommitTables;
  pathBuckets: number;
  leaseMs: number;
  /** 0 keeps raw events forever. */
  retentionDays: number;
  /** The sites' time zones, whose local dates are the days events count on; without it, UTC. */
  siteZones?: SiteZones;
  /** Records each site among the sites with data before its first events count (GET /sites); without it, none are. */
  recordSites?: SiteRecorder;
  /** Writes each unit's events to the raw-event lake before the unit commits; without it, no lake. */
  lake?: LakeWriter;
}

/** Per invocation: when (epoch ms) to stop starting commits, so that the batch ends before the function's timeout. */
export interface BatchLimits {
  deadline?: number;
}

export interface QueueRecord {
  messageId: string;
  body: string;
}

export interface BatchResult {
  /** messageIds to hand back to the queue (`batchItemFailures`). */
  failed: string[];
  counted: number;
  duplicates: number;
  invalid: Array<{ messageId: string; issues: FieldIssue[] }>;
  units: number;
  /** Counter item updates DynamoDB refused as invalid, isolated so that the rest of their units committed. */
  isolated: number;
  /**
   * The longest time, in ms, from an event's `received_at` to the commit that counted it
   * (undefined when none was counted): how far counts lag behind what was accepted.
   */
  maxLagMs: number | undefined;
}

const SITE_CONCURRENCY = 4;
const DAY_SECONDS = 86_400;
const HOUR_MS = 3_600_000;
/** TTL deletes expired items days late and in any order; markers outlive raw events by this much. */
const MARKER_GRACE_DAYS = 7;

interface Parsed {
  messageId: string;
  event: TrackedEvent;
}

/**
 * Processes one SQS batch: every message is validated on its own, and every event in it stored
 * once and counted once. A message fails alone (bad body, or a unit of one of its events could
 * not commit) and is retried by SQS; its events that were counted are recognised then.
 */
export async function processBatch(
  doc: DynamoDBDocumentClient,
  settings: ProcessorSettings,
  records: readonly QueueRecord[],
  batchId: string,
  now: number = Date.now(),
  { deadline = Infinity }: BatchLimits = {},
): Promise<BatchResult> {
  const failed = new Set<string>();
  const invalid: BatchResult['invalid'] = [];

  // Validate each message (one event, or a packed array of them, valid as a whole or not at all);
  // the first copy of an event id in the batch stands for the others.
  const primaries: Parsed[] = [];
  const primaryByKey = new Map<string, Parsed>();
  /** For each later copy of an event in the batch: its message, and the primary's message. */
  const copies: Array<{ messageId: string; primaryMessageId: string }> = [];
  for (const record of records) {
    const parsed = parseQueuedEvents(record.body);
    if (!parsed.ok) {
      invalid.push({ messageId: record.messageId, issues: parsed.issues });
      failed.add(record.messageId);
      continue;
    }
    for (const event of parsed.value) {
      const { pk } = rawEventKey(event.site_id, event.event_id);
      const primary = primaryByKey.get(pk);
      if (primary) copies.push({ messageId: record.messageId, primaryMessageId: primary.messageId });
      else {
        const entry = { messageId: record.messageId, event };
        primaryByKey.set(pk, entry);
        primaries.push(entry);
      }
    }
  }

  // Each event counts on its date in its site's zone; a site whose zone cannot be read yet
  // holds its events' messages back (retried), rather than counting them on a wrong day.
  const zones = settings.siteZones
    ? await settings.siteZones(primaries.map((p) => p.event.site_id))
    : new Map(primaries.map((p) => [p.event.site_id, DEFAULT_TIME_ZONE]));
  const located: Parsed[] = [];
  const dayStarts = new Map<string, number>();
  for (const primary of primaries) {
    const zone = zones.get(primary.event.site_id);
    if (zone === undefined) {
      failed.add(primary.messageId);
      continue;
    }
    const day = localDate(primary.event.timestamp, zone);
    const zoneDay = `${zone}|${day}`;
    let start = dayStarts.get(zoneDay);
    if (start === undefined) dayStarts.set(zoneDay, (start = startOfLocalDay(day, zone)));
    const hour = Math.floor((Date.parse(primary.event.timestamp) - start) / HOUR_MS);
    located.push({ messageId: primary.messageId, event: { ...primary.event, day, hour } });
  }

  // A site is recorded among the sites with data before any of its events count; one that
  // cannot be recorded yet holds its events' messages back, as an unknown zone does.
  if (settings.recordSites && located.length > 0) {
    const unrecorded = await settings.recordSites(located.map((p) => p.event));
    if (unrecorded.size > 0) {
      for (const p of located) if (unrecorded.has(p.event.site_id)) failed.add(p.messageId);
      located.splice(0, located.length, ...located.filter((p) => !unrecorded.has(p.event.site_id)));
    }
  }

  const expiresAt = settings.retentionDays > 0 ? Math.floor(now / 1000) + settings.retentionDays * DAY_SECONDS : undefined;
  const markerExpiresAt = expiresAt === undefined ? undefined : expiresAt + MARKER_GRACE_DAYS * DAY_SECONDS;
  const storedAs = await storedAsOf(doc, settings.tables.aggregates, located.map((p) => p.event), settings.pathBuckets);
  const units = planUnits(located.map((p) => p.event), batchId, settings.pathBuckets, storedAs);
  const messageOf = new Map(located.map((p) => [p.event, p.messageId]));
  const requests = units.flatMap((unit) => unit.events.map((event) => ({ event, unitId: unit.unitId })));

  const outcomes = await claimEvents(doc, settings.tables.events, requests, {
    now,
    leaseMs: settings.leaseMs,
    expiresAt,
    markerExpiresAt,
    onError: (error) => logError('claim failed', error),
    onAborted: settings.lake ? discardOnce(settings.lake) : undefined,
  });
  const outcomeOf = new Map(requests.map((request, i) => [request.event, outcomes[i]!]));
  let duplicates = 0;
  for (const [event, outcome] of outcomeOf) {
    if (outcome === 'retry') failed.add(messageOf.get(event)!);
    if (outcome === 'counted') duplicates++;
  }

  const claimedIn = (unit: UnitPlan) => unit.events.filter((event) => outcomeOf.get(event) === 'claimed');
  const bySite = Map.groupBy(units, (unit) => unit.siteId);
  let counted = 0;
  let isolated = 0;
  let maxLagMs: number | undefined;
  const onIsolated = (siteId: string) => (update: IsolatedUpdate) => {
    isolated++;
    logger.warn('counter update isolated', { siteId, item: update.key, reason: update.reason, outcome: update.outcome });
  };
  await mapLimit([...bySite.values()], SITE_CONCURRENCY, async (siteUnits) => {
    const claimed = siteUnits.flatMap(claimedIn);
    if (claimed.length === 0) return;
    const failAll = (events: TrackedEvent[]) => events.forEach((event) => failed.add(messageOf.get(event)!));
    try {
      await mergeSiteSketches(doc, settings.tables.aggregates, claimed);
    } catch (error) {
      logError('sketch merge failed', error);
      return failAll(claimed);
    }
    for (const unit of siteUnits) {
      const events = claimedIn(unit);
      if (events.length === 0) continue;
      // Past the deadline, a unit is left to the message's next delivery rather than risk the
      // timeout, which would hand every message of the batch back, other sites' too.
      if (Date.now() > deadline) {
        failAll(events);
        continue;
      }
      try {
        // The lake objects first: a unit that commits has them, one that never does is found
        // aborted by whoever takes its events over, who removes them (discardOnce).
        await settings.lake?.write(unit.unitId, unit.siteId, events);
        const deltas = unitDeltas(unit.siteId, events, settings.pathBuckets);
        const state = await commitUnit(doc, settings.tables, unit.unitId, deltas, markerExpiresAt, { onIsolated: onIsolated(unit.siteId) });
        if (state === 'committed') {
          counted += events.length;
          const lag = Date.now() - oldestReceipt(events)!;
          maxLagMs = Math.max(maxLagMs ?? lag, lag);
        } else failAll(events);
      } catch (error) {
        logError('commit failed', error);
        failAll(events);
      }
    }
  });

  // A copy is settled once its primary's message is; until then its message is retried too.
  for (const copy of copies) {
    if (failed.has(copy.primaryMessageId)) failed.add(copy.messageId);
    else duplicates++;
  }
  return { failed: [...failed], counted, duplicates, invalid, units: units.length, isolated, maxLagMs };
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

/**
 * Merges the users of one site's events into the sketches of their days and of their months (a
 * range reads a whole month as one sketch; all time is the union of the months, see
 * month-sketches.ts).
 */
async function mergeSiteSketches(doc: DynamoDBDocumentClient, table: string, events: TrackedEvent[]): Promise<void> {
  const siteId = events[0]!.site_id;
  const byScope = new Map<string, bigint[]>();
  const add = (scope: string, hash: bigint) => {
    let hashes = byScope.get(scope);
    if (!hashes) byScope.set(scope, (hashes = []));
    hashes.push(hash);
  };
  for (const event of events) {
    const hash = hashUser(event.user_id);
    add(event.day, hash);
    add(monthOfDay(event.day), hash);
  }
  await Promise.all([...byScope].map(([scope, hashes]) => mergeSketch(doc, table, siteId, scope, hashes)));
}

function logError(message: string, error: unknown): void {
  logger.error(message, error as Error);
}
