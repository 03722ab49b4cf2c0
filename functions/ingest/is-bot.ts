import { isbotMatch } from 'isbot';
import type { TrackedEvent } from '../domain/event.ts';
import { METRICS } from '../commons/metric-names.ts';
import { logger, metrics, MetricUnit } from '../commons/observability.ts';

/** Why an accepted event is not queued. */
export type DropReason = 'bot';

/**
 * The part of a User-Agent that marks it as a bot, crawler, link previewer, headless browser or
 * HTTP tool (the `isbot` list: Googlebot, bingbot, HeadlessChrome, curl, Node's fetch, ...), or
 * undefined for a browser. A missing or empty User-Agent is not a bot, as in `isbot`: server-side
 * senders that set none are counted.
 */
export function botMatch(userAgent: string | undefined): string | undefined {
  return isbotMatch(userAgent) ?? undefined;
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
