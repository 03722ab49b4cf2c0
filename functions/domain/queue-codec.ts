import * as z from 'zod/mini';
import { UNKNOWN_AUDIENCE, type Audience } from './audience.ts';
import { DIRECT, NONE, visitMarksSchema, type VisitMarks } from './visit.ts';

/**
 * How an event's audience and visit travel on the queue: short, because the processor's batches
 * are capped by Lambda's 6 MB payload, and the larger the batch, the fewer times each counter
 * item is rewritten (docs/cost.md). Audience values equal to UNKNOWN_AUDIENCE's are left out;
 * the visit is a tuple `[page, gap_ms, entry_page, source, utm_medium, utm_campaign]` whose
 * trailing defaults (`(direct)`, `(none)`, `(none)`) are left out.
 */

const VISIT_FIELDS = ['page', 'gap_ms', 'entry_page', 'source', 'utm_medium', 'utm_campaign'] as const;
const VISIT_DEFAULTS: readonly unknown[] = [undefined, undefined, undefined, DIRECT, NONE, NONE];

/** The visit as queued. */
export function encodeVisit(visit: VisitMarks): Array<string | number> {
  const tuple: Array<string | number> = VISIT_FIELDS.map((field) => visit[field]);
  while (tuple.length > 3 && tuple[tuple.length - 1] === VISIT_DEFAULTS[tuple.length - 1]) tuple.pop();
  return tuple;
}

/** The queued visit tuple, validated as visit marks. */
export const queuedVisitSchema = z.pipe(
  z.pipe(
    z.array(z.union([z.string(), z.number()])).check(z.minLength(3), z.maxLength(VISIT_FIELDS.length)),
    z.transform((tuple) => Object.fromEntries(VISIT_FIELDS.map((field, i) => [field, tuple[i] ?? VISIT_DEFAULTS[i]]))),
  ),
  visitMarksSchema,
);

/** The audience fields worth queueing: those that differ from UNKNOWN_AUDIENCE. */
export function encodeAudience(audience: Audience): Partial<Audience> {
  const out: Partial<Audience> = {};
  for (const key of Object.keys(UNKNOWN_AUDIENCE) as Array<keyof Audience>) {
    if (audience[key] !== UNKNOWN_AUDIENCE[key]) (out as Record<string, string>)[key] = audience[key];
  }
  return out;
}
