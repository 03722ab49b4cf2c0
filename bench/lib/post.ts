// `npm run bench`: one POST over a keep-alive agent, to 127.0.0.1 only.
import http from 'node:http';

export interface PostResult {
  status: number;
  text: string;
}

/** POSTs `body` to `target` (127.0.0.1 only) and reads the whole answer. */
export function post(agent: http.Agent, target: URL, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  if (target.hostname !== '127.0.0.1') return Promise.reject(new Error(`the bench only sends to 127.0.0.1, not ${target.hostname}`));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`request timed out after ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}
