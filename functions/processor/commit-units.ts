import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unitDeltas, type UnitPlan } from '../domain/counter-units.ts';
import { oldestReceipt, type TrackedEvent } from '../domain/event.ts';
import { monthOfDay } from '../domain/month-sketches.ts';
import { hashUser } from '../domain/sketch.ts';
import { mapLimit } from '../commons/map-limit.ts';
import { logger } from '../commons/observability.ts';
import type { LakeWriter } from '../store/lake/lake-objects.ts';
import { commitUnit, type CommitTables, type IsolatedUpdate } from '../store/write/counters.ts';
import { mergeSketch } from '../store/write/sketch-merges.ts';
import type { BatchOutcome } from './batch-outcome.ts';
import type { ClaimedUnit } from './claim-events.ts';

/** Sites whose units are committed at once. */
const SITE_CONCURRENCY = 4;

export interface CommitSettings {
  tables: CommitTables;
  pathBuckets: number;
  /** TTL (epoch seconds) of the units' commit markers. */
  markerExpiresAt: number | undefined;
  /** When (epoch ms) to stop starting commits. */
  deadline: number;
  lake?: LakeWriter;
}

/**
 * Counts the claimed events, a few sites at once: each site's users are merged into its sketches,
 * then each of its units is written to the lake and committed, until the deadline. An event that
 * is not counted fails its message in `outcome`.
 */
export async function commitUnits(doc: DynamoDBDocumentClient, units: readonly ClaimedUnit[], settings: CommitSettings, outcome: BatchOutcome): Promise<void> {
  const bySite = Map.groupBy(units, ({ unit }) => unit.siteId);
  await mapLimit([...bySite.values()], SITE_CONCURRENCY, (siteUnits) => commitSite(doc, siteUnits, settings, outcome));
}

/** One site's units: its sketches first (if they cannot be merged, none of its events count), then each unit. */
async function commitSite(doc: DynamoDBDocumentClient, siteUnits: readonly ClaimedUnit[], settings: CommitSettings, outcome: BatchOutcome): Promise<void> {
  const claimed = siteUnits.flatMap(({ events }) => events);
  if (claimed.length === 0) return;
  try {
    await mergeSiteSketches(doc, settings.tables.aggregates, claimed);
  } catch (error) {
    logError('sketch merge failed', error);
    return outcome.failEvents(claimed);
  }
  for (const { unit, events } of siteUnits) {
    if (events.length === 0) continue;
    // Past the deadline, a unit is left to the message's next delivery rather than risk the
    // timeout, which would hand every message of the batch back, other sites' too.
    if (Date.now() > settings.deadline) {
      outcome.failEvents(events);
      continue;
    }
    await commitUnitEvents(doc, unit, events, settings, outcome);
  }
}

/**
 * One unit: the lake objects first, so a unit that commits has them (one that never does is
 * found aborted by whoever takes its events over, who removes them), then its counters, once.
 */
async function commitUnitEvents(
  doc: DynamoDBDocumentClient,
  unit: UnitPlan,
  events: TrackedEvent[],
  settings: CommitSettings,
  outcome: BatchOutcome,
): Promise<void> {
  const onIsolated = (update: IsolatedUpdate) => {
    outcome.isolatedUpdate();
    logger.warn('counter update isolated', { siteId: unit.siteId, item: update.key, reason: update.reason, outcome: update.outcome });
  };
  try {
    await settings.lake?.write(unit.unitId, unit.siteId, events);
    const deltas = unitDeltas(unit.siteId, events, settings.pathBuckets);
    const state = await commitUnit(doc, settings.tables, unit.unitId, deltas, settings.markerExpiresAt, { onIsolated });
    if (state === 'committed') outcome.counted(events, Date.now() - oldestReceipt(events)!);
    else outcome.failEvents(events);
  } catch (error) {
    logError('commit failed', error);
    outcome.failEvents(events);
  }
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
