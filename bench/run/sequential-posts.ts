// `npm run bench`: POSTs one at a time, to time a single ingest invocation.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { post } from '../lib/post.ts';
import { USER_AGENTS } from '../workload/clients.ts';

/** One POST at a time over one keep-alive connection; returns client-side latencies. */
export async function sequentialPosts(url: string, bodies: string[], deadline: number): Promise<number[]> {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // Like the workload's requests: a browser's User-Agent and a public address to look up.
  const headers = { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': USER_AGENTS[0]!, 'x-forwarded-for': CALIBRATION_ADDRESS };
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

/** A public address the country database places (a header value only: nothing is sent to it). */
const CALIBRATION_ADDRESS = '8.8.8.8';

/**
 * `count` page views of a site of its own (not in the workload), timestamped a second ago, each
 * with its own event_id and, like the workload's, a visit with a campaign entry URL and a referrer.
 */
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
      visit: {
        page: 1 + (i % 3),
        gap_ms: i % 3 === 0 ? 0 : 30_000,
        entry: 'https://calibration.bench.example/calibration/0?utm_source=newsletter&utm_medium=email&utm_campaign=weekly-digest',
        referrer: 'https://www.google.com/',
      },
    }),
  );
}
