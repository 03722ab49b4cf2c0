// `npm run bench`: what the raw-event lake holds after the run, listed from the S3 emulator.
// Every object is one PutObject (the bench injects no faults, so no object is written twice and
// none is removed): objects are the lake's billed requests.
import type { S3Client } from '@aws-sdk/client-s3';
import { LAKE_PREFIX } from '../../functions/domain/lake.ts';
import { lakeObjectsUnder } from '../../functions/store/lake/lake-listing.ts';

export interface LakeUsage {
  objects: number;
  bytes: number;
  /** Events in the objects, from their names. */
  events: number;
}

export async function lakeUsage(s3: S3Client, bucket: string): Promise<LakeUsage> {
  const usage: LakeUsage = { objects: 0, bytes: 0, events: 0 };
  for await (const { bytes, events } of lakeObjectsUnder(s3, bucket, LAKE_PREFIX)) {
    usage.objects++;
    usage.bytes += bytes;
    usage.events += events;
  }
  return usage;
}
