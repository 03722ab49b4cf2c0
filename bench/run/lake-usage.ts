// `npm run bench`: what the raw-event lake holds after the run, listed from the S3 emulator.
// Every object is one PutObject (the bench injects no faults, so no object is written twice and
// none is removed): objects are the lake's billed requests. Each object is also read back and
// gzipped again without its events' custom properties, and without those and the visits' ids, as
// the processor gzips it: the lake's bytes before either was kept.
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { LAKE_PREFIX, type LakeRecord } from '../../functions/domain/lake.ts';
import { lakeObjectsUnder } from '../../functions/store/lake/lake-listing.ts';

export interface LakeUsage {
  objects: number;
  bytes: number;
  /** Events in the objects, from their names. */
  events: number;
  /** The same objects gzipped without `props`, and without `props` and `visit.id`. */
  bytesWithoutProps: number;
  bytesWithoutPropsOrVisitIds: number;
}

const gzippedLength = (records: readonly LakeRecord[]): number => gzipSync(records.map((record) => `${JSON.stringify(record)}\n`).join('')).length;

const withoutProps = ({ props: _, ...record }: LakeRecord): LakeRecord => record;

function withoutVisitId(record: LakeRecord): LakeRecord {
  if (!record.visit) return record;
  const { id: _, ...visit } = record.visit;
  return { ...record, visit };
}

export async function lakeUsage(s3: S3Client, bucket: string): Promise<LakeUsage> {
  const usage: LakeUsage = { objects: 0, bytes: 0, events: 0, bytesWithoutProps: 0, bytesWithoutPropsOrVisitIds: 0 };
  for await (const { key, bytes, events } of lakeObjectsUnder(s3, bucket, LAKE_PREFIX)) {
    usage.objects++;
    usage.bytes += bytes;
    usage.events += events;
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const lines = gunzipSync(await object.Body!.transformToByteArray()).toString('utf8').split('\n').filter(Boolean);
    const records = lines.map((line) => withoutProps(JSON.parse(line) as LakeRecord));
    usage.bytesWithoutProps += gzippedLength(records);
    usage.bytesWithoutPropsOrVisitIds += gzippedLength(records.map(withoutVisitId));
  }
  return usage;
}
