// Reads the raw-event lake back in tests: every line of every object of some sites.
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { parseLakeKey, siteFolder, type LakeRecord } from '../../functions/domain/lake.ts';

export interface LakeLine {
  key: string;
  date: string;
  record: LakeRecord;
}

/** Every line in the lake objects of `siteIds`, with the object each came from; checks each key's event count. */
export async function lakeLines(s3: S3Client, bucket: string, siteIds: Iterable<string>): Promise<LakeLine[]> {
  const lines: LakeLine[] = [];
  for (const siteId of siteIds) {
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: siteFolder(siteId), ContinuationToken }));
      for (const { Key } of page.Contents ?? []) {
        const parsed = parseLakeKey(Key!);
        if (!parsed) throw new Error(`not a lake object: ${Key}`);
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
        const text = gunzipSync(Buffer.from(await object.Body!.transformToByteArray())).toString('utf8');
        const records = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LakeRecord);
        if (records.length !== parsed.events) throw new Error(`${Key} holds ${records.length} events, its name says ${parsed.events}`);
        lines.push(...records.map((record) => ({ key: Key!, date: parsed.date, record })));
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }
  return lines;
}
