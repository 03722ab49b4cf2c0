import type { GoalRow } from '../api/responses.ts';
import { goalCondition } from './goal-sql.ts';
import { formatGoal, type Goal } from './goals.ts';
import type { Filter } from './filters.ts';
import type { LakeQuery, LakeRow } from './lake-query.ts';
import { countOf, integerLiteral } from './lake-sql.ts';
import { whereClause } from './lake-where.ts';
import type { DayRange } from './stats.ts';

/**
 * GET /stats/goals from the lake: per goal, the visitors (distinct user ids) with an event that
 * completes it, and those events (completions), over the events the filters keep; and the unique
 * visitors of all kept events, which conversion rates divide by.
 *
 * One query, one scan of the range's partitions: the kept events, counted by user, type and
 * path (`n`; a goal depends on type and path only, so this shrinks what follows), are paired with
 * the numbers 0 to N (a VALUES list of literals the function writes itself), and the outer WHERE
 * keeps a row under 0 always and under goal i when it meets goal i's condition, so each goal's
 * name or pattern is a parameter in a WHERE clause, where Athena takes them. Grouped by that
 * number: row 0 counts all kept visitors, row i goal i's visitors and completions (`sum(n)`); a
 * goal nobody completed has no row.
 */

/** The number under which the query counts all kept events. */
const ALL = 0;

export function goalsQuery(siteId: string, range: DayRange, filters: readonly Filter[], goals: readonly Goal[]): LakeQuery {
  const where = whereClause(siteId, range, filters);
  const conditions = goals.map(goalCondition);
  const numbers = [ALL, ...goals.map((_, index) => index + 1)].map((n) => `(${integerLiteral(n)})`).join(', ');
  const kept = `SELECT user_id, event_type, path, count(*) AS n FROM events WHERE ${where.sql} GROUP BY user_id, event_type, path`;
  const matched = [`goal = ${ALL}`, ...conditions.map((condition, index) => `(goal = ${integerLiteral(index + 1)} AND ${condition.sql})`)].join(' OR ');
  return {
    sql:
      `SELECT goal, count(DISTINCT user_id) AS visitors, sum(n) AS completions ` +
      `FROM (${kept}) kept CROSS JOIN (VALUES ${numbers}) AS goals (goal) WHERE ${matched} GROUP BY goal`,
    params: [...where.params, ...conditions.flatMap((condition) => condition.params)],
  };
}

/** Visitors over all visitors, to 4 places; 0 without visitors. */
export const conversionRate = (visitors: number, uniqueUsers: number): number => (uniqueUsers > 0 ? Math.round((visitors / uniqueUsers) * 10_000) / 10_000 : 0);

/** The unique visitors and each goal's row, in the goals' order, from goalsQuery's rows. */
export function lakeGoalRows(rows: readonly LakeRow[], goals: readonly Goal[]): { uniqueUsers: number; goals: GoalRow[] } {
  const byNumber = new Map(rows.map((row) => [countOf(row, 'goal'), row]));
  const uniqueUsers = countOf(byNumber.get(ALL) ?? {}, 'visitors');
  return {
    uniqueUsers,
    goals: goals.map((goal, index) => {
      const row = byNumber.get(index + 1) ?? {};
      const visitors = countOf(row, 'visitors');
      return { goal: formatGoal(goal), visitors, completions: countOf(row, 'completions'), conversion_rate: conversionRate(visitors, uniqueUsers) };
    }),
  };
}
