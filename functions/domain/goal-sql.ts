import { PAGE_VIEW } from './counter-units.ts';
import type { Filter } from './filters.ts';
import { goalOf, LIKE_ESCAPE, likePattern, type Goal } from './goals.ts';
import type { SqlParam } from './lake-query.ts';

/**
 * Goals as SQL conditions on a lake event, written once for Athena (Trino) and DuckDB: an event
 * goal is `event_type = ?`; a page goal a page view whose path is `LIKE ? ESCAPE '\'` the
 * pattern (goals.ts's likePattern: `*` becomes `%`, a `%`, `_` or `\` of the path matches only
 * itself). Both engines read a backslash in a quoted literal as itself and LIKE with an ESCAPE
 * character alike. Every goal's name or pattern is a parameter, so each condition goes in a WHERE
 * clause, where Athena takes parameters.
 */

export interface GoalCondition {
  sql: string;
  params: SqlParam[];
}

/** The condition an event meets when it completes `goal`. */
export function goalCondition(goal: Goal): GoalCondition {
  if (goal.kind === 'event') return { sql: 'event_type = ?', params: [goal.name] };
  return { sql: `(event_type = '${PAGE_VIEW}' AND path LIKE ? ESCAPE '${LIKE_ESCAPE}')`, params: [likePattern(goal.pattern)] };
}

/** An event completes any of the goals. */
export function anyGoalCondition(goals: readonly Goal[]): GoalCondition {
  const parts = goals.map(goalCondition);
  return { sql: `(${parts.map((part) => part.sql).join(' OR ')})`, params: parts.flatMap((part) => part.params) };
}

/**
 * The `goal` filter: the events of the visitors (user ids) with an event of `partitions` (the
 * query's site and days) that completes one of the filter's goals (`==`), or of those without
 * (`!=`). The goals' texts were checked by the filter's parser.
 */
export function goalFilterCondition({ operator, values }: Filter, partitions: GoalCondition): GoalCondition {
  const goals = anyGoalCondition(values.map(goalOf));
  return {
    sql: `user_id ${operator === '!=' ? 'NOT IN' : 'IN'} (SELECT user_id FROM events WHERE ${partitions.sql} AND ${goals.sql})`,
    params: [...partitions.params, ...goals.params],
  };
}
