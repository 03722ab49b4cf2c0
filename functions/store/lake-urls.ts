import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/**
 * Pre-signed GET URLs of lake objects: whoever holds one downloads that object, with the signing
 * function's rights, until it expires. Signing is local (no request to S3).
 */
export function signedUrls(s3: S3Client, bucket: string, keys: readonly string[], expiresInSeconds: number): Promise<string[]> {
  return Promise.all(keys.map((Key) => getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key }), { expiresIn: expiresInSeconds })));
}
