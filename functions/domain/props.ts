import type { FieldIssue, ParseResult } from './parse-result.ts';
import { isWellFormedText, TEXT_ISSUE } from './text.ts';

/**
 * Custom properties of an event (`props`): up to MAX_PROPS pairs of text, as Plausible takes them
 * (`analytics.track('signup', { plan: 'pro' })`). They are kept in the lake only (its `props`
 * column), never in the counters, so they cost lake bytes and no write units. Keys and values
 * are well-formed text (text.ts); lengths are in code points.
 */

export const MAX_PROPS = 30;
export const MAX_PROP_KEY_LENGTH = 300;
export const MAX_PROP_VALUE_LENGTH = 2000;

/** An event's properties: key to value. */
export type Props = Record<string, string>;

/** The length of `text` in code points (a surrogate pair is one). */
const codePoints = (text: string, max: number): number => (text.length <= max ? text.length : [...text].length);

/** A key as a message quotes it: its first 40 code points. */
const quoted = (key: string): string => JSON.stringify([...key].slice(0, 40).join('') + (codePoints(key, 40) > 40 ? '…' : ''));

/** Why a key is refused, or undefined. */
function keyIssue(key: string): string | undefined {
  if (key.length === 0) return 'must not have an empty key';
  if (codePoints(key, MAX_PROP_KEY_LENGTH) > MAX_PROP_KEY_LENGTH) return `key ${quoted(key)} must be at most ${MAX_PROP_KEY_LENGTH} characters`;
  if (!isWellFormedText(key)) return `key ${quoted(key)} ${TEXT_ISSUE}`;
  return undefined;
}

/** Why a value is refused, or undefined. */
function valueIssue(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (codePoints(value, MAX_PROP_VALUE_LENGTH) > MAX_PROP_VALUE_LENGTH) return `must be at most ${MAX_PROP_VALUE_LENGTH} characters`;
  if (!isWellFormedText(value)) return TEXT_ISSUE;
  return undefined;
}

/**
 * Validates an event's `props`: a JSON object of at most MAX_PROPS string values. A refused key
 * is reported under `props` (the key may be too long to name a field), a refused value under
 * `props.<key>`; every issue is reported.
 */
export function readProps(input: unknown): ParseResult<Props> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, issues: [{ field: 'props', message: 'must be an object of string values' }] };
  }
  const entries = Object.entries(input);
  if (entries.length > MAX_PROPS) return { ok: false, issues: [{ field: 'props', message: `must have at most ${MAX_PROPS} properties` }] };
  const issues: FieldIssue[] = [];
  for (const [key, value] of entries) {
    const badKey = keyIssue(key);
    if (badKey) {
      issues.push({ field: 'props', message: badKey });
      continue;
    }
    const badValue = valueIssue(value);
    if (badValue) issues.push({ field: `props.${key}`, message: badValue });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: Object.fromEntries(entries) as Props };
}
