import middy from '@middy/core';
import { meterCapacity } from '../commons/capacity.ts';
import { createDocumentClient } from '../commons/clients.ts';
import { requireEnv } from '../commons/env.ts';
import { HttpError, httpErrors, json, readRequest, type HttpResponse, type ProxyEventLike } from '../commons/http.ts';
import { parseStatsQuery, scopeOf, shapeStats } from '../domain/stats.ts';
import { readScopeAggregates } from '../store/site-aggregates.ts';

const config = { aggregatesTable: requireEnv('AGGREGATES_TABLE') };
const doc = createDocumentClient();

/** GET /stats: totals, unique users and top paths of a site, for a day or all time. */
export const handler = middy<ProxyEventLike, HttpResponse>()
  .use(httpErrors())
  .handler(async (event) => {
    const parsed = parseStatsQuery(readRequest(event).query);
    if (!parsed.ok) throw new HttpError(400, 'invalid_query', 'The query has invalid parameters', parsed.issues);
    const query = parsed.value;
    const started = Date.now();
    const { result: aggregates, capacity } = await meterCapacity(() =>
      readScopeAggregates(doc, config.aggregatesTable, query.siteId, scopeOf(query)),
    );
    console.log(JSON.stringify({ level: 'info', message: 'stats served', site_id: query.siteId, date: query.date, capacity, ms: Date.now() - started }));
    return json(200, shapeStats(query, aggregates));
  });
