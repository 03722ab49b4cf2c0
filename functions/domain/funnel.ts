import type { FieldIssue, ParseResult } from './parse-result.ts';
import { goalCondition } from './goal-sql.ts';
import { formatGoal, parseGoal, type Goal } from './goals.ts';
import type { Filter } from './filters.ts';
import type { LakeQuery, LakeRow } from './lake-query.ts';
import { countOf, integerLiteral } from './lake-sql.ts';
import { whereClause } from './lake-where.ts';
import { parseRangeQuery, type DayRange, type RangeQuery } from './stats.ts';
import type { FunnelStep } from '../api/responses.ts';

/**
 * GET /stats/funnel: ordered steps (each a goal's text: `page:/pricing`, `page:/blog/*`,
 * `event:signup`), counted per visit. A visit enters step k when it has an event of step k
 * later than the one by which it entered step k - 1 (the first step: its first such event), so
 * steps done out of order, skipped or repeated count as a visitor would expect: the earliest
 * event of each step after the previous one. A visit is its tracker's random visit id; events
 * sent without one are grouped by user and day.
 */

export const MIN_STEPS = 2;
export const MAX_STEPS = 8;

export interface FunnelQuery extends RangeQuery {
  steps: Goal[];
}

/** The steps' texts from `steps`: split at each `,` not escaped as `\,` (`\\` is a backslash). */
export function splitSteps(text: string): string[] {
  const steps: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && (text[i + 1] === ',' || text[i + 1] === '\\')) current += text[++i];
    else if (char === ',') {
      steps.push(current);
      current = '';
    } else current += char;
  }
  steps.push(current);
  return steps;
}

function parseSteps(text: string | undefined, issues: FieldIssue[]): Goal[] {
  if (text === undefined) {
    issues.push({ field: 'steps', message: `is required: ${MIN_STEPS} to ${MAX_STEPS} steps joined by ",", each page:PATTERN or event:NAME` });
    return [];
  }
  const texts = splitSteps(text);
  if (texts.length < MIN_STEPS || texts.length > MAX_STEPS) {
    issues.push({ field: 'steps', message: `must be ${MIN_STEPS} to ${MAX_STEPS} steps joined by ",", not ${texts.length}` });
    return [];
  }
  const steps: Goal[] = [];
  texts.forEach((step, i) => {
    const parsed = parseGoal(step);
    if (parsed.ok) steps.push(parsed.goal);
    else issues.push({ field: 'steps', message: `step ${i + 1} "${step.slice(0, 100)}" ${parsed.message}` });
  });
  return steps;
}

/** Validates `site_id`, `from`, `to` (as a range of GET /stats/timeseries) and `steps`. */
export function parseFunnelQuery(params: Record<string, string | undefined>): ParseResult<FunnelQuery> {
  const range = parseRangeQuery(params);
  const issues: FieldIssue[] = range.ok ? [] : [...range.issues];
  const steps = parseSteps(params.steps, issues);
  if (!range.ok || issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { ...range.value, steps } };
}

/**
 * One query, one scan: each kept event joined to the steps it meets (the steps' conditions with
 * their values as parameters, in the WHERE clause where Athena takes them), the times of each
 * step's events gathered per visit, then, step by step, the first time after the previous step's
 * (Trino's `filter` and `array_min`; DuckDB has them through the local dialect), counted.
 */
export function funnelQuery(siteId: string, range: DayRange, filters: readonly Filter[], steps: readonly Goal[]): LakeQuery {
  const where = whereClause(siteId, range, filters);
  const conditions = steps.map(goalCondition);
  const numbers = steps.map((_, i) => integerLiteral(i + 1));
  const meets = conditions.map((condition, i) => `(step = ${numbers[i]} AND ${condition.sql})`).join(' OR ');
  const tagged =
    `SELECT coalesce(visit.id, user_id || '/' || "date") AS visit_key, "timestamp" AS event_at, step ` +
    `FROM events CROSS JOIN (VALUES ${numbers.map((n) => `(${n})`).join(', ')}) AS steps(step) WHERE ${where.sql} AND (${meets})`;
  const gathered = `SELECT visit_key, ${numbers.map((n) => `array_agg(event_at) FILTER (WHERE step = ${n}) AS s${n}`).join(', ')} FROM (${tagged}) tagged GROUP BY visit_key`;
  let layered = `SELECT gathered.*, array_min(s1) AS t1 FROM (${gathered}) gathered`;
  for (const n of numbers.slice(1)) {
    layered = `SELECT l${n}.*, array_min(filter(s${n}, x -> x > t${Number(n) - 1})) AS t${n} FROM (${layered}) l${n}`;
  }
  return {
    sql: `SELECT ${numbers.map((n) => `count(t${n}) AS v${n}`).join(', ')} FROM (${layered}) layered`,
    params: [...where.params, ...conditions.flatMap((condition) => condition.params)],
  };
}

/** The steps with the visits that entered each, their conversion from the first step (4 places) and the visits lost since the previous. */
export function funnelSteps(steps: readonly Goal[], rows: readonly LakeRow[]): FunnelStep[] {
  const row = rows[0];
  const visits = steps.map((_, i) => (row ? countOf(row, `v${i + 1}`) : 0));
  return steps.map((step, i) => ({
    step: formatGoal(step),
    visits: visits[i]!,
    conversion_rate: visits[0]! > 0 ? Math.round((visits[i]! / visits[0]!) * 10_000) / 10_000 : 0,
    dropoff: i === 0 ? 0 : visits[i - 1]! - visits[i]!,
  }));
}
