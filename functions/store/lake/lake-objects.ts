import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { unitFiles, unitPrefix, type LakeRecord } from '../../domain/lake.ts';
import type { TrackedEvent } from '../../domain/event.ts';

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

/** The lines of one lake object as written (NDJSON, each line ending in a newline). */
export async function readLakeText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return gunzipSync(await object.Body!.transformToByteArray()).toString('utf8');
}

/** The events of one lake object, in the order they were written. */
export async function readLakeObject(s3: S3Client, bucket: string, key: string): Promise<LakeRecord[]> {
  const text = await readLakeText(s3, bucket, key);
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LakeRecord);
}
