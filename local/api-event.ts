// The Lambda proxy integration event (REST, v1) API Gateway builds for a request: headers (with
// those API Gateway adds), query string, path parameters, stage variables, request context and
// the body, base64-encoded when the content type is binary.
import { randomBytes } from 'node:crypto';
import { safeDecode, type RouteMatch } from './api-routes.ts';
import type { RestApiModel } from './template.ts';

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
