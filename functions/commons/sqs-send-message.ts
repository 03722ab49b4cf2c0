import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { request as httpsRequest } from 'node:https';
import { backoffMs, failureType, MAX_ATTEMPTS, RetryQuota, type AttemptFailure } from './aws-retry.ts';
import { signRequest, type AwsCredentials } from './aws-sigv4.ts';
import { requireEnv } from './env.ts';

/**
 * SQS SendMessage without the SDK: one request of SQS's JSON protocol (what @aws-sdk/client-sqs
 * sends), signed with Signature Version 4, retried as the SDK's standard mode retries
 * (aws-retry.ts), its answer's MD5OfMessageBody checked as the SDK checks it. It exists for the
 * ingest function, whose cold start loading @aws-sdk/client-sqs would more than double
 * (docs/benchmarks.md); every other user of SQS keeps the SDK client.
 */

// node:http (for an emulator's http:// endpoint) through require: imported as an ES module, Node
// reads every export of it, which loads its bundled undici for the fetch-related ones (about 25 ms
// of cold start). node:https, which AWS endpoints use, has no such export.
const { request: httpRequest } = createRequire(import.meta.url)('node:http') as typeof import('node:http');

export interface SendMessageInput {
  readonly QueueUrl: string;
  readonly MessageBody: string;
}

export interface SendMessageOutput {
  readonly MessageId: string;
}

/** Sends one message; rejects with an {@link SqsSendError} once retries are spent or the failure is final. */
export type SendMessage = (input: SendMessageInput) => Promise<SendMessageOutput>;

/** A SendMessage that failed: the service's error code (e.g. `QueueDoesNotExist`) or the network error's. */
export class SqsSendError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    /** The HTTP status of the last attempt; undefined when it got no answer. */
    readonly statusCode: number | undefined,
    readonly attempts: number,
  ) {
    super(message);
  }
}

export interface SqsSenderOptions {
  readonly region: string;
  /** The SQS endpoint requests go to (never a queue URL's host): `https://sqs.<region>.amazonaws.com` by default. */
  readonly endpoint?: string;
  readonly credentials: AwsCredentials;
  /** Milliseconds an attempt may take before it is abandoned and counted as a `TimeoutError`. */
  readonly attemptTimeoutMs?: number;
  /** For tests: the random numbers of the backoff, and the wait. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * An attempt abandoned after 1 s: three of them and their backoffs end within the ingest
 * function's 5 s timeout, so a queue that does not answer is a 503 the client retries, not a
 * timed-out invocation. SendMessage answers in tens of milliseconds.
 */
export const ATTEMPT_TIMEOUT_MS = 1_000;

/**
 * The sender of a Lambda function: credentials, region and endpoint from its environment, read
 * once (AWS_ENDPOINT_URL_SQS, else AWS_ENDPOINT_URL, points it at an emulator, as for the SDK).
 */
export function sqsSenderFromEnv(env: NodeJS.ProcessEnv = process.env): SendMessage {
  const sessionToken = env.AWS_SESSION_TOKEN;
  return createSqsSender({
    region: requireEnv('AWS_REGION', env),
    endpoint: env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL || undefined,
    credentials: {
      accessKeyId: requireEnv('AWS_ACCESS_KEY_ID', env),
      secretAccessKey: requireEnv('AWS_SECRET_ACCESS_KEY', env),
      ...(sessionToken ? { sessionToken } : {}),
    },
  });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function createSqsSender(options: SqsSenderOptions): SendMessage {
  const endpoint = new URL(options.endpoint ?? `https://sqs.${options.region}.amazonaws.com`);
  // Node's global agents keep connections open between requests (keepAlive), as the SDK's handler does.
  const send = endpoint.protocol === 'https:' ? httpsRequest : httpRequest;
  const timeoutMs = options.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const quota = new RetryQuota();

  const attempt = (body: string): Promise<Answer> => {
    const headers = signRequest(
      {
        method: 'POST',
        url: endpoint,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage', 'x-amzn-query-mode': 'true' },
        body,
      },
      { credentials: options.credentials, region: options.region, service: 'sqs', date: new Date() },
    );
    return new Promise<Answer>((resolve, reject) => {
      const req = send(endpoint, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'TimeoutError' })));
      req.on('error', reject);
      req.end(body);
    });
  };

  return async (input) => {
    const body = JSON.stringify({ QueueUrl: input.QueueUrl, MessageBody: input.MessageBody });
    let spent: number | undefined;
    for (let attempts = 1; ; attempts++) {
      let failure: AttemptFailure;
      let error: SqsSendError;
      try {
        const answer = await attempt(body);
        if (answer.status >= 200 && answer.status < 300) {
          quota.succeeded(spent);
          return checkedOutput(answer.body, input.MessageBody, attempts);
        }
        const code = errorCode(answer);
        failure = { kind: 'response', status: answer.status, code, retryAfter: header(answer, 'retry-after') };
        error = new SqsSendError(code, errorMessage(answer.body), answer.status, attempts);
      } catch (thrown) {
        if (thrown instanceof SqsSendError) throw thrown;
        const cause = thrown as NodeJS.ErrnoException;
        failure = { kind: 'network', code: cause.code };
        error = new SqsSendError(cause.code ?? cause.name, cause.message, undefined, attempts);
      }
      const type = failureType(failure);
      if (type === 'final' || attempts >= MAX_ATTEMPTS) throw error;
      const cost = quota.take(type);
      if (cost === undefined) throw error;
      spent = cost;
      await sleep(backoffMs(type, attempts - 1, failure.kind === 'response' ? failure.retryAfter : undefined, random()));
    }
  };
}

const header = (answer: Answer, name: string): string | undefined => {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The error's code: the query-compatible code SQS sends in a header, else the JSON `__type`'s shape name. */
function errorCode(answer: Answer): string {
  const compatible = header(answer, 'x-amzn-query-error')?.split(';')[0];
  if (compatible) return compatible;
  try {
    const type = (JSON.parse(answer.body) as { __type?: unknown }).__type;
    if (typeof type === 'string' && type) return type.slice(type.lastIndexOf('#') + 1);
  } catch {
    // not JSON: a proxy's or load balancer's page
  }
  return `Http${answer.status}`;
}

function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; Message?: unknown };
    const message = parsed.message ?? parsed.Message;
    if (typeof message === 'string') return message;
  } catch {
    // not JSON
  }
  return body.slice(0, 200) || 'UnknownError';
}

/** The answer of a SendMessage, its MD5OfMessageBody checked against what was sent. */
function checkedOutput(body: string, messageBody: string, attempts: number): SendMessageOutput {
  const output = JSON.parse(body) as { MessageId?: unknown; MD5OfMessageBody?: unknown };
  const md5 = createHash('md5').update(messageBody, 'utf8').digest('hex');
  if (output.MD5OfMessageBody !== md5 || typeof output.MessageId !== 'string') {
    throw new SqsSendError('InvalidChecksum', `Invalid MD5 checksum on the message sent (MessageId ${String(output.MessageId)})`, undefined, attempts);
  }
  return { MessageId: output.MessageId };
}
