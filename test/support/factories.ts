import { UNKNOWN_AUDIENCE } from '../../functions/domain/audience.ts';
import type { TrackedEvent } from '../../functions/domain/event.ts';

let counter = 0;

/** A complete beacon body as a browser sends it. */
export function beacon(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    site_id: 'site-abc-123',
    event_type: 'page_view',
    path: '/pricing',
    user_id: 'user-xyz-789',
    timestamp: new Date().toISOString(),
    ...overrides,
  };
}

/** A complete accepted event, as the processor reads it from the queue. */
export function trackedEvent(overrides: Partial<TrackedEvent> = {}): TrackedEvent {
  const timestamp = overrides.timestamp ?? '2025-11-12T19:30:01.000Z';
  return {
    site_id: 'site-abc-123',
    event_type: 'page_view',
    path: '/pricing',
    user_id: 'user-xyz-789',
    timestamp,
    day: timestamp.slice(0, 10),
    event_id: `evt-${++counter}`,
    received_at: timestamp,
    ...UNKNOWN_AUDIENCE,
    ...overrides,
  };
}
