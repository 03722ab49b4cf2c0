import middy from '@middy/core';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { KeyCheck } from '../commons/authorize.ts';
import { CORS_HEADERS, httpErrors, json, readRequest, type HttpResponse, type ProxyEventLike } from '../commons/http.ts';
import { booleanEnv } from '../commons/env.ts';
import { countryDatabasePath, openCountryDatabase } from '../commons/country-database.ts';
import type { CountryLookup } from '../domain/country.ts';
import { requestAudience } from './request-audience.ts';
import { METRICS } from '../commons/metric-names.ts';
import { metrics, MetricUnit, observability } from '../commons/observability.ts';
import { checkBackdating, keyCheck } from './backdating.ts';
import type { SendMessage } from '../commons/sqs-send-message.ts';
import { enqueue, type QueueTarget } from './enqueue.ts';
import { botMatch, recordDropped } from './is-bot.ts';
import { readBatch, readBeacon } from './read-beacon.ts';
import type { SiteGate } from './site-gate.ts';

export interface IngestOptions {
  /** Drop events whose User-Agent names a bot (context `botFilter`, env BOT_FILTER). */
  readonly botFilter: boolean;
  /** Finds a visitor's country by IP address (the address is only looked up). */
  readonly countryLookup: CountryLookup;
  /** Checks the key of a request that back-dates events (backdating.ts). */
  readonly keys: KeyCheck;
  /** Checks the sites and origins when ingestion is restricted. */
  readonly gate?: SiteGate;
}

/**
 * The options every ingest entry reads from its environment, and the country database it opens
 * (once, at cold start: the database is one read of a file next to the bundle). Keys are read
 * from `sitesTable` with the client `documentClient` gives, on the first request that needs one.
 */
export function ingestOptionsFromEnv(
  sitesTable: string,
  documentClient: () => Promise<DynamoDBDocumentClient>,
): Pick<IngestOptions, 'botFilter' | 'countryLookup' | 'keys'> {
  return {
    botFilter: booleanEnv('BOT_FILTER', true),
    countryLookup: openCountryDatabase(countryDatabasePath(import.meta.url)),
    keys: keyCheck(documentClient, sitesTable),
  };
}

/**
 * POST /event (one event) and POST /events (a JSON array of up to 100): validate, check the key
 * of a request that back-dates events (`keys`), check the sites when ingestion is restricted
 * (`gate`), queue, answer 202 without waiting for the database. With `botFilter`, events from
 * bots get the same 202 (a bot learns nothing from the answer) but are logged and counted as
 * dropped instead of queued.
 */
export function ingestHandler(sendMessage: SendMessage, queue: QueueTarget, options: IngestOptions) {
  const { gate, botFilter, countryLookup, keys } = options;
  return middy<ProxyEventLike, HttpResponse>()
    .use(observability())
    .use(httpErrors(CORS_HEADERS))
    .handler(async (event) => {
      const request = readRequest(event);
      const batch = request.route.endsWith('/events');
      const audience = requestAudience(request, countryLookup);
      const receivedAt = new Date();
      const accepted = batch ? readBatch(request, receivedAt, audience) : [readBeacon(request, receivedAt, audience)];
      await checkBackdating(keys, accepted, request.headers.authorization, batch);
      await gate?.(accepted, request.headers.origin);
      const bot = botFilter ? botMatch(request.headers['user-agent']) : undefined;
      if (bot) recordDropped(accepted, 'bot', { bot });
      else {
        await enqueue(sendMessage, queue, accepted);
        metrics.addMetric(METRICS.eventsAccepted, MetricUnit.Count, accepted.length);
      }
      const ids = batch ? { event_ids: accepted.map((e) => e.event_id) } : { event_id: accepted[0]!.event_id };
      return json(202, { status: 'accepted', ...ids }, CORS_HEADERS);
    });
}
