/**
 * What a parser of a request's input answers: the value, or every issue found, each naming its
 * field. Imports nothing, so that code run in the browser (the dashboard) can share the parsers
 * that need no more.
 */

/** One reason an input was refused, naming the field. */
export interface FieldIssue {
  field: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };
