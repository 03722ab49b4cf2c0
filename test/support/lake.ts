// Reads the raw-event lake back in tests: every line of every object of some sites.
import type { S3Client } from '@aws-sdk/client-s3';
import { siteFolder, type LakeObject, type LakeRecord } from '../../functions/domain/lake.ts';
import { readLakeObject } from '../../functions/store/lake/lake-objects.ts';
import { lakeObjectsUnder, listLakeObjects } from '../../functions/store/lake/lake-listing.ts';

export interface LakeLine {
  key: string;
  date: string;
  record: LakeRecord;
}

/** The objects an export of a site lists (those a compacted object beside them holds left out). */
async function exported(s3: S3Client, bucket: string, siteId: string): Promise<LakeObject[]> {
  return (await listLakeObjects(s3, bucket, siteId, { from: '0000-00-00', to: '9999-99-99' })).objects;
}

/** Every object in a site's folder, as it is. */
async function stored(s3: S3Client, bucket: string, siteId: string): Promise<LakeObject[]> {
  const objects: LakeObject[] = [];
  for await (const object of lakeObjectsUnder(s3, bucket, siteFolder(siteId))) objects.push(object);
  return objects;
}

/**
 * Every line in the lake objects of `siteIds`, with the object each came from; checks each key's
 * event count. `as: 'exported'` (default) reads the objects an export lists, `'stored'` every object.
 */
export async function lakeLines(s3: S3Client, bucket: string, siteIds: Iterable<string>, as: 'exported' | 'stored' = 'exported'): Promise<LakeLine[]> {
  const lines: LakeLine[] = [];
  for (const siteId of siteIds) {
    for (const { key, date, events } of await (as === 'stored' ? stored : exported)(s3, bucket, siteId)) {
      const records = await readLakeObject(s3, bucket, key);
      if (records.length !== events) throw new Error(`${key} holds ${records.length} events, its name says ${events}`);
      lines.push(...records.map((record) => ({ key, date, record })));
    }
  }
  return lines;
}
