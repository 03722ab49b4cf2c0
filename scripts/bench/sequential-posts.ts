// `npm run bench`: POSTs one at a time, to time a single ingest invocation.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { USER_AGENTS } from './workload.ts';

/** One POST at a time over one keep-alive connection; returns client-side latencies. */
export async function sequentialPosts(url: string, bodies: string[], deadline: number): Promise<number[]> {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') throw new Error('only 127.0.0.1');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  try {
    for (const body of bodies) {
      if (Date.now() > deadline) break;
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        const req = http.request(
          {
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: 'POST',
            agent,
            headers: { 'content-type': 'text/plain;charset=UTF-8', 'content-length': Buffer.byteLength(body), 'user-agent': USER_AGENTS[0]! },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve());
          },
        );
        req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
        req.on('error', reject);
        req.end(body);
      });
      latencies.push(performance.now() - t0);
    }
  } finally {
    agent.destroy();
  }
  return latencies;
}
