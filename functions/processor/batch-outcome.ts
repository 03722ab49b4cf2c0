import type { TrackedEvent } from '../domain/event.ts';
import type { FieldIssue } from '../domain/parse-result.ts';

export interface BatchResult {
  /** messageIds to hand back to the queue (`batchItemFailures`). */
  failed: string[];
  counted: number;
  duplicates: number;
  invalid: Array<{ messageId: string; issues: FieldIssue[] }>;
  units: number;
  /** Counter item updates DynamoDB refused as invalid, isolated so that the rest of their units committed. */
  isolated: number;
  /**
   * The longest time, in ms, from an event's `received_at` to the commit that counted it
   * (undefined when none was counted): how far counts lag behind what was accepted.
   */
  maxLagMs: number | undefined;
}

/** For a later copy of an event in the batch: its message, and the message of the copy that stands for it. */
export interface EventCopy {
  messageId: string;
  primaryMessageId: string;
}

/**
 * What becomes of a batch's messages, noted as the steps of processBatch go: a message fails
 * (SQS delivers it again) when it is invalid or any of its events cannot be counted yet; the
 * rest succeed. Events are followed by identity from the step that places them on their day.
 */
export class BatchOutcome {
  readonly #failed = new Set<string>();
  readonly #invalid: BatchResult['invalid'] = [];
  readonly #messageOf = new Map<TrackedEvent, string>();
  #duplicates = 0;
  #counted = 0;
  #isolated = 0;
  #maxLagMs: number | undefined;

  /** A message that is not valid events: it fails, and ends in the DLQ after its retries. */
  invalid(messageId: string, issues: FieldIssue[]): void {
    this.#invalid.push({ messageId, issues });
    this.#failed.add(messageId);
  }

  /** A message to deliver again. */
  fail(messageId: string): void {
    this.#failed.add(messageId);
  }

  /** Notes the message that carries `event`, so the event's failure fails it. */
  carries(event: TrackedEvent, messageId: string): void {
    this.#messageOf.set(event, messageId);
  }

  /** Fails the messages of these events. */
  failEvents(events: Iterable<TrackedEvent>): void {
    for (const event of events) this.#failed.add(this.#messageOf.get(event)!);
  }

  /** An event an earlier copy of which was counted before. */
  duplicate(): void {
    this.#duplicates++;
  }

  /** Events a committed unit counted, `lagMs` after the oldest of them was received. */
  counted(events: readonly TrackedEvent[], lagMs: number): void {
    this.#counted += events.length;
    this.#maxLagMs = Math.max(this.#maxLagMs ?? lagMs, lagMs);
  }

  /** A counter item update isolated from its unit (counters.ts). */
  isolatedUpdate(): void {
    this.#isolated++;
  }

  /** A copy is settled once its primary's message is; until then its message is retried too. */
  settleCopies(copies: readonly EventCopy[]): void {
    for (const copy of copies) {
      if (this.#failed.has(copy.primaryMessageId)) this.#failed.add(copy.messageId);
      else this.#duplicates++;
    }
  }

  /** The batch's result, once every step ran. */
  result(units: number): BatchResult {
    return {
      failed: [...this.#failed],
      counted: this.#counted,
      duplicates: this.#duplicates,
      invalid: this.#invalid,
      units,
      isolated: this.#isolated,
      maxLagMs: this.#maxLagMs,
    };
  }
}
