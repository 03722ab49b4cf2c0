import type { SiteRecorder } from '../store/write/site-recorder.ts';
import type { BatchOutcome } from './batch-outcome.ts';
import type { MessageEvent } from './decode-messages.ts';

/**
 * Records each site among the sites with data (GET /sites) before any of its events count; a
 * site that cannot be recorded yet holds its events' messages back (failed in `outcome`), as an
 * unknown zone does. Returns the events that may count; all of them without `recordSites`.
 */
export async function recordSites(events: MessageEvent[], recordSites: SiteRecorder | undefined, outcome: BatchOutcome): Promise<MessageEvent[]> {
  if (!recordSites || events.length === 0) return events;
  const unrecorded = await recordSites(events.map((p) => p.event));
  if (unrecorded.size === 0) return events;
  for (const p of events) if (unrecorded.has(p.event.site_id)) outcome.fail(p.messageId);
  return events.filter((p) => !unrecorded.has(p.event.site_id));
}
