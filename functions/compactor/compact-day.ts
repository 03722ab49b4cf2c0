import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseLakeKey } from '../domain/lake.ts';
import { compactedKey, isCompacted, isManifest, manifestKey, unitOfKey } from '../domain/lake-compaction.ts';
import { mapLimitSettled } from '../commons/map-limit.ts';
import { deleteKeys, listDayKeys, readManifest, writeCompacted } from '../store/lake/compaction-objects.ts';
import { readLakeText } from '../store/lake/lake-objects.ts';
import { readMarker } from '../store/write/commit-markers.ts';

/** Reads (markers, objects) in flight at once. */
const READ_CONCURRENCY = 16;

export interface CompactionContext {
  s3: S3Client;
  bucket: string;
  doc: DynamoDBDocumentClient;
  /** The events table, which holds the units' commit markers. */
  eventsTable: string;
}

/** What a compaction of one site's day did. */
export interface DayCompaction {
  siteId: string;
  day: string;
  /** Objects folded into the new compacted object (0: nothing to fold). */
  folded: number;
  /** Events in the new compacted object. */
  events: number;
  /** Objects removed that an earlier, interrupted run had already folded. */
  finished: number;
  /** Objects left as they are: their unit has not committed (yet). */
  uncommitted: number;
}

/**
 * Rewrites a site's objects of one day into one object, exactly once (docs/lake.md#compaction):
 *
 * 1. Finish what an interrupted run left: every object that a compacted object in the folder
 *    holds (its manifest says so) is deleted; manifests whose object is gone are deleted.
 * 2. Fold the rest: the compacted objects left and the objects of committed units (an object of
 *    a unit without a marker may still be removed by the abort of its unit, and one of an aborted
 *    unit holds no counted event) are read and written as one compacted object (its manifest
 *    first), then deleted.
 *
 * A crash anywhere leaves every event in one object or in a compacted object whose manifest names
 * the other; the next run finishes the job. Runs of the same site must not overlap (compactLake
 * holds the site's lease).
 */
export async function compactDay(context: CompactionContext, siteId: string, day: string): Promise<DayCompaction> {
  const { s3, bucket } = context;
  const outcome: DayCompaction = { siteId, day, folded: 0, events: 0, finished: 0, uncommitted: 0 };
  const keys = await listDayKeys(s3, bucket, siteId, day);
  const present = new Set(keys);
  const objects = keys.filter((key) => parseLakeKey(key) !== undefined);
  // Manifests whose object is gone: a run died between writing one and its object, or after
  // deleting a compacted source and before its manifest.
  const compacted = objects.filter(isCompacted);
  const live = new Set(compacted.map(manifestKey));
  await deleteKeys(s3, bucket, keys.filter((key) => isManifest(key) && !live.has(key)));
  if (objects.length <= 1) return outcome;

  // 1. What earlier runs folded and did not yet delete.
  for (const key of compacted) {
    if (!present.has(key)) continue;
    const held = (await readManifest(s3, bucket, key)).filter((source) => source !== key && present.has(source));
    const heldManifests = held.filter(isCompacted).map(manifestKey).filter((manifest) => present.has(manifest));
    await deleteKeys(s3, bucket, [...held, ...heldManifests]);
    for (const gone of [...held, ...heldManifests]) present.delete(gone);
    outcome.finished += held.length;
  }

  // 2. The compacted objects left and the objects of committed units, as one object.
  const left = objects.filter((key) => present.has(key));
  const unitObjects = left.filter((key) => !isCompacted(key));
  const states = await mapLimitSettled(unitObjects, READ_CONCURRENCY, async (key) => {
    const unitId = unitOfKey(siteId, key);
    return unitId ? readMarker(context.doc, context.eventsTable, unitId) : undefined;
  });
  const sources = [...left.filter(isCompacted), ...unitObjects.filter((_, i) => states[i] === 'committed')].sort();
  outcome.uncommitted = unitObjects.length - (sources.length - left.filter(isCompacted).length);
  if (sources.length <= 1) return outcome;

  const texts = await mapLimitSettled(sources, READ_CONCURRENCY, (key) => readLakeText(s3, bucket, key));
  const events = sources.reduce((sum, key) => sum + parseLakeKey(key)!.events, 0);
  const body = texts.join('');
  const lines = body.split('\n').length - 1;
  if (lines !== events) throw new Error(`${siteId} ${day}: the sources hold ${lines} lines, their names say ${events}`);
  const target = compactedKey(siteId, day, sources, events);
  await writeCompacted(s3, bucket, target, sources, body);
  await deleteKeys(s3, bucket, sources);
  // The manifests of compacted sources go with them; the new object's manifest stays beside it.
  await deleteKeys(s3, bucket, sources.filter(isCompacted).map(manifestKey).filter((manifest) => present.has(manifest)));
  return { ...outcome, folded: sources.length, events };
}
