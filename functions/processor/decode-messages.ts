import type { TrackedEvent } from '../domain/event.ts';
import { parseQueuedEvents } from '../domain/queue-codec.ts';
import { rawEventKey } from '../domain/table-schema.ts';
import type { BatchOutcome, EventCopy } from './batch-outcome.ts';

export interface QueueRecord {
  messageId: string;
  body: string;
}

/** An event and the message that carries it. */
export interface MessageEvent {
  messageId: string;
  event: TrackedEvent;
}

export interface DecodedBatch {
  /** The first copy of each event in the batch, which stands for the others. */
  events: MessageEvent[];
  copies: EventCopy[];
}

/**
 * Validates each message (one event, or a packed array of them, valid as a whole or not at all;
 * an invalid one is noted in `outcome`), and keeps the first copy of each event id of the batch.
 */
export function decodeMessages(records: readonly QueueRecord[], outcome: BatchOutcome): DecodedBatch {
  const events: MessageEvent[] = [];
  const primaryByKey = new Map<string, MessageEvent>();
  const copies: EventCopy[] = [];
  for (const record of records) {
    const parsed = parseQueuedEvents(record.body);
    if (!parsed.ok) {
      outcome.invalid(record.messageId, parsed.issues);
      continue;
    }
    for (const event of parsed.value) {
      const { pk } = rawEventKey(event.site_id, event.event_id);
      const primary = primaryByKey.get(pk);
      if (primary) copies.push({ messageId: record.messageId, primaryMessageId: primary.messageId });
      else {
        const entry = { messageId: record.messageId, event };
        primaryByKey.set(pk, entry);
        events.push(entry);
      }
    }
  }
  return { events, copies };
}
