// An HTTP server standing in for API Gateway (REST API, v1): matches requests to the template's
// resources and methods, builds the Lambda proxy integration event, invokes the function and
// turns its proxy response into the HTTP response, with API Gateway's error responses. Route
// matching is api-routes.ts, the event api-event.ts, the responses api-responses.ts.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { buildProxyEvent, type ProxyEvent } from './api-event.ts';
import {
  ENDPOINT_TIMED_OUT,
  INTERNAL_SERVER_ERROR,
  MISSING_AUTH_TOKEN,
  REQUEST_TOO_LONG,
  gatewayError,
  proxyResultToHttp,
  type HttpResponse,
} from './api-responses.ts';
import { matchRoute } from './api-routes.ts';
import type { FunctionHost, InvokeResult } from './function-host.ts';
import { listen, readBoundedBody, writeResponse } from './http-server.ts';
import type { RestApiModel } from './template.ts';

/** API Gateway's maximum request payload. */
export const API_PAYLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

export interface ApiServerOptions {
  api: RestApiModel;
  /** Function hosts by logical id. */
  functions: Record<string, FunctionHost>;
  /** Port to listen on (0 = any free port); default: $PORT, else 3000. */
  port?: number;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  accountId: string;
  region: string;
  /** One line per request when set. */
  logRequest?: (line: string) => void;
}

export interface ApiServer {
  /** Base URL without the stage, e.g. http://127.0.0.1:3000 (routes answer at /<path> and /<stage>/<path>). */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const { api } = opts;
  const stageNames = api.stages.map((s) => s.name);
  const defaultStage = stageNames[0] ?? 'prod';

  const invokeWithIntegrationTimeout = async (host: FunctionHost, event: ProxyEvent, timeoutMs: number): Promise<InvokeResult | 'timeout'> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      return await Promise.race([host.invoke(event), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const handle = async (req: http.IncomingMessage, receivedAt: Date, requestId: string): Promise<HttpResponse> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const rawPath = url.pathname;
    let path = rawPath;
    let stage = defaultStage;
    const first = rawPath.split('/')[1];
    if (first && stageNames.includes(first)) {
      stage = first;
      path = rawPath.slice(first.length + 1) || '/';
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const match = matchRoute(api.routes, method, path);
    const body = await readBoundedBody(req, API_PAYLOAD_LIMIT_BYTES);
    if (!body) return gatewayError(api, 'REQUEST_TOO_LARGE', REQUEST_TOO_LONG(), 'Request Too Long');
    if (!match) return gatewayError(api, 'MISSING_AUTHENTICATION_TOKEN', MISSING_AUTH_TOKEN(), 'Missing Authentication Token');
    const { integration } = match.route;
    if (integration.type === 'MOCK') {
      return { statusCode: integration.statusCode, headers: { ...integration.headers }, body: Buffer.from(integration.body ?? '') };
    }
    if (integration.type !== 'AWS_PROXY') return INTERNAL_SERVER_ERROR();
    const host = opts.functions[integration.functionLogicalId];
    if (!host) return INTERNAL_SERVER_ERROR();
    const socket = req.socket;
    const event = buildProxyEvent(
      api,
      stage,
      match,
      {
        method,
        path: path.length > 1 ? path.replace(/\/+$/, '') : path,
        rawPath,
        query: url.search.slice(1),
        rawHeaders: req.rawHeaders,
        body,
        sourceIp: (socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        localPort: socket.localPort ?? 0,
        receivedAt,
      },
      { accountId: opts.accountId, requestId },
    );
    const result = await invokeWithIntegrationTimeout(host, event, integration.timeoutMs);
    if (result === 'timeout') return gatewayError(api, 'INTEGRATION_TIMEOUT', ENDPOINT_TIMED_OUT(), 'Endpoint request timed out');
    const failed = (): HttpResponse => gatewayError(api, 'DEFAULT_5XX', INTERNAL_SERVER_ERROR(), 'Internal server error');
    if (!result.ok) return failed();
    return proxyResultToHttp(result.payload) ?? failed();
  };

  const server = http.createServer((req, res) => {
    const receivedAt = new Date();
    const requestId = randomUUID();
    handle(req, receivedAt, requestId)
      .catch(() => INTERNAL_SERVER_ERROR())
      .then((response) => {
        writeResponse(req, res, response, { 'x-amzn-RequestId': requestId, 'x-amz-apigw-id': requestId.slice(0, 8) + '=' });
        opts.logRequest?.(`${req.method} ${req.url} -> ${response.statusCode} (${Date.now() - receivedAt.getTime()} ms)`);
      });
  });
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? (process.env.PORT ? Number(process.env.PORT) : 3000);
  const listening = await listen(server, host, port, 'choose another with --port or PORT');
  return { url: `http://${host}:${listening.port}`, port: listening.port, stop: listening.stop };
}
