// `npm run bench`: what the raw-event lake holds after the run, listed from the S3 emulator.
// Every object is one PutObject (the bench injects no faults, so no object is written twice and
// none is removed): objects are the lake's billed requests.
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { LAKE_PREFIX, parseLakeKey } from '../../functions/domain/lake.ts';

export interface LakeUsage {
  objects: number;
  bytes: number;
  /** Events in the objects, from their names. */
  events: number;
}

export async function lakeUsage(s3: S3Client, bucket: string): Promise<LakeUsage> {
  const usage: LakeUsage = { objects: 0, bytes: 0, events: 0 };
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: LAKE_PREFIX, ContinuationToken }));
    for (const { Key, Size } of page.Contents ?? []) {
      const parsed = Key ? parseLakeKey(Key) : undefined;
      if (!parsed) continue;
      usage.objects++;
      usage.bytes += Size ?? 0;
      usage.events += parsed.events;
    }
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return usage;
}
