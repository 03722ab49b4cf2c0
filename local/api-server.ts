// An HTTP server standing in for API Gateway (REST API, v1): matches requests to the template's
// resources and methods, builds the Lambda proxy integration event, invokes the function and
// turns its proxy response into the HTTP response, with API Gateway's error responses.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionHost, InvokeResult } from './function-host.ts';
import type { RestApiModel, RouteModel } from './template.ts';

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

/** The REST (v1) proxy integration event. */
export interface ProxyEvent {
  resource: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string> | null;
  multiValueHeaders: Record<string, string[]> | null;
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: Record<string, string> | null;
  stageVariables: Record<string, string> | null;
  requestContext: Record<string, unknown>;
  body: string | null;
  isBase64Encoded: boolean;
}

// ---------------------------------------------------------------------------------------------
// Route matching

export interface RouteMatch {
  route: RouteModel;
  pathParameters: Record<string, string>;
}

function segmentsOf(resourcePath: string): string[] {
  return resourcePath.split('/').filter(Boolean);
}

/** Matches one resource path against request path segments; undefined when it does not match. */
function matchResource(resourcePath: string, segments: string[]): { params: Record<string, string>; score: number[] } | undefined {
  const parts = segmentsOf(resourcePath);
  const params: Record<string, string> = {};
  // Rank: static segments beat {param}, which beats {greedy+}, from left to right.
  const score: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy) {
      if (i !== parts.length - 1 || segments.length <= i) return undefined;
      params[greedy[1]!] = segments.slice(i).map(safeDecode).join('/');
      score.push(0);
      return { params, score };
    }
    const segment = segments[i];
    if (segment === undefined) return undefined;
    const param = /^\{(.+)\}$/.exec(part);
    if (param) {
      params[param[1]!] = safeDecode(segment);
      score.push(1);
    } else if (part === segment) {
      score.push(2);
    } else {
      return undefined;
    }
  }
  return parts.length === segments.length ? { params, score } : undefined;
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Finds the route for a method and path (without the stage), as API Gateway does: the most
 * specific resource wins, then its method or ANY. Undefined when nothing matches, which API
 * Gateway answers with 403 Missing Authentication Token.
 */
export function matchRoute(routes: RouteModel[], method: string, path: string): RouteMatch | undefined {
  const segments = segmentsOf(path);
  let best: { resourcePath: string; params: Record<string, string>; score: number[] } | undefined;
  for (const resourcePath of new Set(routes.map((r) => r.resourcePath))) {
    const m = matchResource(resourcePath, segments);
    if (m && (!best || compareScores(m.score, best.score) > 0)) best = { resourcePath, ...m };
  }
  if (!best) return undefined;
  const onResource = routes.filter((r) => r.resourcePath === best.resourcePath);
  const route = onResource.find((r) => r.httpMethod === method) ?? onResource.find((r) => r.httpMethod === 'ANY');
  return route ? { route, pathParameters: best.params } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Event

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|graphql|ld\+json)|[^;]*\+(json|xml)\b)/i;

/**
 * Whether API Gateway hands the body to Lambda base64-encoded. With binaryMediaTypes on the API,
 * exactly those types (wildcards allowed) are binary, as on AWS. Without any (where AWS would
 * pass every body as UTF-8 text), every type that is not textual is treated as binary.
 */
export function isBinaryContentType(contentType: string | undefined, binaryMediaTypes: string[]): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (binaryMediaTypes.length > 0) {
    return binaryMediaTypes.some((pattern) => {
      const [pMain, pSub] = pattern.toLowerCase().split('/');
      const [tMain, tSub] = type.split('/');
      return (pMain === '*' || pMain === tMain) && (pSub === '*' || pSub === tSub);
    });
  }
  return !TEXT_TYPES.test(type);
}

function clfTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

function nonEmpty<T extends object>(value: T): T | null {
  return Object.keys(value).length ? value : null;
}

export interface IncomingRequestData {
  method: string;
  /** Path of the request URL (after the stage prefix was removed), raw. */
  path: string;
  /** The full raw request path, including the stage prefix when one was used. */
  rawPath: string;
  /** Raw query string without '?'. */
  query: string;
  /** Alternating names and values, as node:http's rawHeaders. */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  localPort: number;
  receivedAt: Date;
}

export function buildProxyEvent(
  api: RestApiModel,
  stage: string,
  match: RouteMatch,
  req: IncomingRequestData,
  opts: { accountId: string; requestId: string },
): ProxyEvent {
  const multiValueHeaders: Record<string, string[]> = {};
  const names = new Map<string, string>(); // lower-case -> first spelling seen
  const addHeader = (name: string, value: string): void => {
    const key = names.get(name.toLowerCase()) ?? name;
    names.set(name.toLowerCase(), key);
    (multiValueHeaders[key] ??= []).push(value);
  };
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) addHeader(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  // Headers API Gateway adds on the way to the integration.
  const traceId = `Root=1-${Math.floor(req.receivedAt.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  if (!names.has('x-forwarded-for')) addHeader('X-Forwarded-For', req.sourceIp);
  else multiValueHeaders[names.get('x-forwarded-for')!]!.push(req.sourceIp);
  if (!names.has('x-forwarded-port')) addHeader('X-Forwarded-Port', String(req.localPort));
  if (!names.has('x-forwarded-proto')) addHeader('X-Forwarded-Proto', 'http');
  addHeader('X-Amzn-Trace-Id', traceId);
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(multiValueHeaders)) {
    if (name.toLowerCase() === 'x-forwarded-for') {
      const joined = values.join(', ');
      multiValueHeaders[name] = [joined];
      headers[name] = joined;
    } else {
      headers[name] = values.at(-1)!;
    }
  }

  const multiValueQuery: Record<string, string[]> = {};
  for (const pair of req.query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : safeDecode(pair.slice(eq + 1));
    (multiValueQuery[key] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  for (const [key, values] of Object.entries(multiValueQuery)) query[key] = values.at(-1)!;

  const contentType = headers[names.get('content-type') ?? 'content-type'];
  const binary = isBinaryContentType(contentType, api.binaryMediaTypes);
  const hasBody = req.body.length > 0;
  const host = headers[names.get('host') ?? 'host'] ?? '';
  const domainName = host.replace(/:\d+$/, '');
  const stageModel = api.stages.find((s) => s.name === stage);
  return {
    resource: match.route.resourcePath,
    path: req.path,
    httpMethod: req.method,
    headers: nonEmpty(headers),
    multiValueHeaders: nonEmpty(multiValueHeaders),
    queryStringParameters: nonEmpty(query),
    multiValueQueryStringParameters: nonEmpty(multiValueQuery),
    pathParameters: nonEmpty(match.pathParameters),
    stageVariables: nonEmpty(stageModel?.variables ?? {}),
    requestContext: {
      resourceId: match.route.resourceLogicalId === '(root)' ? api.rootResourceId : match.route.resourceLogicalId.slice(0, 10).toLowerCase(),
      resourcePath: match.route.resourcePath,
      httpMethod: req.method,
      extendedRequestId: randomBytes(12).toString('base64url').slice(0, 16) + '=',
      requestTime: clfTime(req.receivedAt),
      path: req.rawPath,
      accountId: opts.accountId,
      protocol: 'HTTP/1.1',
      stage,
      domainPrefix: domainName.split('.')[0] ?? '',
      requestTimeEpoch: req.receivedAt.getTime(),
      requestId: opts.requestId,
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: req.sourceIp,
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: headers[names.get('user-agent') ?? 'user-agent'] ?? null,
        user: null,
      },
      domainName,
      deploymentId: api.id.slice(0, 6),
      apiId: api.id,
    },
    body: hasBody ? req.body.toString(binary ? 'base64' : 'utf8') : null,
    isBase64Encoded: hasBody && binary,
  };
}

// ---------------------------------------------------------------------------------------------
// Response

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const json = (statusCode: number, body: string, errorType: string): HttpResponse => ({
  statusCode,
  headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': errorType },
  body: Buffer.from(body),
});

/**
 * API Gateway's own error of `type`, as the API's gateway responses shape it: the response for
 * that type, else DEFAULT_4XX or DEFAULT_5XX, else API Gateway's default (`fallback`). Templates
 * see `$context.error.messageString` (a JSON string) and `$context.error.responseType`.
 */
export function gatewayError(api: Pick<RestApiModel, 'gatewayResponses'>, type: string, fallback: HttpResponse, message: string): HttpResponse {
  const family = fallback.statusCode >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
  const response = api.gatewayResponses[type] ?? api.gatewayResponses[family];
  if (!response) return fallback;
  const body = (response.template ?? JSON.stringify({ message }))
    .replaceAll('$context.error.messageString', JSON.stringify(message))
    .replaceAll('$context.error.responseType', type);
  return {
    statusCode: response.statusCode ?? fallback.statusCode,
    headers: { ...fallback.headers, ...response.headers },
    body: Buffer.from(body),
  };
}

export const MISSING_AUTH_TOKEN = (): HttpResponse => json(403, '{"message":"Missing Authentication Token"}', 'MissingAuthenticationTokenException');
export const INTERNAL_SERVER_ERROR = (): HttpResponse => json(502, '{"message": "Internal server error"}', 'InternalServerErrorException');
export const ENDPOINT_TIMED_OUT = (): HttpResponse => json(504, '{"message": "Endpoint request timed out"}', 'InternalServerErrorException');
export const REQUEST_TOO_LONG = (): HttpResponse => json(413, '{"message":"Request Too Long"}', 'RequestEntityTooLargeException');

/**
 * Turns a function's proxy result into the HTTP response, as API Gateway does; a malformed
 * result (not an object, no integer statusCode, a body that is not a string) is a 502.
 */
export function proxyResultToHttp(payload: unknown): HttpResponse | undefined {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  const result = payload as Record<string, unknown>;
  const statusCode = typeof result.statusCode === 'string' ? Number(result.statusCode) : result.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') return undefined;
  const headers: Record<string, string | string[]> = {};
  const lower = new Map<string, string>();
  const set = (name: string, value: string | string[]): void => {
    const existing = lower.get(name.toLowerCase());
    if (existing) delete headers[existing];
    lower.set(name.toLowerCase(), name);
    headers[name] = value;
  };
  const scalar = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
  if (result.headers !== undefined && result.headers !== null) {
    if (typeof result.headers !== 'object') return undefined;
    for (const [name, value] of Object.entries(result.headers as Record<string, unknown>)) {
      const v = scalar(value);
      if (v === undefined) return undefined;
      set(name, v);
    }
  }
  // multiValueHeaders win over headers for the same name.
  if (result.multiValueHeaders !== undefined && result.multiValueHeaders !== null) {
    if (typeof result.multiValueHeaders !== 'object') return undefined;
    for (const [name, values] of Object.entries(result.multiValueHeaders as Record<string, unknown>)) {
      if (!Array.isArray(values)) return undefined;
      const list = values.map(scalar);
      if (list.some((v) => v === undefined)) return undefined;
      set(name, list as string[]);
    }
  }
  if (!lower.has('content-type')) set('Content-Type', 'application/json');
  const body = typeof result.body === 'string' ? result.body : '';
  const isBase64 = result.isBase64Encoded === true || result.isBase64Encoded === 'true';
  return { statusCode, headers, body: isBase64 ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8') };
}

// ---------------------------------------------------------------------------------------------
// Server

function readBody(req: http.IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > API_PAYLOAD_LIMIT_BYTES) {
      req.resume();
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > API_PAYLOAD_LIMIT_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
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
    const body = await readBody(req);
    if (body === 'too-large') return gatewayError(api, 'REQUEST_TOO_LARGE', REQUEST_TOO_LONG(), 'Request Too Long');
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
        res.statusCode = response.statusCode;
        for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
        res.setHeader('x-amzn-RequestId', requestId);
        res.setHeader('x-amz-apigw-id', requestId.slice(0, 8) + '=');
        res.end(req.method === 'HEAD' ? undefined : response.body);
        opts.logRequest?.(`${req.method} ${req.url} -> ${response.statusCode} (${Date.now() - receivedAt.getTime()} ms)`);
      });
  });
  server.keepAliveTimeout = 65_000;
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? (process.env.PORT ? Number(process.env.PORT) : 3000);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} on ${host} is in use: choose another with --port or PORT`) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
