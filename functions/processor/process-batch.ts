import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CommitTables } from '../store/write/counters.ts';
import type { LakeWriter } from '../store/lake/lake-objects.ts';
import type { SiteRecorder } from '../store/write/site-recorder.ts';
import type { SiteZones } from '../store/sites/site-zones.ts';
import { BatchOutcome, type BatchResult } from './batch-outcome.ts';
import { claimUnitEvents, expiryOf } from './claim-events.ts';
import { commitUnits } from './commit-units.ts';
import { decodeMessages, type QueueRecord } from './decode-messages.ts';
import { placeOnLocalDays } from './local-days.ts';
import { planBatchUnits } from './plan-units.ts';
import { recordSites } from './site-records.ts';

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

/**
 * Processes one SQS batch: every message is validated on its own, and every event in it stored
 * once and counted once. A message fails alone (bad body, or a unit of one of its events could
 * not commit) and is retried by SQS; its events that were counted are recognised then.
 *
 * The steps, each in its module: decode the messages, place the events on their sites' local
 * days, record their sites among the sites with data, plan commit units, claim the events, then
 * per site merge the sketches and write each unit to the lake and commit it (until `deadline`),
 * and settle the copies of events the batch held twice. What becomes of each message is noted
 * in a BatchOutcome as they go.
 */
export async function processBatch(
  doc: DynamoDBDocumentClient,
  settings: ProcessorSettings,
  records: readonly QueueRecord[],
  batchId: string,
  now: number = Date.now(),
  { deadline = Infinity }: BatchLimits = {},
): Promise<BatchResult> {
  const { tables, pathBuckets, lake } = settings;
  const outcome = new BatchOutcome();
  const { events, copies } = decodeMessages(records, outcome);
  const placed = await placeOnLocalDays(events, settings.siteZones, outcome);
  const counting = await recordSites(placed, settings.recordSites, outcome);
  const units = await planBatchUnits(doc, tables.aggregates, counting, batchId, pathBuckets);
  const expiry = expiryOf(now, settings.retentionDays);
  const claimed = await claimUnitEvents(doc, tables.events, units, { now, leaseMs: settings.leaseMs, expiry, lake }, outcome);
  await commitUnits(doc, claimed, { tables, pathBuckets, lake, markerExpiresAt: expiry.markers, deadline }, outcome);
  outcome.settleCopies(copies);
  return outcome.result(units.length);
}
