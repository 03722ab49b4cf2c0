// HTTP servers standing in for Lambda function URLs (AWS::Lambda::Url), one port each: every
// method and path goes to the function as a payload format 2.0 event (route key `$default`), CORS
// as the URL's configuration says (function-url-cors.ts), and the function's answer as a function
// URL turns it into HTTP (a result without statusCode is a 200 JSON body).
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { isBinaryContentType } from './api-event.ts';
import { proxyResultToHttp, type HttpResponse } from './api-responses.ts';
import { preflightHeaders, withCorsHeaders } from './function-url-cors.ts';
import { listen, readBoundedBody, writeResponse } from './http-server.ts';
import type { FunctionHost } from './function-host.ts';
import { templateFunctionUrls, type FunctionUrlModel } from './template-function-urls.ts';
import type { TemplateModel } from './template-model.ts';

/** A function URL's largest request payload (Lambda's synchronous invocation limit). */
export const FUNCTION_URL_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

export interface FunctionUrls {
  /** Each URL by the logical id of its AWS::Lambda::Url, ending in `/` as on AWS. */
  readonly urls: Record<string, string>;
  stop(): Promise<void>;
}

const text = (statusCode: number, message: string): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify({ Message: message })),
});

/** The payload format 2.0 event of a function URL request. */
function urlEvent(req: http.IncomingMessage, body: Buffer, urlId: string, accountId: string, receivedAt: Date) {
  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && name !== 'cookie') headers[name] = ([] as string[]).concat(value).join(',');
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(req.socket.localPort ?? 0);
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const binary = isBinaryContentType(headers['content-type'], []);
  const method = (req.method ?? 'GET').toUpperCase();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(req.headers.cookie ? { cookies: req.headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: urlId,
      domainName: headers.host ?? '',
      domainPrefix: urlId,
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: receivedAt.toUTCString(),
      timeEpoch: receivedAt.getTime(),
      accountOwner: accountId,
    },
    ...(body.length ? { body: body.toString(binary ? 'base64' : 'utf8') } : {}),
    isBase64Encoded: body.length > 0 && binary,
  };
}

/** A function's answer as a function URL sends it: a result with statusCode as given, anything else as a 200 JSON body. */
function urlResponse(payload: unknown): HttpResponse | undefined {
  if (payload && typeof payload === 'object' && 'statusCode' in payload) return proxyResultToHttp(payload);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload ?? null)) };
}

async function serve(model: FunctionUrlModel, host: FunctionHost, port: number, accountId: string, log?: (line: string) => void): Promise<{ url: string; stop(): Promise<void> }> {
  const urlId = model.logicalId.toLowerCase().slice(0, 32);
  const handle = async (req: http.IncomingMessage, receivedAt: Date): Promise<HttpResponse> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const preflight = model.cors && preflightHeaders(model.cors, method, req.headers as Record<string, string>);
    const body = await readBoundedBody(req, FUNCTION_URL_PAYLOAD_LIMIT_BYTES);
    if (preflight) return { statusCode: 200, headers: preflight, body: Buffer.alloc(0) };
    if (!body) return text(413, 'Request must be smaller than 6291456 bytes for the InvokeFunction operation');
    const result = await host.invoke(urlEvent(req, body, urlId, accountId, receivedAt));
    const response = (result.ok && urlResponse(result.payload)) || text(502, 'Internal Server Error');
    return model.cors ? { ...response, headers: withCorsHeaders(model.cors, req.headers.origin, response.headers) } : response;
  };
  const server = http.createServer((req, res) => {
    const receivedAt = new Date();
    handle(req, receivedAt)
      .catch(() => text(502, 'Internal Server Error'))
      .then((response) => {
        writeResponse(req, res, response, { 'x-amzn-RequestId': randomUUID() });
        log?.(`${req.method} ${req.url} -> ${response.statusCode} (${Date.now() - receivedAt.getTime()} ms, function URL)`);
      });
  });
  const listening = await listen(server, '127.0.0.1', port, 'choose another function URL port');
  return { url: `http://127.0.0.1:${listening.port}/`, stop: listening.stop };
}

/**
 * Serves each function URL of the template on 127.0.0.1: the first on `port` (0, the default:
 * any free port), the next on the following ports.
 */
export async function startFunctionUrls(opts: {
  model: TemplateModel;
  hosts: Record<string, FunctionHost>;
  port?: number;
  logRequest?: (line: string) => void;
}): Promise<FunctionUrls> {
  const servers: { url: string; stop(): Promise<void> }[] = [];
  const urls: Record<string, string> = {};
  const stop = async (): Promise<void> => void (await Promise.all(servers.map((s) => s.stop())));
  try {
    for (const [i, url] of templateFunctionUrls(opts.model).entries()) {
      const server = await serve(url, opts.hosts[url.functionLogicalId]!, opts.port ? opts.port + i : 0, opts.model.accountId, opts.logRequest);
      servers.push(server);
      urls[url.logicalId] = server.url;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls, stop };
}
