import type { S3Client } from '@aws-sdk/client-s3';
import { onFirstUse } from './on-first-use.ts';

/**
 * An S3 client made on first use, the S3 package imported then: for a function that needs S3 on
 * one route only (the stats function's exports), so its other routes start without loading it
 * (see on-first-use.ts). A module apart from s3-client.ts, whose static import a bundler would
 * lift to the top of the bundle.
 */
export function lazyS3Client(): () => Promise<S3Client> {
  return onFirstUse(() => import('@aws-sdk/client-s3').then(({ S3Client: Client }) => new Client({})));
}
