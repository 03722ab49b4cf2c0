import { createIsbot, list } from 'isbot';
import type { TrackedEvent } from '../domain/event.ts';
import { METRICS } from '../commons/metric-names.ts';
import { logger, metrics, MetricUnit } from '../commons/observability.ts';

/** Why an accepted event is not queued. */
export type DropReason = 'bot';

/**
 * User-Agents of the HTTP client libraries servers and apps post events with (curl, Node's
 * fetch, axios, python-requests, Go, OkHttp, Java's HttpClient, ...). The `isbot` list treats
 * them as bots; here they are not: a bot that does not run JavaScript never loads the tracker,
 * and whoever posts on purpose can send any User-Agent anyway. Every pattern of the list that
 * one of these matches is taken out of it.
 */
export const HTTP_LIBRARY_USER_AGENTS: readonly string[] = [
  'curl/8.5.0',
  'node',
  'undici',
  'node-fetch',
  'axios/1.7.2',
  'python-requests/2.32.3',
  'python-httpx/0.27.0',
  'aiohttp/3.9.5',
  'python-urllib3/2.2.1',
  'Python-urllib/3.12',
  'Go-http-client/1.1',
  'Go-http-client/2.0',
  'okhttp/4.12.0',
  'Java-http-client/17.0.2',
  'Apache-HttpClient/4.5.14 (Java/17.0.2)',
  'GuzzleHttp/7',
  'reqwest/0.12.4',
];

/**
 * The patterns of the `isbot` list that one of {@link HTTP_LIBRARY_USER_AGENTS} matches: what
 * `isbotPatterns` gives for them. Written out rather than found at cold start, where testing
 * every pattern against every library took over 20 ms; test/unit/is-bot.test.ts checks them
 * against the installed `isbot`, so an update of its list that changes them fails there.
 */
export const HTTP_LIBRARY_PATTERNS: readonly string[] = [
  '^[\\w \\.\\-\\(?:\\):%]+(?:/v?\\d+(?:\\.\\d+)?(?:\\.\\d{1,10})*?)?(?:,|$)',
  'url',
  'node\\b',
  '^python',
  '(?<!lib)http',
  'java(?!;)',
  '^[\\w\\-]+/[\\w]+$',
  '^\\w+/[\\w\\(\\)]*$',
];

const libraryPatterns = new Set(HTTP_LIBRARY_PATTERNS);
/** The rest of the list as one expression (what isbot's createIsbotFromList builds), also telling what matched. */
export const botPattern = new RegExp(list.filter((pattern) => !libraryPatterns.has(pattern)).join('|'), 'i');
const isBot = createIsbot(botPattern);

/**
 * The part of a User-Agent that marks it as a crawler, link previewer, headless browser, uptime
 * monitor or the like (the `isbot` list without the HTTP-library patterns), or undefined for a
 * browser or an HTTP library. A missing or empty User-Agent is not a bot, as in `isbot`.
 */
export function botMatch(userAgent: string | undefined): string | undefined {
  if (!userAgent || !isBot(userAgent)) return undefined;
  return botPattern.exec(userAgent)?.[0] ?? userAgent;
}

/**
 * Records accepted events that were not queued: one log line each, with the reason and what
 * triggered it, and their number as `EventsDropped` with dimension `reason`.
 */
export function recordDropped(events: readonly TrackedEvent[], reason: DropReason, detail: Record<string, string>): void {
  for (const event of events) {
    logger.info('event dropped', { reason, site_id: event.site_id, event_type: event.event_type, event_id: event.event_id, ...detail });
  }
  // Written at once as a metric of its own, so `reason` is not a dimension of the invocation's other metrics.
  const dropped = metrics.singleMetric();
  dropped.addDimension('reason', reason);
  dropped.addMetric(METRICS.eventsDropped, MetricUnit.Count, events.length);
}
