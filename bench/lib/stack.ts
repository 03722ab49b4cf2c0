// The benchmarks' access to the stack they started: the local runtime's stack handle, and the
// events pipeline (the event source mapping from the events queue to the processor).
import type { EventSourceMappingModel } from '../../local/template.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { localStack, type QueueDepth, type StackHandle } from '../../local/stack-handle.ts';
import { BenchFailure } from './numbers.ts';

/** The handle on the stack of a runtime started in this process. */
export const runtimeStack = (rt: LocalRuntime): StackHandle => localStack(rt);

/** Where events are posted: the function URL with -c ingestion=function-url (output IngestUrl), else the API. */
export function eventUrl(rt: Pick<LocalRuntime, 'apiUrl' | 'outputs'>): string {
  return rt.outputs.IngestUrl ? new URL('event', rt.outputs.IngestUrl).href : `${rt.apiUrl}/event`;
}

/** The template's (first) SQS event source mapping: the events queue to the processor. */
export function eventsMapping(rt: LocalRuntime): EventSourceMappingModel {
  const mapping = Object.values(rt.model.eventSourceMappings)[0];
  if (!mapping) throw new BenchFailure('no SQS event source mapping in the template');
  return mapping;
}

/** Messages in the dead-letter queue (none when the stack has no such queue). */
export async function dlqMessages(stack: StackHandle): Promise<QueueDepth> {
  return stack.find('eventsDlq') ? stack.queueDepth('eventsDlq') : { visible: 0, inFlight: 0 };
}
