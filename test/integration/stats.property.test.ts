// Properties of the stats handler over generated requests (fast-check), against DynamoDB Local
// with the stack's tables: whatever the query string and headers (Authorization included),
// GET /stats, GET /stats/timeseries and GET /stats/breakdown answer 200 with the site's figures or a JSON 4xx
// `{"error":{"code","message",...}}`, never a 5xx and never a throw, under both API Gateway
// payload formats. One site holds a few events on two days, so the figures are read too.
// A failure prints the seed and the shrunk request.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashApiKey, newApiKey } from '../../functions/domain/api-keys.ts';
import { saveApiKey } from '../../functions/store/sites/api-keys.ts';
import { headersArb, queryArb } from '../support/arbitraries.ts';
import { ADMIN_KEY, stackResources, type StackResources } from '../support/aws.ts';
import { httpApiEvent, lambdaContext, restEvent, sqsEvent, sqsRecord, type ClientRequest } from '../support/events.ts';
import { beacon } from '../support/factories.ts';
import { loadProcessor, loadStats, type HttpHandler } from '../support/handlers.ts';
import { expectClientError } from '../support/responses.ts';

const run = Date.now().toString(36);
const SITE = `prop-${run}`;
const OTHER_SITE = `prop-other-${run}`;
const DAY_MS = 86_400_000;
const DAYS = [new Date(Date.now() - DAY_MS), new Date()].map((d) => d.toISOString().slice(0, 10));

let aws: StackResources;
let stats: HttpHandler;
let siteKey: string;


beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  aws = await stackResources();
  stats = await loadStats(aws);
  const processor = await loadProcessor(aws);
  siteKey = newApiKey();
  await saveApiKey(aws.doc, aws.tables.sites, SITE, hashApiKey(siteKey));
  // A few events of SITE on two days, processed as the event source would deliver them.
  const records = Array.from({ length: 24 }, (_, i) => {
    const timestamp = `${DAYS[i % 2]}T00:0${i % 10}:00.000Z`;
    const event = beacon({ site_id: SITE, path: `/p${i % 5}`, user_id: `u${i % 7}`, timestamp, event_type: i % 6 ? 'page_view' : 'signup' });
    return sqsRecord(JSON.stringify({ ...event, event_id: `e${i}`, received_at: timestamp }));
  });
  expect(await processor(sqsEvent(records), lambdaContext('processor'))).toEqual({ batchItemFailures: [] });
});
afterAll(() => vi.restoreAllMocks());

/** A GET request as API Gateway hands it over: route, payload format, headers (two in three with a valid key) and query string. */
const requestArb = () =>
  fc
    .record({
      format: fc.constantFrom('rest', 'http'),
      path: fc.constantFrom('/stats', '/stats/timeseries', '/stats/breakdown'),
      key: fc.option(fc.constantFrom(`Bearer ${ADMIN_KEY}`, `Bearer ${siteKey}`), { freq: 3 }),
      headers: headersArb([ADMIN_KEY, siteKey]),
      query: queryArb([SITE, OTHER_SITE], DAYS),
      body: fc.option(fc.string({ maxLength: 20 }), { nil: undefined, freq: 4 }),
    })
    .map(({ format, path, key, headers, query, body }) => {
      const request: ClientRequest = {
        method: 'GET',
        path,
        // The generated headers may hold an Authorization of their own: the key, when given, wins.
        headers: { ...headers, ...(key ? { authorization: key } : {}) },
        query,
        ...(body === undefined ? {} : { body }),
      };
      return { format, request };
    });

describe('GET /stats, GET /stats/timeseries and GET /stats/breakdown, for any request', () => {
  it('answer 200 with the figures, or a JSON 4xx error; never a 5xx, never a throw', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestArb(), async ({ format, request }) => {
        const event = format === 'rest' ? restEvent(request) : httpApiEvent(request);
        const response = await stats(event, lambdaContext('stats'));
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect(response.headers?.['content-type']).toMatch(/^application\/json/);
        const body = JSON.parse(response.body);
        if (response.statusCode === 200) {
          expect(body.site_id).toBe(request.query!.site_id);
          if (request.path === '/stats') expect(body.total_views).toBeGreaterThanOrEqual(0);
          else if (request.path === '/stats/breakdown') expect(Array.isArray(body.results)).toBe(true);
          else expect(Array.isArray(body.points)).toBe(true);
          return;
        }
        expectClientError(response.statusCode, body);
      }),
      { numRuns: 300 },
    );
    // The requests reached every answer, and the figures of the site with data.
    expect([...statuses.keys()].sort()).toEqual([200, 400, 401, 403]);
  });

  it('reads the seeded figures back (the site with data is among the requests)', async () => {
    const response = await stats(restEvent({ method: 'GET', path: '/stats', query: { site_id: SITE }, headers: { Authorization: `Bearer ${siteKey}` } }), lambdaContext('stats'));
    expect(JSON.parse(response.body)).toMatchObject({ total_events: 24, total_views: 20, unique_users: 7 });
  });
});
