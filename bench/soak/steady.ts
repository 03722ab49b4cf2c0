// `npm run soak`: the steady load itself: the planned requests sent at the run's rate to
// POST /event and POST /events, each retried on 5xx, 429 or a lost connection.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { USER_AGENTS } from '../workload/clients.ts';
import { sleep } from '../lib/numbers.ts';
import { post } from '../lib/post.ts';
import { eventsDue, planRequests, type LatencyWindows } from './load.ts';
import type { SoakOptions } from './options.ts';
import { prng } from '../lib/random.ts';
import { recordTruth, type SiteTruth, type Workload } from '../workload/workload.ts';

/** Requests in flight at most; past it the load falls behind (reported) instead of piling up. */
const MAX_IN_FLIGHT = 256;
/** Attempts per request: a 5xx, 429 or lost connection is retried with the same body (event ids make it count once). */
const MAX_ATTEMPTS = 5;
const REQUEST_TIMEOUT_MS = 30_000;

export interface LoadOutcome {
  requests: number;
  /** Events sent (their request was made), whatever the answer. */
  sentEvents: number;
  acceptedEvents: number;
  /** The ground truth of the events that got a 202: what GET /stats must count. */
  acceptedTruth: Map<string, SiteTruth>;
  /** Events sent whose request never got a 202 (after retries, or refused). */
  unacceptedEvents: number;
  statusCounts: Record<string, number>;
  firstErrors: string[];
  /** Most events due but not yet sent at any moment (the load fell behind by this much). */
  maxLagEvents: number;
  seconds: number;
}

/**
 * Sends the workload at `opts.rate` events per second: one POST per planned request, never more
 * than MAX_IN_FLIGHT at once, each retried on 5xx/429/lost connections. Calls `onWindow` as each
 * window of the run ends. A load that falls behind stops a minute after its planned end, with
 * the rest of the workload not sent.
 */
export async function steadyLoad(
  url: string,
  workload: Workload,
  opts: SoakOptions,
  windows: LatencyWindows,
  startMs: number,
  onWindow: (index: number) => Promise<void>,
): Promise<LoadOutcome> {
  const sizes = planRequests(workload.bodies.length, opts.batchPercent, opts.batchSize, prng(opts.seed + 1));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const eventUrl = new URL(`${url}/event`);
  const batchUrl = new URL(`${url}/events`);
  const outcome: LoadOutcome = {
    requests: 0,
    sentEvents: 0,
    acceptedEvents: 0,
    acceptedTruth: new Map(),
    unacceptedEvents: 0,
    statusCounts: {},
    firstErrors: [],
    maxLagEvents: 0,
    seconds: 0,
  };
  const windowMs = opts.windowSeconds * 1000;
  const loadDeadline = startMs + opts.minutes * 60_000 + 60_000;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();

  const send = async (first: number, size: number): Promise<void> => {
    const single = size === 1;
    const body = single ? workload.bodies[first]! : `[${workload.bodies.slice(first, first + size).join(',')}]`;
    // A batch is sent with its first event's User-Agent and address: all its events get that audience.
    const headers: Record<string, string> = {
      'content-type': single && workload.beaconContentType[first] ? 'text/plain;charset=UTF-8' : 'application/json',
      'user-agent': USER_AGENTS[workload.userAgent[first]!]!,
    };
    const forwardedFor = workload.addresses[workload.address[first]!];
    if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const started = performance.now();
      const startedMs = Date.now();
      let status = 0;
      let detail = '';
      try {
        const answer = await post(agent, single ? eventUrl : batchUrl, body, headers, REQUEST_TIMEOUT_MS);
        status = answer.status;
        detail = answer.text.slice(0, 200);
      } catch (error) {
        detail = (error as Error).message;
      }
      outcome.requests++;
      outcome.statusCounts[status || 'error'] = (outcome.statusCounts[status || 'error'] ?? 0) + 1;
      windows.add(startedMs, performance.now() - started, size, status === 202);
      if (status === 202) {
        outcome.acceptedEvents += size;
        for (let i = first; i < first + size; i++) recordTruth(outcome.acceptedTruth, workload.beacons[i]!, workload.audience[first]!);
        return;
      }
      if (outcome.firstErrors.length < 5) outcome.firstErrors.push(`${single ? 'POST /event' : 'POST /events'} ${status || 'no answer'}: ${detail}`);
      if (status !== 0 && status !== 429 && status < 500) break;
      await sleep(250 * attempt);
    }
    outcome.unacceptedEvents += size;
  };

  let next = 0;
  let scheduled = 0;
  let windowIndex = 0;
  while (next < sizes.length && Date.now() < loadDeadline) {
    const now = Date.now();
    const due = eventsDue(now - startMs, opts.rate);
    while (scheduled < due && next < sizes.length && inFlight < MAX_IN_FLIGHT) {
      const size = sizes[next++]!;
      const request = send(scheduled, size).finally(() => {
        inFlight--;
        pending.delete(request);
      });
      inFlight++;
      pending.add(request);
      scheduled += size;
    }
    outcome.maxLagEvents = Math.max(outcome.maxLagEvents, Math.min(due, workload.bodies.length) - scheduled);
    // The last window is reported once its stragglers are in, after the loop.
    if (now - startMs >= (windowIndex + 1) * windowMs && (windowIndex + 1) * windowMs < opts.minutes * 60_000) await onWindow(windowIndex++);
    await sleep(5);
  }
  await Promise.all(pending);
  outcome.seconds = (Date.now() - startMs) / 1000;
  // The windows not reported yet, up to the last one (which holds the stragglers).
  for (; windowIndex < Math.ceil((opts.minutes * 60) / opts.windowSeconds); windowIndex++) await onWindow(windowIndex);
  outcome.sentEvents = scheduled;
  agent.destroy();
  return outcome;
}

