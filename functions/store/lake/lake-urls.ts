import type { S3Client } from '@aws-sdk/client-s3';

/**
 * Pre-signed GET URLs of lake objects: whoever holds one downloads that object, with the signing
 * function's rights, until it expires. Signing is local (no request to S3). The S3 package and
 * the signer are imported on the first call, so the stats function loads them for exports only
 * (see lake-listing.ts).
 */
export async function signedUrls(s3: S3Client, bucket: string, keys: readonly string[], expiresInSeconds: number): Promise<string[]> {
  const [{ GetObjectCommand }, { getSignedUrl }] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/s3-request-presigner')]);
  return Promise.all(keys.map((Key) => getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key }), { expiresIn: expiresInSeconds })));
}
