import { isbotMatch } from 'isbot';
import type { TrackedEvent } from '../domain/event.ts';

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

/** Logs accepted events that were not queued, one line each, with the reason and what triggered it. */
export function logDropped(events: readonly TrackedEvent[], reason: DropReason, detail: Record<string, string>): void {
  for (const event of events) {
    const line = { level: 'info', message: 'event dropped', reason, site_id: event.site_id, event_type: event.event_type, event_id: event.event_id };
    console.info(JSON.stringify({ ...line, ...detail }));
  }
}
