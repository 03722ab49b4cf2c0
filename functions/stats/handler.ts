import middy from '@middy/core';
import { adminKey } from '../commons/admin-key.ts';
import { meterCapacity } from '../commons/capacity.ts';
import { createDocumentClient } from '../commons/dynamodb-client.ts';
import { intEnv, requireEnv } from '../commons/env.ts';
import { METRICS } from '../commons/metric-names.ts';
import { logger, metrics, MetricUnit, observability } from '../commons/observability.ts';
import { HttpError, httpErrors, json, readRequest, type HttpRequest, type HttpResponse, type ProxyEventLike } from '../commons/http.ts';
import type { ParseResult } from '../domain/parse-result.ts';
import { shapeBreakdown } from '../domain/breakdown.ts';
import { daysIn, scopesOf, shapeStats } from '../domain/stats.ts';
import { shapeHourlyTimeseries, shapeMonthlyTimeseries, shapeTimeseries } from '../domain/timeseries.ts';
import { parseFilteredBreakdownQuery, parseFilteredFunnelQuery, parseFilteredStatsQuery, parseFilteredTimeseriesQuery, parseGoalsQuery, parseViewQuery } from '../domain/filtered-queries.ts';
import type { LakeEngine } from '../domain/lake-query.ts';
import type { Answered } from '../api/responses.ts';
import { lakeBreakdown, lakeFunnel, lakeGoals, lakePropBreakdown, lakeRealtime, lakeStats, lakeTimeseries, lakeView } from './lake-reads.ts';
import { parseRealtimeQuery } from '../domain/realtime.ts';
import { isPropDimension } from '../domain/filters.ts';
import { parsePropBreakdownQuery } from '../domain/prop-breakdown.ts';
import { lakeEngine } from './lake-engine.ts';
import { parseSitesQuery, shapeSites, visibleSites } from '../domain/site-list.ts';
import { EXPORT_URL_SECONDS, MAX_EXPORT_FILES, parseExportQuery, shapeExport } from '../domain/export.ts';
import { listLakeObjects } from '../store/lake/lake-listing.ts';
import { signedUrls } from '../store/lake/lake-urls.ts';
import { lazyS3Client } from '../commons/lazy-s3-client.ts';
import { readBreakdown } from '../store/read/breakdowns.ts';
import { readSiteSummaries } from '../store/read/site-summaries.ts';
import { readSiteRecords, readSitesPage } from '../store/sites/sites-with-data.ts';
import { readSiteStats, readDailyTotals, readMonthlyTotals, type StatsReadSettings } from '../store/read/site-stats.ts';
import { monthSketchFlags } from '../store/read/month-sketch-flags.ts';
import { readDayHours } from '../store/read/totals.ts';
import { siteZones } from '../store/sites/site-zones.ts';
import { siteGoals } from '../store/sites/site-goals.ts';
import { authenticate, authorizeSite, principalLabel, type KeyCheck } from '../commons/authorize.ts';
import { findApiKey } from '../store/sites/api-key-lookup.ts';
import type { Principal } from '../domain/api-keys.ts';
import { DEFAULT_PATH_BUCKETS } from '../domain/table-schema.ts';
import { routeOf, type RouteOf } from '../api/routes.ts';

const config = {
  aggregatesTable: requireEnv('AGGREGATES_TABLE'),
  sitesTable: requireEnv('SITES_TABLE'),
  /** The path buckets a day has (the processor's setting): a range reads them by key. */
  pathBuckets: intEnv('PATH_BUCKETS', { default: DEFAULT_PATH_BUCKETS, min: 1, max: 16 }),
  lakeBucket: requireEnv('LAKE_BUCKET'),
  /** The processor's batching window: how far GET /stats/realtime's lake may lag. */
  batchWindowSeconds: intEnv('BATCH_WINDOW_SECONDS', { default: 30, min: 0, max: 300 }),
};
const doc = createDocumentClient();
const keyCheck: KeyCheck = { findKey: (hash) => findApiKey(doc, config.sitesTable, hash), adminKey: adminKey() };
/** The lake's S3 client, made (and the S3 package loaded) by the first export. */
const s3 = lazyS3Client();

/** The parsed query string, or a 400 invalid_query naming each bad parameter. */
function queryOf<T>(request: HttpRequest, parse: (params: Record<string, string | undefined>) => ParseResult<T>): T {
  const parsed = parse(request.query);
  if (!parsed.ok) throw new HttpError(400, 'invalid_query', 'The query has invalid parameters', parsed.issues);
  return parsed.value;
}

/** Runs one store read and logs what it cost. */
async function logged<T>(fields: Record<string, unknown>, read: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const { result, capacity } = await meterCapacity(read);
  logger.info('stats served', { ...fields, capacity, ms: Date.now() - started });
  return result;
}

/** Sites' zones as the processor reads them: each read at most once a minute per instance. */
const zones = siteZones(doc, config.sitesTable);
/** Sites' goals, each read at most once a minute per instance. */
const goalsOf = siteGoals(doc, config.sitesTable);
/** How ranges are read: days' path buckets by key, and whole months from month sketches where a site has them complete. */
const aggregateSettings: StatsReadSettings = { pathBuckets: config.pathBuckets, monthsComplete: monthSketchFlags(doc, config.aggregatesTable) };

/**
 * The time zone whose dates a site's days are (UTC unless registered with another). Read with
 * the stats, not before them: days are stored under their local dates, so the zone does not
 * change what is read, only what the response says.
 */
async function timeZoneOf(siteId: string): Promise<string> {
  const zone = (await zones([siteId])).get(siteId);
  if (zone === undefined) throw new Error(`the registration of ${siteId} could not be read`);
  return zone;
}

/** A body the counters answered. */
const counted = <T>(body: T): Answered<T> => ({ ...body, answered_by: 'counters' });

/** A request the lake answers (lake-reads.ts), with the site's time zone; a 503 when the lake is not set up or too slow. */
async function fromLake(fields: Record<string, unknown>, siteId: string, answer: (engine: LakeEngine, timeZone: string) => Promise<unknown>): Promise<HttpResponse> {
  const engine = lakeEngine();
  return json(200, await logged({ ...fields, answered_by: 'lake' }, async () => answer(engine, await timeZoneOf(siteId))));
}

/** GET /stats: totals, unique users and top paths of a site, for all time, a day or a range of days; with filters or an offset, from the lake. */
async function serveStats(request: HttpRequest, principal: Principal): Promise<HttpResponse> {
  const query = queryOf(request, parseFilteredStatsQuery);
  authorizeSite(principal, query.siteId);
  const fields = { route: 'stats', site_id: query.siteId, reader: principalLabel(principal), ...query.period };
  if (query.fromLake) return fromLake({ ...fields, filters: request.query.filters, offset: query.offset }, query.siteId, (engine, zone) => lakeStats(engine, query, query.filters, zone));
  const [aggregates, timeZone] = await logged(fields, () =>
    Promise.all([
      readSiteStats(doc, config.aggregatesTable, query.siteId, scopesOf(query.period), aggregateSettings, { paths: query.limit > 0 }),
      timeZoneOf(query.siteId),
    ]),
  );
  return json(200, counted(shapeStats(query, aggregates, timeZone)));
}

/** GET /stats/breakdown: visits and page views of a site by the values of one dimension; with filters or an offset, from the lake. */
async function serveBreakdown(request: HttpRequest, principal: Principal): Promise<HttpResponse> {
  if (isPropDimension(request.query.dimension ?? '')) return servePropBreakdown(request, principal);
  const query = queryOf(request, parseFilteredBreakdownQuery);
  authorizeSite(principal, query.siteId);
  const fields = { route: 'breakdown', site_id: query.siteId, reader: principalLabel(principal), dimension: query.dimension, ...query.period };
  if (query.fromLake) return fromLake({ ...fields, filters: request.query.filters, offset: query.offset }, query.siteId, (engine, zone) => lakeBreakdown(engine, query, query.filters, zone));
  const [counts, timeZone] = await logged(fields, () =>
    Promise.all([readBreakdown(doc, config.aggregatesTable, query.siteId, scopesOf(query.period), query.dimension, { pathBuckets: config.pathBuckets }), timeZoneOf(query.siteId)]),
  );
  return json(200, counted(shapeBreakdown(query, counts, timeZone)));
}

/** GET /stats/breakdown?dimension=prop:<key>: events and visitors of a site by a custom property's values, from the lake. */
async function servePropBreakdown(request: HttpRequest, principal: Principal): Promise<HttpResponse> {
  const query = queryOf(request, parsePropBreakdownQuery);
  authorizeSite(principal, query.siteId);
  const fields = { route: 'breakdown', site_id: query.siteId, reader: principalLabel(principal), dimension: query.dimension, ...query.period };
  return fromLake({ ...fields, filters: request.query.filters, offset: query.offset }, query.siteId, (engine, zone) => lakePropBreakdown(engine, query, query.filters, zone));
}

/** GET /stats/timeseries: a site's figures for each day or month of a range, or each hour of a day; with filters, from the lake. */
async function serveTimeseries(request: HttpRequest, principal: Principal): Promise<HttpResponse> {
  const query = queryOf(request, parseFilteredTimeseriesQuery);
  authorizeSite(principal, query.siteId);
  const fields = { route: 'timeseries', site_id: query.siteId, reader: principalLabel(principal) };
  if (query.fromLake) return fromLake({ ...fields, interval: query.interval, filters: request.query.filters }, query.siteId, (engine, zone) => lakeTimeseries(engine, query, query.filters, zone));
  if (query.interval === 'hour') {
    const [hours, timeZone] = await logged({ ...fields, interval: 'hour', date: query.date }, () =>
      Promise.all([readDayHours(doc, config.aggregatesTable, query.siteId, query.date), timeZoneOf(query.siteId)]),
    );
    return json(200, counted(shapeHourlyTimeseries(query, hours, timeZone)));
  }
  if (query.interval === 'month') {
    const [months, timeZone] = await logged({ ...fields, interval: 'month', ...query.range }, () =>
      Promise.all([
        readMonthlyTotals(doc, config.aggregatesTable, query.siteId, daysIn(query.range), aggregateSettings.monthsComplete),
        timeZoneOf(query.siteId),
      ]),
    );
    return json(200, counted(shapeMonthlyTimeseries(query, months, timeZone)));
  }
  const [days, timeZone] = await logged({ ...fields, ...query.range }, () =>
    Promise.all([readDailyTotals(doc, config.aggregatesTable, query.siteId, daysIn(query.range)), timeZoneOf(query.siteId)]),
  );
  return json(200, counted(shapeTimeseries(query, days, timeZone)));
}

/** GET /stats/view: one period of the dashboard (figures, chart, top paths and every dimension's top values), always from the lake, in one query. */
async function serveView(request: HttpRequest, principal: Principal): Promise<HttpResponse> {
  const query = queryOf(request, parseViewQuery);
  authorizeSite(principal, query.siteId);
  const fields = { route: 'view', site_id: query.siteId, reader: principalLabel(principal), interval: query.interval, filters: request.query.filters };
  return fromLake(fields, query.siteId, (engine, zone) => lakeView(engine, query, query.filters, zone));
}

/** GET /stats/realtime: the site's current visitors and the last 30 minutes' pages and sources, from the lake. */
async function serveRealtime(request: HttpRequest, principal: Principal): Promise<HttpResponse> {
  const query = queryOf(request, parseRealtimeQuery);
  authorizeSite(principal, query.siteId);
  const clock = { nowMs: Date.now(), lagSeconds: config.batchWindowSeconds };
  return fromLake({ route: 'realtime', site_id: query.siteId, reader: principalLabel(principal) }, query.siteId, (engine, zone) => lakeRealtime(engine, query, zone, clock));
}

/** GET /stats/goals: the site's goals' visitors, completions and conversion rates over a period (and filters), always from the lake. */
async function serveGoals(request: HttpRequest, principal: Principal): Promise<HttpResponse> {
  const query = queryOf(request, parseGoalsQuery);
  authorizeSite(principal, query.siteId);
  const fields = { route: 'goals', site_id: query.siteId, reader: principalLabel(principal), ...query.period, filters: request.query.filters };
  return fromLake(fields, query.siteId, async (engine, zone) => lakeGoals(engine, query, query.filters, zone, await goalsOf(query.siteId)));
}

/** GET /stats/funnel: the visits of a range through ordered steps, always from the lake, in one query. */
async function serveFunnel(request: HttpRequest, principal: Principal): Promise<HttpResponse> {
  const query = queryOf(request, parseFilteredFunnelQuery);
  authorizeSite(principal, query.siteId);
  const fields = { route: 'funnel', site_id: query.siteId, reader: principalLabel(principal), ...query.range, steps: query.steps.length, filters: request.query.filters };
  return fromLake(fields, query.siteId, (engine, zone) => lakeFunnel(engine, query, query.filters, zone));
}

/**
 * GET /sites: the sites with data (the admin key: a page of them, by id; a site key: its own),
 * with their first and last days and views.
 */
async function serveSites(request: HttpRequest, principal: Principal): Promise<HttpResponse> {
  const query = queryOf(request, parseSitesQuery);
  const table = config.aggregatesTable;
  const [page, summaries] = await logged({ route: 'sites', reader: principalLabel(principal), limit: query.limit }, async () => {
    const read = await visibleSites(
      principal,
      () => readSitesPage(doc, table, query),
      async (siteId) => (await readSiteRecords(doc, table, [siteId])).get(siteId) ?? { site_id: siteId },
    );
    return [read, await readSiteSummaries(doc, table, read.records)] as const;
  });
  return json(200, shapeSites(page, summaries));
}

/** GET /stats/export: a site's lake objects of a range of days, with URLs to download them from S3 for 15 minutes. */
async function serveExport(request: HttpRequest, principal: Principal): Promise<HttpResponse> {
  const query = queryOf(request, parseExportQuery);
  authorizeSite(principal, query.siteId);
  const fields = { route: 'export', site_id: query.siteId, reader: principalLabel(principal), ...query.range };
  const client = await s3();
  const { objects, more } = await logged(fields, () =>
    listLakeObjects(client, config.lakeBucket, query.siteId, query.range, { after: query.cursor, limit: MAX_EXPORT_FILES }),
  );
  const urls = await signedUrls(client, config.lakeBucket, objects.map((object) => object.key), EXPORT_URL_SECONDS);
  return json(200, shapeExport(query, objects, urls, more));
}

/** What serves a stats route. */
type Serve = (request: HttpRequest, principal: Principal) => Promise<HttpResponse>;

/** What serves each route of the stats function in functions/api/routes.ts; a route added there needs its entry here. */
const SERVE: Record<RouteOf<'stats'>, Serve> = {
  stats: serveStats,
  timeseries: serveTimeseries,
  breakdown: serveBreakdown,
  view: serveView,
  realtime: serveRealtime,
  goals: serveGoals,
  funnel: serveFunnel,
  export: serveExport,
  sites: serveSites,
};

/**
 * The stats function: its routes in functions/api/routes.ts (GET /stats, GET /stats/timeseries,
 * GET /stats/breakdown, GET /stats/view, GET /stats/realtime, GET /stats/goals, GET /stats/funnel, GET /stats/export and GET /sites), under either API payload format; any
 * other route is a 404 not_found. The key is checked first (401 without a valid one), then the
 * query (400), then whether the key may read the site (403). `StatsLatency` times the requests
 * that are served.
 */
export const handler = middy<ProxyEventLike, HttpResponse>()
  .use(observability())
  .use(httpErrors())
  .handler(async (event) => {
    const started = Date.now();
    const request = readRequest(event);
    const route = routeOf('stats', request.route);
    if (route === undefined) throw new HttpError(404, 'not_found', 'No such route');
    const principal = await authenticate(keyCheck, request.headers.authorization);
    const response = await SERVE[route](request, principal);
    metrics.addMetric(METRICS.statsLatency, MetricUnit.Milliseconds, Date.now() - started);
    return response;
  });
