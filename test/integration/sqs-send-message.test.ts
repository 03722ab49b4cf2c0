// The ingest function's SendMessage (functions/commons/sqs-send-message.ts) against fauxqs over
// SQS's JSON protocol, directly and through a proxy that fails the attempts a test scripts:
// throttles, 5xx answers, dropped connections and silence are retried as the SDK's standard mode
// retries them, other errors are not, and a message is queued once.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createSqsSender, SqsSendError, type SendMessage } from '../../functions/commons/sqs-send-message.ts';
import { localSqsClient, LOCAL_CREDENTIALS } from '../../local/clients.ts';
import { LOCAL_REGION } from '../../local/template.ts';

type Fault = 'throttle' | '500' | '400' | 'reset' | 'silence' | 'bad-md5' | 'pass';

let sqs: SQSClient;
let queueUrl: string;
let endpoint: string;
let proxy: Server;
let proxyEndpoint: string;
/** What the proxy does with each request it gets, in order; `pass` once the script is spent. */
let script: Fault[] = [];
/** The requests the proxy got (target and whether they were signed with the session token). */
let seen: Array<{ target: string | undefined; token: string | undefined; authorization: string | undefined }> = [];

const readBody = async (message: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** Forwards a request to fauxqs and returns its answer. */
function forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = request(new URL(req.url ?? '/', endpoint), { method: req.method, headers: req.headers }, async (res) =>
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: await readBody(res) }),
    );
    out.on('error', reject);
    out.end(body);
  });
}

beforeAll(async () => {
  endpoint = inject('sqsEndpoint');
  sqs = localSqsClient(endpoint);
  ({ QueueUrl: queueUrl } = (await sqs.send(new CreateQueueCommand({ QueueName: `send-message-${Date.now()}` }))) as { QueueUrl: string });
  proxy = createServer(async (req, res) => {
    const body = await readBody(req);
    seen.push({ target: req.headers['x-amz-target'] as string, token: req.headers['x-amz-security-token'] as string, authorization: req.headers.authorization });
    const fault = script.shift() ?? 'pass';
    const error = (status: number, type: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', ...headers });
      res.end(JSON.stringify({ __type: `com.amazonaws.sqs#${type}`, message: `injected ${type}` }));
    };
    if (fault === 'throttle') return error(400, 'ThrottlingException', { 'x-amzn-query-error': 'ThrottlingException;Sender' });
    if (fault === '500') return error(500, 'InternalError');
    if (fault === '400') return error(400, 'InvalidParameterValue', { 'x-amzn-query-error': 'InvalidParameterValue;Sender' });
    if (fault === 'reset') return req.socket.destroy();
    if (fault === 'silence') return; // never answers; the sender's attempt timeout ends it
    const answer = await forward(req, body);
    const sent = fault === 'bad-md5' ? Buffer.from(JSON.stringify({ ...JSON.parse(answer.body.toString()), MD5OfMessageBody: '0'.repeat(32) })) : answer.body;
    res.writeHead(answer.status, { 'content-type': String(answer.headers['content-type']) });
    res.end(sent);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyEndpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
});

/** Every message now in the test queue's, received and deleted. */
async function drain(): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return bodies;
    for (const message of Messages) {
      bodies.push(message.Body!);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
    }
  }
}

/** A sender through the proxy whose backoffs are recorded, not waited, with a random number of 0.5. */
function scriptedSender(faults: Fault[], attemptTimeoutMs = 1_000): { send: SendMessage; waits: number[] } {
  script = [...faults];
  seen = [];
  const waits: number[] = [];
  const send = createSqsSender({
    region: LOCAL_REGION,
    endpoint: proxyEndpoint,
    credentials: { ...LOCAL_CREDENTIALS, sessionToken: 'session-token' },
    attemptTimeoutMs,
    random: () => 0.5,
    sleep: async (ms) => void waits.push(ms),
  });
  return { send, waits };
}

describe('SendMessage over the JSON protocol', () => {
  it('queues the body as sent and answers its MessageId, signed with the session token', async () => {
    // Prepare
    const send = createSqsSender({ region: LOCAL_REGION, endpoint, credentials: { ...LOCAL_CREDENTIALS, sessionToken: 'token' } });
    const body = JSON.stringify([{ site_id: 'émoji ✓', path: '/a b' }]);

    // Act
    const { MessageId } = await send({ QueueUrl: queueUrl, MessageBody: body });

    // Assess
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(Messages.map((m) => [m.MessageId, m.Body])).toEqual([[MessageId, body]]);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: Messages[0]!.ReceiptHandle! }));
  });

  it('sends the SendMessage target, the security token and a SigV4 authorization for sqs', async () => {
    // Prepare
    const { send } = scriptedSender([]);

    // Act
    await send({ QueueUrl: queueUrl, MessageBody: 'signed' });

    // Assess
    expect(seen).toEqual([
      { target: 'AmazonSQS.SendMessage', token: 'session-token', authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/sqs\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target;x-amzn-query-mode, Signature=[0-9a-f]{64}$/) },
    ]);
    expect(await drain()).toEqual(['signed']);
  });

  it.each([
    ['a 500 then a dropped connection', ['500', 'reset'] as Fault[], [25, 50]],
    ['a throttle (backoff base 1 s)', ['throttle'] as Fault[], [500]],
    ['an attempt that gets no answer', ['silence'] as Fault[], [25]],
  ])('retries %s and queues the message once', async (_name, faults, waits) => {
    // Prepare
    const sender = scriptedSender(faults, 300);

    // Act
    await sender.send({ QueueUrl: queueUrl, MessageBody: `after ${faults.join(',')}` });

    // Assess
    expect(seen).toHaveLength(faults.length + 1);
    expect(sender.waits).toEqual(waits);
    expect(await drain()).toEqual([`after ${faults.join(',')}`]);
  });

  it('gives up after 3 attempts with the last error', async () => {
    // Prepare
    const sender = scriptedSender(['500', 'throttle', '500']);

    // Act
    const error = await sender.send({ QueueUrl: queueUrl, MessageBody: 'never' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SqsSendError);
    expect(error).toMatchObject({ name: 'InternalError', statusCode: 500, attempts: 3 });
    expect(sender.waits).toEqual([25, 1_000]);
    expect(await drain()).toEqual([]);
  });

  it.each([
    ['a client error', ['400'] as Fault[], { name: 'InvalidParameterValue', statusCode: 400 }],
    ['an answer whose MD5 is not the body sent', ['bad-md5'] as Fault[], { name: 'InvalidChecksum' }],
  ])('does not retry %s', async (_name, faults, expected) => {
    // Prepare
    const sender = scriptedSender(faults);

    // Act
    const error = await sender.send({ QueueUrl: queueUrl, MessageBody: 'once at most' }).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ ...expected, attempts: 1 });
    expect(seen).toHaveLength(1);
    await drain();
  });

  it("names fauxqs' error for a queue that does not exist, unretried", async () => {
    // Prepare
    const sender = scriptedSender([]);

    // Act
    const error = await sender.send({ QueueUrl: `${queueUrl}-missing`, MessageBody: 'lost' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SqsSendError);
    expect((error as SqsSendError).statusCode).toBe(400);
    expect((error as SqsSendError).name).toMatch(/NonExistentQueue|QueueDoesNotExist/);
    expect(seen).toHaveLength(1);
  });
});
