// GET requests to the stats handler with the admin key, as API Gateway delivers them under both
// payload formats: REST (v1) and HTTP API (v2).
import { ADMIN_AUTH } from './aws.ts';
import { httpApiEvent, lambdaContext, restEvent } from './events.ts';
import type { HttpHandler } from './handlers.ts';

export interface StatsAnswer {
  statusCode: number;
  json: any;
}

/** Requests to the handler `stats()` returns when asked (it is loaded once the stack is up); each answers the status and the parsed body. */
export function adminGets(stats: () => HttpHandler) {
  const call = async (event: unknown): Promise<StatsAnswer> => {
    const response = await stats()(event, lambdaContext('stats'));
    return { statusCode: response.statusCode, json: JSON.parse(response.body) };
  };
  return {
    getRest: (path: string, query: Record<string, string>) => call(restEvent({ method: 'GET', path, query, headers: ADMIN_AUTH })),
    getHttpApi: (path: string, query: Record<string, string>) => call(httpApiEvent({ method: 'GET', path, query, headers: ADMIN_AUTH })),
  };
}
