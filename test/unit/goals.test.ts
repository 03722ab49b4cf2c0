import { describe, expect, it } from 'vitest';
import { parseFilters } from '../../functions/domain/filters.ts';
import { goalOf, likePattern, parseGoal, sortGoals, type Goal } from '../../functions/domain/goals.ts';
import { goalsQuery, lakeGoalRows } from '../../functions/domain/lake-goals.ts';
import { filtersOf, lakeOfTests } from '../support/lake-fixture.ts';
import { kept, pathMatches, PATHS, tallyGoals, workload } from '../support/lake-tally.ts';
import type { DatedRecord } from '../support/duckdb-lake.ts';

describe('goal texts', () => {
  it('read event goals and page goals', () => {
    expect(parseGoal('event:signup')).toEqual({ ok: true, goal: { kind: 'event', name: 'signup' } });
    expect(parseGoal('page:/thank-you*')).toEqual({ ok: true, goal: { kind: 'page', pattern: '/thank-you*' } });
    expect(parseGoal('page:/a b/%_\\*')).toEqual({ ok: true, goal: { kind: 'page', pattern: '/a b/%_\\*' } });
  });

  it.each([
    ['signup', 'must be event:NAME or page:PATTERN'],
    ['event:', 'event goal must be an event type'],
    ['event:sign up', 'event goal must be an event type'],
    [`event:${'x'.repeat(65)}`, 'event goal must be an event type'],
    ['page:thank-you', 'page goal must be a path starting with "/"'],
    ['page:/a?b=1', 'page goal must be a path'],
    ['page:/a#top', 'page goal must be a path'],
    ['page:/a\u0000', 'page goal must be a path'],
    ['page:/a\uD800', 'page goal must be a path'],
    [`page:/${'x'.repeat(2048)}`, 'page goal must be a path'],
  ])('refuse %j', (text, message) => {
    const parsed = parseGoal(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toContain(message);
  });

  it('make page patterns LIKE patterns in which only * is a wildcard', () => {
    expect(likePattern('/thank-you*')).toBe('/thank-you%');
    expect(likePattern('/50%_off\\*/*')).toBe('/50\\%\\_off\\\\%/%');
  });

  it('list event goals first, each kind by text', () => {
    const goals = ['page:/b', 'event:z', 'page:/a*', 'event:a'].map(goalOf);
    expect(sortGoals(goals).map((goal: Goal) => (goal.kind === 'event' ? goal.name : goal.pattern))).toEqual(['a', 'z', '/a*', '/b']);
  });
});

describe('the goal filter', () => {
  it('takes goals with == and != and alternatives', () => {
    expect(parseFilters('goal==event:signup|page:/docs\\;c*')).toEqual({
      ok: true,
      value: [{ dimension: 'goal', operator: '==', values: ['event:signup', 'page:/docs;c*'] }],
    });
    expect(parseFilters('goal!=page:/*').ok).toBe(true);
  });

  it.each([
    ['goal~event:signup', 'takes == or != only'],
    ['goal==signup', 'has a goal that must be event:NAME or page:PATTERN'],
    ['goal==event:a|page:x', 'has a goal that page goal must be a path'],
  ])('refuses %j', (text, message) => {
    const parsed = parseFilters(text);
    expect(parsed.ok ? '' : parsed.issues[0]!.message).toContain(message);
  });
});

const SITE = 'lake-goals';
const RANGE = { from: '2026-03-03', to: '2026-04-05' };
const lines = workload(SITE, 31, { users: 300, firstDay: '2026-03-01', days: 40 });
// Paths that hold LIKE's own wildcards: only a pattern's * may match more than itself.
const odd: DatedRecord[] = ['/50%_off', '/50x_off', '/50%aoff', '/a\\b'].map((path, index) => ({
  date: '2026-03-10',
  record: { ...lines[0]!.record, event_id: `odd${index}`, path, user_id: `odd${index}`, event_type: 'page_view' },
}));
const neighbours = workload('lake-goals-other', 32, { users: 30, firstDay: '2026-03-01', days: 40 });
const inRange = [...lines, ...odd].filter(({ date }) => date >= RANGE.from && date <= RANGE.to);
const lake = lakeOfTests([...lines, ...odd, ...neighbours]);

const GOALS = [
  'event:signup',
  'event:purchase',
  'event:nothing',
  'page:/pricing',
  'page:/blog*',
  'page:/docs*',
  'page:/*o*',
  'page:/bl_g*',
  'page:/50%_off',
  'page:/50*off',
  'page:/a\\b',
  'page:/*',
].map(goalOf);

describe.each(['', 'source==google.com', 'country!=DE;device==mobile', 'goal==event:signup', 'page==/nowhere'])('the goals query with filters "%s"', (text) => {
  it('gives each goal\'s visitors, completions and conversion rate as a tally of the kept events', async () => {
    const expected = tallyGoals(kept(inRange, filtersOf(text)), GOALS);
    const answer = lakeGoalRows(await lake().run(goalsQuery(SITE, RANGE, filtersOf(text), GOALS)), GOALS);
    expect(answer).toEqual(expected);
    if (text === '') expect(expected.goals.filter((goal) => goal.visitors > 0).length).toBeGreaterThan(6);
  });
});

describe('the goals query', () => {
  it('answers the unique visitors alone without goals, and zeros for a period without events', async () => {
    expect(lakeGoalRows(await lake().run(goalsQuery(SITE, RANGE, [], [])), []).uniqueUsers).toBe(tallyGoals(inRange, []).uniqueUsers);
    const empty = lakeGoalRows(await lake().run(goalsQuery(SITE, { from: '2020-01-01', to: '2020-01-01' }, [], GOALS)), GOALS);
    expect(empty.uniqueUsers).toBe(0);
    expect(empty.goals.every((goal) => goal.visitors === 0 && goal.completions === 0 && goal.conversion_rate === 0)).toBe(true);
  });

  it('binds every goal and filter value', () => {
    const query = goalsQuery(SITE, RANGE, filtersOf("goal==page:/it's*"), [goalOf('event:x.y'), goalOf("page:/o'brien*")]);
    expect(query.sql).not.toContain('brien');
    expect(query.sql).not.toContain('/it');
    expect(query.sql.split('?').length - 1).toBe(query.params.length);
  });

  it('matches page patterns as the tally does', () => {
    expect(PATHS.filter((path) => pathMatches('/docs*', path))).toEqual(['/docs/a|b', '/docs;c']);
    expect(pathMatches('/50%_off', '/50x_off')).toBe(false);
  });
});
