import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseLakeKey, siteFolder, unitFiles, unitPrefix, type LakeObject, type LakeRecord } from '../domain/lake.ts';
import type { TrackedEvent } from '../domain/event.ts';

/**
 * Writes and removes a commit unit's objects in the lake. A unit's objects are written before its
 * commit, and removed only once the unit is known never to commit (its marker says aborted), so
 * every counted event is in exactly one object and no event that was not counted stays in any.
 */
export interface LakeWriter {
  /** Writes the unit's events of one site, one object per day (the same keys and bodies if written again). */
  write(unitId: string, siteId: string, events: readonly TrackedEvent[]): Promise<void>;
  /** Removes an aborted unit's object of one site and day, if it wrote one. */
  discard(unitId: string, siteId: string, day: string): Promise<void>;
}

export function lakeWriter(s3: S3Client, bucket: string): LakeWriter {
  return {
    async write(unitId, siteId, events) {
      await Promise.all(
        unitFiles(siteId, unitId, events).map((file) =>
          s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: file.key,
              Body: gzipSync(file.body),
              ContentType: 'application/gzip',
            }),
          ),
        ),
      );
    },
    async discard(unitId, siteId, day) {
      const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: unitPrefix(siteId, day, unitId) }));
      await Promise.all(Contents.map(({ Key }) => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key }))));
    },
  };
}

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
 * at most `limit` of them, after the key `after` when given. Lists only the site's folder.
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
  // Every key of day `from` sorts after its folder name without the slash.
  for await (const object of lakeObjectsUnder(s3, bucket, folder, options.after ?? `${folder}date=${range.from}`)) {
    if (object.date > range.to) return { objects, more: false };
    if (objects.length === limit) return { objects, more: true };
    objects.push(object);
  }
  return { objects, more: false };
}

/** The events of one lake object, in the order they were written. */
export async function readLakeObject(s3: S3Client, bucket: string, key: string): Promise<LakeRecord[]> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const text = gunzipSync(await object.Body!.transformToByteArray()).toString('utf8');
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LakeRecord);
}
