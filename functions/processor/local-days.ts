import { DEFAULT_TIME_ZONE, localDate, startOfLocalDay } from '../domain/time-zones.ts';
import type { SiteZones } from '../store/sites/site-zones.ts';
import type { BatchOutcome } from './batch-outcome.ts';
import type { MessageEvent } from './decode-messages.ts';

const HOUR_MS = 3_600_000;

/**
 * Places each event on its date in its site's zone (and its hour from local midnight); without
 * `siteZones`, on its UTC date. A site whose zone cannot be read yet holds its events' messages
 * back (failed in `outcome`, retried), rather than counting them on a wrong day. From here on the
 * events are followed by identity (BatchOutcome.carries).
 */
export async function placeOnLocalDays(events: readonly MessageEvent[], siteZones: SiteZones | undefined, outcome: BatchOutcome): Promise<MessageEvent[]> {
  const zones = siteZones
    ? await siteZones(events.map((p) => p.event.site_id))
    : new Map(events.map((p) => [p.event.site_id, DEFAULT_TIME_ZONE]));
  const placed: MessageEvent[] = [];
  const dayStarts = new Map<string, number>();
  for (const { messageId, event } of events) {
    const zone = zones.get(event.site_id);
    if (zone === undefined) {
      outcome.fail(messageId);
      continue;
    }
    const day = localDate(event.timestamp, zone);
    const zoneDay = `${zone}|${day}`;
    let start = dayStarts.get(zoneDay);
    if (start === undefined) dayStarts.set(zoneDay, (start = startOfLocalDay(day, zone)));
    const hour = Math.floor((Date.parse(event.timestamp) - start) / HOUR_MS);
    const onDay = { ...event, day, hour };
    outcome.carries(onDay, messageId);
    placed.push({ messageId, event: onDay });
  }
  return placed;
}
