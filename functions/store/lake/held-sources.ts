import type { S3Client } from '@aws-sdk/client-s3';
import type { LakeObject } from '../../domain/lake.ts';
import { compactedPrefix, isCompacted, manifestKey, manifestSources } from '../../domain/lake-compaction.ts';

/**
 * Readers' side of compaction: between the write of a compacted object and the deletion of the
 * last of its sources, both are in the day's folder. A listing that hands out objects (export)
 * leaves out every object that a compacted object listed beside it holds, so each event is
 * exported once at any moment. The S3 package is imported on the first call (see lake-listing.ts).
 */

/** The keys of the sources a compacted object holds; none when its manifest is gone. */
export async function readManifest(s3: S3Client, bucket: string, compacted: string): Promise<string[]> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: manifestKey(compacted) }));
    return manifestSources(compacted, await object.Body!.transformToString('utf8'));
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return [];
    throw error;
  }
}

/**
 * The sources held by the compacted objects of a site's day (for a listing that resumes inside
 * that day, after the compacted objects, which sort first, were listed on an earlier page).
 */
export async function heldOfDay(s3: S3Client, bucket: string, siteId: string, day: string): Promise<Set<string>> {
  const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: compactedPrefix(siteId, day) }));
  const held = await Promise.all(Contents.map(({ Key }) => readManifest(s3, bucket, Key!)));
  return new Set(held.flat());
}

/**
 * `objects` (in key order, by day) without those a compacted object of their day holds. A day's
 * compacted objects come first in its folder; they are held back until the day shows whether
 * anything else is in it, and their manifests are read only then (a compacted day alone costs
 * no read). `held` starts a listing resumed inside a day (heldOfDay).
 */
export async function* withoutHeld(
  s3: S3Client,
  bucket: string,
  objects: AsyncIterable<LakeObject>,
  resumed?: { day: string; held: Set<string> },
): AsyncGenerator<LakeObject> {
  let day = resumed?.day;
  let held = resumed?.held ?? new Set<string>();
  let waiting: LakeObject[] = [];
  async function* release(readManifests: boolean): AsyncGenerator<LakeObject> {
    if (readManifests) for (const { key } of waiting) for (const source of await readManifest(s3, bucket, key)) held.add(source);
    for (const object of waiting) if (!held.has(object.key)) yield object;
    waiting = [];
  }
  for await (const object of objects) {
    if (object.date !== day) {
      yield* release(waiting.length > 1);
      day = object.date;
      held = new Set();
    }
    if (isCompacted(object.key)) {
      waiting.push(object);
      continue;
    }
    if (waiting.length > 0) yield* release(true);
    if (!held.has(object.key)) yield object;
  }
  yield* release(waiting.length > 1);
}
