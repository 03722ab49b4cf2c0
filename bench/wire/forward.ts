// A pass-through HTTP proxy on 127.0.0.1 that shows each call, request and response, to an
// observer (the counting proxies' worker, proxy.ts; erasable TypeScript only).
import http from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'te', 'trailer']);

/** `startedAt`: when the request had arrived whole; `at`: when the response came back. */
export type Observer = (target: string, request: Buffer, status: number, response: Buffer, at: number, startedAt: number) => void;

export function startProxy(upstream: string, observe: Observer): Promise<http.Server> {
  const url = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const startedAt = Date.now();
      const body = Buffer.concat(chunks);
      const headers: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
      const upstreamReq = http.request(
        { host: url.hostname, port: url.port, method: req.method, path: req.url, headers, agent },
        (upstreamRes) => {
          const out: Buffer[] = [];
          upstreamRes.on('data', (chunk: Buffer) => out.push(chunk));
          upstreamRes.on('end', () => {
            const responseBody = Buffer.concat(out);
            const responseHeaders: http.OutgoingHttpHeaders = {};
            for (const [name, value] of Object.entries(upstreamRes.headers)) if (!HOP_BY_HOP.has(name)) responseHeaders[name] = value;
            responseHeaders['content-length'] = responseBody.length;
            const status = upstreamRes.statusCode ?? 502;
            try {
              observe(String(req.headers['x-amz-target'] ?? ''), body, status, responseBody, Date.now(), startedAt);
            } catch {
              // accounting must never break the proxied call
            }
            res.writeHead(status, responseHeaders);
            res.end(responseBody);
          });
          upstreamRes.on('error', () => res.destroy());
        },
      );
      upstreamReq.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstreamReq.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
