import type { S3Client } from '@aws-sdk/client-s3';
import { parseLakeKey, siteFolder, type LakeObject } from '../../domain/lake.ts';
import { heldOfDay, withoutHeld } from './held-sources.ts';

/**
 * Lists the lake's objects (GET /stats/export, `npm run export`, the bench). The S3 package is
 * imported when a listing starts, not when the module loads: the stats function serves every
 * other route without loading it (a bundler keeps a dynamic import of an external package lazy,
 * where it would lift a static one to the top of the bundle).
 */
const s3Commands = () => import('@aws-sdk/client-s3');

export interface LakeListing {
  objects: LakeObject[];
  /** More objects of the range follow the last one listed. */
  more: boolean;
}

/**
 * The lake objects under `prefix`, in key order, after the key `startAfter` when given; page by
 * page (ListObjectsV2, 1,000 keys a call), so a caller that stops early lists no further.
 */
export async function* lakeObjectsUnder(s3: S3Client, bucket: string, prefix: string, startAfter?: string): AsyncGenerator<LakeObject> {
  const { ListObjectsV2Command } = await s3Commands();
  let StartAfter = startAfter;
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, StartAfter, ContinuationToken }));
    StartAfter = undefined;
    for (const { Key, Size } of page.Contents ?? []) {
      const parsed = Key ? parseLakeKey(Key) : undefined;
      if (parsed) yield { key: Key!, date: parsed.date, bytes: Size ?? 0, events: parsed.events };
    }
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
}

/**
 * A site's lake objects of the days from..to (YYYY-MM-DD, both included), in key order (by day):
 * at most `limit` of them, after the key `after` when given. Lists only the site's folder. An
 * object that a compacted object beside it already holds is left out (held-sources.ts), so the
 * listing holds every event once even while a compaction is under way.
 */
export async function listLakeObjects(
  s3: S3Client,
  bucket: string,
  siteId: string,
  range: { from: string; to: string },
  options: { after?: string; limit?: number } = {},
): Promise<LakeListing> {
  const folder = siteFolder(siteId);
  const limit = options.limit ?? Infinity;
  const objects: LakeObject[] = [];
  const afterDay = options.after ? parseLakeKey(options.after)?.date : undefined;
  const resumed = afterDay ? { day: afterDay, held: await heldOfDay(s3, bucket, siteId, afterDay) } : undefined;
  // Every key of day `from` sorts after its folder name without the slash.
  const listed = lakeObjectsUnder(s3, bucket, folder, options.after ?? `${folder}date=${range.from}`);
  for await (const object of withoutHeld(s3, bucket, listed, resumed)) {
    if (object.date > range.to) return { objects, more: false };
    if (objects.length === limit) return { objects, more: true };
    objects.push(object);
  }
  return { objects, more: false };
}
