// `npm run bench`: POSTs one at a time, to time a single ingest invocation.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { post } from './post.ts';
import { USER_AGENTS } from './workload.ts';

/** One POST at a time over one keep-alive connection; returns client-side latencies. */
export async function sequentialPosts(url: string, bodies: string[], deadline: number): Promise<number[]> {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': USER_AGENTS[0]! };
  const latencies: number[] = [];
  try {
    for (const body of bodies) {
      if (Date.now() > deadline) break;
      const t0 = performance.now();
      await post(agent, target, body, headers, 10_000);
      latencies.push(performance.now() - t0);
    }
  } finally {
    agent.destroy();
  }
  return latencies;
}

/** `count` page views of a site of its own (not in the workload), timestamped a second ago, each with its own event_id. */
export function calibrationBeacons(count: number): string[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      site_id: 'calibration.bench.example',
      event_type: 'page_view',
      path: `/calibration/${i % 20}`,
      user_id: `calibration-user-${i % 50}`,
      timestamp: new Date(now - 1000).toISOString(),
      event_id: `calibration-${now.toString(36)}-${i}`,
    }),
  );
}
