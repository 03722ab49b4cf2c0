import { S3Client } from '@aws-sdk/client-s3';

/**
 * S3 client for the raw-event lake. The endpoint comes from AWS_ENDPOINT_URL_S3 where one is set
 * (the local runtime's emulator, an IP address, which the SDK addresses path-style).
 */
export function createS3Client(config: ConstructorParameters<typeof S3Client>[0] = {}): S3Client {
  return new S3Client(config);
}
