import { parseGoal } from './goals.ts';
import type { FieldIssue, ParseResult } from './parse-result.ts';

/**
 * The `filters` parameter of the stats routes, in the syntax of Plausible's Stats API v1:
 * conditions joined by `;`, all of which must hold, each `dimension==value` (is),
 * `dimension!=value` (is not) or `dimension~text` (contains), with `|` between alternatives
 * (`source==google.com|bing.com`: either). In a value, `\;`, `\|` and `\\` stand for `;`, `|`
 * and `\`; any other backslash is refused. A custom property is named `prop:<key>`
 * (`prop:plan==pro`): the key is the text up to the first `==`, `!=` or `~`, escaped as a value is.
 */

/**
 * What a condition can name: `page` is the event's path and `event_type` its type; `entry_page`,
 * `source`, `utm_medium` and `utm_campaign` are attributes of the event's visit; `country`,
 * `device`, `browser` and `os` are the audience of the request that sent it. `goal` (a goal's
 * text, goals.ts: `goal==event:signup`) keeps the events of the visitors who completed the goal
 * in the period (`!=`: of those who did not); it takes `==` and `!=` only.
 */
export const FILTER_DIMENSIONS = ['page', 'entry_page', 'source', 'utm_medium', 'utm_campaign', 'country', 'device', 'browser', 'os', 'event_type', 'goal'] as const;
/** A dimension of every event (a lake column or a `visit` field). */
export type FixedDimension = (typeof FILTER_DIMENSIONS)[number];
/** A custom property of the event (props.ts), by its key: `prop:plan`. */
export type PropDimension = `prop:${string}`;
export type FilterDimension = FixedDimension | PropDimension;

export const PROP_PREFIX = 'prop:';
/** Whether a dimension names a custom property. */
export const isPropDimension = (dimension: string): dimension is PropDimension => dimension.startsWith(PROP_PREFIX);
/** The key a `prop:<key>` dimension names. */
export const propKey = (dimension: PropDimension): string => dimension.slice(PROP_PREFIX.length);

/** `==` (the value is one of the alternatives), `!=` (it is none of them), `~` (it contains one of them). */
export const FILTER_OPERATORS = ['==', '!=', '~'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export interface Filter {
  dimension: FilterDimension;
  operator: FilterOperator;
  /** The alternatives, unescaped; never empty, none empty. */
  values: readonly string[];
}

/** Longest `filters` parameter accepted, in characters. */
export const MAX_FILTERS_LENGTH = 4096;
/** Most conditions in one `filters`. */
export const MAX_CONDITIONS = 10;
/** Most alternatives in one condition. */
export const MAX_ALTERNATIVES = 20;
/** Longest value (a path's limit). */
export const MAX_FILTER_VALUE_LENGTH = 2048;

const FIELD = 'filters';
const CONDITION = /^([a-z_]+)(==|!=|~)([\s\S]*)$/;
/** `prop:<key>` and the first operator after it (the key escaped as a value is). */
const PROP_CONDITION = /^prop:([\s\S]*?)(==|!=|~)([\s\S]*)$/;

const isDimension = (name: string): name is FixedDimension => (FILTER_DIMENSIONS as readonly string[]).includes(name);

/**
 * Splits `text` at each `separator` not escaped by a backslash, keeping escapes as written.
 * Undefined when a backslash escapes anything but `;`, `|` or `\`, or ends the text.
 */
function splitEscaped(text: string, separator: ';' | '|'): string[] | undefined {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\') {
      const next = text[i + 1];
      if (next !== ';' && next !== '|' && next !== '\\') return undefined;
      current += char + next;
      i++;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

/** A value with its escapes replaced by the characters they stand for (the escapes already checked). */
const unescape = (value: string): string => value.replace(/\\([;|\\])/g, '$1');

/** A value with `\`, `;` and `|` escaped, as it is written in `filters`. */
export const escapeFilterValue = (value: string): string => value.replace(/[\\;|]/g, (char) => `\\${char}`);

/** The key of a `prop:<key>` condition, unescaped, or why it is refused. */
function propKeyOf(written: string): string | { why: string } {
  const parts = splitEscaped(written, '|');
  if (!parts) return { why: 'has a backslash that escapes nothing: write \\; \\| or \\\\' };
  const key = unescape(written);
  if (key.length === 0) return { why: 'names no property: write prop:<key>' };
  if (key.length > MAX_FILTER_VALUE_LENGTH) return { why: `names a property key longer than ${MAX_FILTER_VALUE_LENGTH} characters` };
  return key;
}

/** One condition, or why it is refused (the issue names it). */
function parseCondition(text: string, index: number): { ok: true; filter: Filter } | { ok: false; issue: FieldIssue } {
  const refuse = (why: string) => ({ ok: false as const, issue: { field: FIELD, message: `condition ${index + 1} "${text.slice(0, 80)}" ${why}` } });
  const match = PROP_CONDITION.exec(text) ?? CONDITION.exec(text);
  if (!match) return refuse('must be dimension==value, dimension!=value or dimension~text');
  const [, name, operator, rest] = match as unknown as [string, string, FilterOperator, string];
  let dimension: FilterDimension;
  if (text.startsWith(PROP_PREFIX)) {
    const key = propKeyOf(name);
    if (typeof key !== 'string') return refuse(key.why);
    dimension = `${PROP_PREFIX}${key}`;
  } else if (isDimension(name)) dimension = name;
  else return refuse(`names no dimension: use one of ${FILTER_DIMENSIONS.join(', ')}, or prop:<key>`);
  const alternatives = splitEscaped(rest, '|');
  if (!alternatives) return refuse('has a backslash that escapes nothing: write \\; \\| or \\\\');
  if (alternatives.length > MAX_ALTERNATIVES) return refuse(`has more than ${MAX_ALTERNATIVES} alternatives`);
  const values = alternatives.map(unescape);
  if (values.some((value) => value.length === 0)) return refuse('has an empty value');
  if (values.some((value) => value.length > MAX_FILTER_VALUE_LENGTH)) return refuse(`has a value longer than ${MAX_FILTER_VALUE_LENGTH} characters`);
  if (dimension === 'goal') {
    if (operator === '~') return refuse('takes == or != only: a goal is completed or not');
    const bad = values.map(parseGoal).find((goal) => !goal.ok);
    if (bad && !bad.ok) return refuse(`has a goal that ${bad.message}`);
  }
  return { ok: true, filter: { dimension, operator, values } };
}

/** Parses `filters`; every bad condition is reported, each named by its position and text. */
export function parseFilters(text: string): ParseResult<Filter[]> {
  if (text.length === 0) return { ok: false, issues: [{ field: FIELD, message: 'must not be empty: leave it out for no filters' }] };
  if (text.length > MAX_FILTERS_LENGTH) return { ok: false, issues: [{ field: FIELD, message: `must be at most ${MAX_FILTERS_LENGTH} characters` }] };
  const conditions = splitEscaped(text, ';');
  if (!conditions) return { ok: false, issues: [{ field: FIELD, message: 'has a backslash that escapes nothing: write \\; \\| or \\\\' }] };
  if (conditions.length > MAX_CONDITIONS) return { ok: false, issues: [{ field: FIELD, message: `must have at most ${MAX_CONDITIONS} conditions` }] };
  const filters: Filter[] = [];
  const issues: FieldIssue[] = [];
  conditions.forEach((condition, index) => {
    const parsed = parseCondition(condition, index);
    if (parsed.ok) filters.push(parsed.filter);
    else issues.push(parsed.issue);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: filters };
}

/** Filters as the `filters` parameter writes them (parseFilters reads them back). */
export const formatFilters = (filters: readonly Filter[]): string =>
  filters.map(({ dimension, operator, values }) => `${formatDimension(dimension)}${operator}${values.map(escapeFilterValue).join('|')}`).join(';');

/** A dimension as `filters` writes it: a property's key escaped as a value is. */
const formatDimension = (dimension: FilterDimension): string =>
  isPropDimension(dimension) ? `${PROP_PREFIX}${escapeFilterValue(propKey(dimension))}` : dimension;
