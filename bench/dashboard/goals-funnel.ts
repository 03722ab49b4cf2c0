// The goals and the 4-step funnel `npm run bench:dashboard` times, registered for its site as
// `npm run sites -- goal add` registers them, and the checks that the page shows the API's answers.
import type { FunnelResponse, GoalsResponse } from '../../functions/api/responses.ts';
import { formatGoal, type Goal } from '../../functions/domain/goals.ts';
import { addGoal } from '../../functions/store/sites/goals.ts';
import type { StackHandle } from '../../local/stack-handle.ts';
import type { Timing } from './page-timing.ts';

/** The site's goals: its custom event, and page views of two families of pages. */
export const GOALS: readonly Goal[] = [
  { kind: 'event', name: 'signup' },
  { kind: 'page', pattern: '/page-1*' },
  { kind: 'page', pattern: '/page-4*' },
];

/** A funnel of four steps, as the dashboard keeps it in `?funnel=`: the home page, a page-1x page, any other page, a signup. */
export const FUNNEL_STEPS = 'page:/,page:/page-1*,page:/page-*,event:signup';

/** Registers the goals in the stack's sites table. */
export async function addGoals(stack: StackHandle, site: string): Promise<void> {
  for (const goal of GOALS) {
    const added = await addGoal(stack.doc, stack.get('sitesTable'), site, goal);
    if (!added.ok) throw new Error(`${site} has too many goals to add ${formatGoal(goal)}`);
  }
}

/** Throws unless the Goals panel shows every goal with the API's visitors, completions and rate. */
export function checkGoals(shown: Timing['goals'], answer: GoalsResponse): void {
  const want = answer.goals.map((row) => ({ goal: row.goal, numbers: [row.visitors, row.completions, row.conversion_rate] }));
  if (want.length !== GOALS.length) throw new Error(`GET /stats/goals answers ${want.length} goals, ${GOALS.length} were added`);
  if (JSON.stringify(shown) !== JSON.stringify(want)) throw new Error(`the Goals panel shows ${JSON.stringify(shown)}, the API says ${JSON.stringify(want)}`);
}

const count = (text: string | undefined): number => Number((text ?? '').replaceAll(',', ''));

/** Throws unless the funnel view shows the API's steps with their visits and drop-offs. */
export function checkFunnel(shown: string[][], answer: FunnelResponse): void {
  const rows = shown.map(([step, visits, , dropoff]) => ({ step, visits: count(visits), dropoff: count(dropoff) }));
  const want = answer.steps.map(({ step, visits, dropoff }) => ({ step, visits, dropoff }));
  if (JSON.stringify(rows) !== JSON.stringify(want)) throw new Error(`the funnel view shows ${JSON.stringify(rows)}, the API says ${JSON.stringify(want)}`);
  if (want[0]!.visits === 0) throw new Error(`the funnel ${FUNNEL_STEPS} has an empty step: ${JSON.stringify(want)}`);
}
