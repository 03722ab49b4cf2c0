/**
 * A site's goals: what its owner counts as a conversion. An event goal (`event:signup`) is
 * completed by an event of that type; a page goal (`page:/thank-you*`) by a page view whose path
 * matches the pattern, where `*` stands for any run of characters, `/` included (`/blog/*`
 * matches `/blog/a` and `/blog/a/b`; `/blog` matches `/blog` only). Imports nothing, as the
 * dashboard reads goals too.
 */

export type Goal = { kind: 'event'; name: string } | { kind: 'page'; pattern: string };

/** Most goals one site may have. */
export const MAX_GOALS = 50;
/** Longest page pattern (a path's limit). */
export const MAX_GOAL_PATTERN_LENGTH = 2048;

/** An event type's alphabet (event.ts's): letters, digits, `.`, `_`, `:` and `-`. */
const EVENT_NAME = /^[A-Za-z0-9._:-]{1,64}$/;

/** Why an event name is refused. */
export const EVENT_GOAL_ISSUE = 'must be an event type: 1-64 letters, digits, ".", "_", ":" or "-"';
/** Why a page pattern is refused. */
export const PAGE_GOAL_ISSUE = `must be a path starting with "/", at most ${MAX_GOAL_PATTERN_LENGTH} characters, without "?", "#" or control characters ("*" matches any characters)`;

export const isEventGoalName = (name: string): boolean => EVENT_NAME.test(name);

/** What no stored path holds: `?`, `#`, control characters (text.ts) and unpaired surrogates. */
const NOT_IN_PATHS = /[?#\u0000-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isPagePattern = (pattern: string): boolean => pattern.startsWith('/') && pattern.length <= MAX_GOAL_PATTERN_LENGTH && !NOT_IN_PATHS.test(pattern);

/** A goal as written: `event:NAME` or `page:PATTERN`. */
export const formatGoal = (goal: Goal): string => (goal.kind === 'event' ? `event:${goal.name}` : `page:${goal.pattern}`);

/** A goal from its text, or why it is refused. */
export function parseGoal(text: string): { ok: true; goal: Goal } | { ok: false; message: string } {
  if (text.startsWith('event:')) {
    const name = text.slice('event:'.length);
    return isEventGoalName(name) ? { ok: true, goal: { kind: 'event', name } } : { ok: false, message: `event goal ${EVENT_GOAL_ISSUE}` };
  }
  if (text.startsWith('page:')) {
    const pattern = text.slice('page:'.length);
    return isPagePattern(pattern) ? { ok: true, goal: { kind: 'page', pattern } } : { ok: false, message: `page goal ${PAGE_GOAL_ISSUE}` };
  }
  return { ok: false, message: 'must be event:NAME or page:PATTERN' };
}

/** A goal from text already checked (stored goals, parsed filters); throws on anything else. */
export function goalOf(text: string): Goal {
  const parsed = parseGoal(text);
  if (!parsed.ok) throw new Error(`not a goal: ${text.slice(0, 80)} (${parsed.message})`);
  return parsed.goal;
}

/** The character that escapes `%`, `_` and itself in likePattern's patterns. */
export const LIKE_ESCAPE = '\\';

/** A page pattern as an SQL LIKE pattern with LIKE_ESCAPE: `%`, `_` and `\` escaped, each `*` made `%`. */
export const likePattern = (pattern: string): string => pattern.replace(/[%_\\]/g, (char) => `${LIKE_ESCAPE}${char}`).replaceAll('*', '%');

/** Goals in the order they are listed: event goals, then page goals, each by text. */
export const sortGoals = (goals: readonly Goal[]): Goal[] =>
  [...goals].sort((a, b) => (a.kind !== b.kind ? (a.kind === 'event' ? -1 : 1) : formatGoal(a) < formatGoal(b) ? -1 : 1));
