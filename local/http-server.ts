// What the local stand-ins for API Gateway (api-server.ts) and for function URLs
// (function-url-server.ts) share as HTTP servers: a request body read up to the service's
// payload limit, a response written with the service's request id headers, and listening on a
// port and stopping.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpResponse } from './api-responses.ts';

/** The request's body, or undefined when it is over `limitBytes` (read to its end, not kept). */
export function readBoundedBody(req: http.IncomingMessage, limitBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limitBytes) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limitBytes ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Writes `response` with the service's own `headers` (its request ids) after the function's; no body for HEAD. */
export function writeResponse(req: http.IncomingMessage, res: http.ServerResponse, response: HttpResponse, headers: Record<string, string>): void {
  res.statusCode = response.statusCode;
  for (const [name, value] of Object.entries({ ...response.headers, ...headers })) res.setHeader(name, value);
  res.end(req.method === 'HEAD' ? undefined : response.body);
}

export interface Listening {
  readonly port: number;
  /** Closes the server and its open connections; the same promise however often it is called. */
  stop(): Promise<void>;
}

/**
 * Listens on `host`:`port` (0: any free port) with keep-alive connections held 65 s, as AWS's
 * front ends hold them; a port in use is an error that says so, with `choose` telling how to pick another.
 */
export async function listen(server: http.Server, host: string, port: number, choose: string): Promise<Listening> {
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} on ${host} is in use: ${choose}`) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  let stopped: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
