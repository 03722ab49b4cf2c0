// The load generator, in its own worker thread (loaded by Node's type stripping: erasable
// TypeScript only): POSTs the bodies in order over keep-alive connections with at most
// `concurrency` requests in flight, records each request's latency, and reports progress.
// Only 127.0.0.1 is accepted as a target. Bounded: each body is sent at most `maxAttempts`
// times, and nothing new starts after `deadline`.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { post, type PostResult } from '../lib/post.ts';

export interface LoadData {
  url: string;
  bodies: string[];
  /** Per body: index into userAgents. */
  userAgent: Uint8Array;
  userAgents: string[];
  /** Per body: index into addresses. */
  address: Uint32Array;
  /** Sent as X-Forwarded-For; '' sends none. */
  addresses: string[];
  /** Per body: 1 for Content-Type text/plain (sendBeacon), 0 for application/json. */
  textPlain: Uint8Array;
  concurrency: number;
  /** Epoch ms after which no request is started. */
  deadline: number;
  maxAttempts: number;
}

export type LoadToHost =
  | { type: 'progress'; sent: number; accepted: number; failedAttempts: number; at: number }
  | {
      type: 'done';
      /** Latency of every request (ms), in completion order. */
      latencies: Float64Array;
      /** Per body: 1 if it was accepted (202), else 0. */
      accepted: Uint8Array;
      statusCounts: Record<string, number>;
      requests: number;
      startedAt: number;
      finishedAt: number;
      timedOut: boolean;
      cpuUserMs: number;
      cpuSystemMs: number;
      firstErrors: string[];
    };

const data = workerData as LoadData;
const target = new URL(data.url);
if (target.hostname !== '127.0.0.1') throw new Error(`the load generator only sends to 127.0.0.1, not ${target.hostname}`);
const port = parentPort!;
const agent = new http.Agent({ keepAlive: true, maxSockets: data.concurrency, maxFreeSockets: data.concurrency });

const total = data.bodies.length;
const accepted = new Uint8Array(total);
const latencies = new Float64Array(total * 2);
let requests = 0;
let sent = 0;
let acceptedCount = 0;
let failedAttempts = 0;
let timedOut = false;
const statusCounts: Record<string, number> = {};
const firstErrors: string[] = [];

function postEvent(i: number): Promise<PostResult> {
  const headers: Record<string, string> = {
    'content-type': data.textPlain[i] ? 'text/plain;charset=UTF-8' : 'application/json',
    'user-agent': data.userAgents[data.userAgent[i]!]!,
    origin: 'https://www.example.com',
  };
  const forwardedFor = data.addresses[data.address[i]!];
  if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
  return post(agent, target, data.bodies[i]!, headers, 30_000);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let next = 0;
async function lane(): Promise<void> {
  for (;;) {
    if (Date.now() > data.deadline) {
      timedOut = next < total;
      return;
    }
    const i = next++;
    if (i >= total) return;
    sent++;
    for (let attempt = 1; attempt <= data.maxAttempts; attempt++) {
      const t0 = performance.now();
      let status = 0;
      let detail = '';
      try {
        const res = await postEvent(i);
        status = res.status;
        if (status !== 202) detail = res.text.slice(0, 200);
      } catch (error) {
        detail = (error as Error).message;
      }
      if (requests < latencies.length) latencies[requests] = performance.now() - t0;
      requests++;
      statusCounts[String(status)] = (statusCounts[String(status)] ?? 0) + 1;
      if (status === 202) {
        accepted[i] = 1;
        acceptedCount++;
        break;
      }
      failedAttempts++;
      if (firstErrors.length < 10) firstErrors.push(`event ${i} attempt ${attempt}: ${status || 'network error'} ${detail}`);
      // The same body again: its event_id makes a retry count once.
      await sleep(100 * attempt);
    }
  }
}

const startedAt = Date.now();
const progress = setInterval(() => {
  port.postMessage({ type: 'progress', sent, accepted: acceptedCount, failedAttempts, at: Date.now() } satisfies LoadToHost);
}, 1000);
await Promise.all(Array.from({ length: data.concurrency }, () => lane()));
const finishedAt = Date.now();
clearInterval(progress);
agent.destroy();
const cpu = process.threadCpuUsage();
const done: LoadToHost = {
  type: 'done',
  latencies: latencies.slice(0, Math.min(requests, latencies.length)),
  accepted,
  statusCounts,
  requests,
  startedAt,
  finishedAt,
  timedOut,
  cpuUserMs: cpu.user / 1000,
  cpuSystemMs: cpu.system / 1000,
  firstErrors,
};
port.postMessage(done);
