import { gzipSync } from 'node:zlib';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { dayFolder, LAKE_PREFIX } from '../../domain/lake.ts';
import { encodeManifest, manifestKey } from '../../domain/lake-compaction.ts';
import { mapLimitSettled } from '../../commons/map-limit.ts';

export { readManifest } from './held-sources.ts';

/** Deletions in flight at once. */
const DELETE_CONCURRENCY = 16;

/** Every key in the folder of a site's day: its objects and the manifests of its compacted objects. */
export async function listDayKeys(s3: S3Client, bucket: string, siteId: string, day: string): Promise<string[]> {
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: dayFolder(siteId, day), ContinuationToken }));
    for (const { Key } of page.Contents ?? []) if (Key) keys.push(Key);
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return keys;
}

/**
 * Writes a compacted object: its manifest first, so that whoever lists the object can tell which
 * of the objects beside it it already holds, then the object (NDJSON `body`, gzipped).
 */
export async function writeCompacted(s3: S3Client, bucket: string, key: string, sources: readonly string[], body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: manifestKey(key), Body: encodeManifest(key, sources), ContentType: 'application/json' }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: gzipSync(body), ContentType: 'application/gzip' }));
}

/** Deletes objects (a key already gone is no error). */
export async function deleteKeys(s3: S3Client, bucket: string, keys: readonly string[]): Promise<void> {
  await mapLimitSettled(keys, DELETE_CONCURRENCY, (Key) => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key })));
}

/** The sites that have a folder in the lake. */
export async function listSites(s3: S3Client, bucket: string): Promise<string[]> {
  const sites: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: LAKE_PREFIX, Delimiter: '/', ContinuationToken }));
    for (const { Prefix } of page.CommonPrefixes ?? []) {
      const site = /^events\/site_id=([^/]+)\/$/.exec(Prefix ?? '')?.[1];
      if (site) sites.push(site);
    }
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return sites;
}
