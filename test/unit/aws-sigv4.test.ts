// Signature Version 4 of the requests the ingest function signs itself (aws-sigv4.ts): the
// `get-vanilla` vector of AWS's SigV4 test suite, and agreement with the SDK's own signer
// (@smithy/signature-v4) on SendMessage requests with and without a session token.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { amzDate, signRequest } from '../../functions/commons/aws-sigv4.ts';

// The suite's credentials, scope and time (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
const SUITE = {
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1',
  service: 'service',
  date: new Date('2015-08-30T12:36:00Z'),
};

/** The SDK's hash constructor (a hash, or an HMAC when given a secret), over node:crypto. */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

describe('signRequest', () => {
  it('signs the suite\'s get-vanilla request as the suite does', () => {
    // Act
    const headers = signRequest({ method: 'GET', url: new URL('https://example.amazonaws.com/'), headers: {}, body: '' }, SUITE);

    // Assess
    expect(headers).toEqual({
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    });
  });

  it('writes x-amz-date as the suite does', () => {
    // Act & Assess
    expect(amzDate(new Date('2015-08-30T12:36:00.999Z'))).toBe('20150830T123600Z');
  });

  it.each([
    ['with a session token', { sessionToken: 'FQoGZXIvYXdzEJr//////////wEaDOJ+session/token==' }],
    ['without one', {}],
  ])('agrees with the SDK signer on a SendMessage request %s', async (_name, token) => {
    // Prepare
    const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', ...token };
    const date = new Date('2026-12-06T13:45:07Z');
    const body = JSON.stringify({ QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/Events', MessageBody: '[{"p":"/é  x"}]' });
    const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage', 'x-amzn-query-mode': 'true' };
    const sdk = new SignatureV4({ credentials, region: 'eu-west-1', service: 'sqs', sha256: Sha256 as never, applyChecksum: false });

    // Act
    const ours = signRequest({ method: 'POST', url: new URL('https://sqs.eu-west-1.amazonaws.com/'), headers, body }, { credentials, region: 'eu-west-1', service: 'sqs', date });
    const theirs = await sdk.sign(
      { method: 'POST', protocol: 'https:', hostname: 'sqs.eu-west-1.amazonaws.com', path: '/', query: {}, headers: { ...headers, host: 'sqs.eu-west-1.amazonaws.com' }, body },
      { signingDate: date },
    );

    // Assess
    expect(ours.authorization).toBe(theirs.headers.authorization);
    expect(ours['x-amz-security-token']).toBe(theirs.headers['x-amz-security-token']);
  });
});
