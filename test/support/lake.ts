// Reads the raw-event lake back in tests: every line of every object of some sites.
import type { S3Client } from '@aws-sdk/client-s3';
import type { LakeRecord } from '../../functions/domain/lake.ts';
import { readLakeObject } from '../../functions/store/lake/lake-objects.ts';
import { listLakeObjects } from '../../functions/store/lake/lake-listing.ts';

export interface LakeLine {
  key: string;
  date: string;
  record: LakeRecord;
}

/** Every line in the lake objects of `siteIds`, with the object each came from; checks each key's event count. */
export async function lakeLines(s3: S3Client, bucket: string, siteIds: Iterable<string>): Promise<LakeLine[]> {
  const lines: LakeLine[] = [];
  for (const siteId of siteIds) {
    const { objects } = await listLakeObjects(s3, bucket, siteId, { from: '0000-00-00', to: '9999-99-99' });
    for (const { key, date, events } of objects) {
      const records = await readLakeObject(s3, bucket, key);
      if (records.length !== events) throw new Error(`${key} holds ${records.length} events, its name says ${events}`);
      lines.push(...records.map((record) => ({ key, date, record })));
    }
  }
  return lines;
}
