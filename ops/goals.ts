// npm run sites -- goal add --site S (--event NAME | --page PATTERN)    a goal of S: an event type, or page views of paths matching PATTERN
// npm run sites -- goal list --site S                                   S's goals
// npm run sites -- goal remove --site S (--event NAME | --page PATTERN) forget one
// In a page pattern `*` matches any characters, `/` included: '/thank-you*', '/blog/*'. Quote it
// for the shell. GET /stats/goals reads a change within a minute.
import { EVENT_GOAL_ISSUE, formatGoal, isEventGoalName, isPagePattern, MAX_GOALS, PAGE_GOAL_ISSUE, type Goal } from '../functions/domain/goals.ts';
import { addGoal, readGoals, removeGoal } from '../functions/store/sites/goals.ts';
import { fail, printer } from './cli.ts';
import type { SitesTable } from './sites-table.ts';

export const GOAL_USAGE = 'goal add --site S (--event NAME | --page PATTERN) | goal list --site S | goal remove --site S (--event NAME | --page PATTERN)';

/** The options of `sites` a goal command reads. */
export const GOAL_OPTIONS = { event: { type: 'string' }, page: { type: 'string' } } as const;

/** The goal of --event or --page (exactly one), or exit saying why not. */
export function goalOption(values: { event?: string; page?: string }): Goal {
  const { event, page } = values;
  if ((event === undefined) === (page === undefined)) fail(`give one of --event NAME and --page PATTERN\nusage: npm run sites -- ${GOAL_USAGE}`);
  if (event !== undefined) return isEventGoalName(event) ? { kind: 'event', name: event } : fail(`--event ${event} ${EVENT_GOAL_ISSUE}`);
  return isPagePattern(page!) ? { kind: 'page', pattern: page! } : fail(`--page ${page} ${PAGE_GOAL_ISSUE}`);
}

const listed = (goals: readonly Goal[]): string => (goals.length ? goals.map(formatGoal).join(', ') : 'none');

/** Runs `goal <action>` for `site` on the sites table. */
export async function goalCommand(action: string | undefined, site: string, values: { event?: string; page?: string; json: boolean }, { doc, table }: SitesTable): Promise<void> {
  const print = printer(values.json);
  if (action === 'list') {
    const goals = await readGoals(doc, table, site);
    print({ site_id: site, goals: goals.map(formatGoal) }, `${site}'s goals: ${listed(goals)}`);
  } else if (action === 'add') {
    const goal = goalOption(values);
    const added = await addGoal(doc, table, site, goal);
    if (!added.ok) fail(`${site} has ${MAX_GOALS} goals already: remove one first`);
    print(
      { site_id: site, goal: formatGoal(goal), added: added.added, goals: added.goals.map(formatGoal) },
      `${added.added ? 'Added' : 'Already had'} ${formatGoal(goal)}; ${site}'s goals: ${listed(added.goals)}`,
    );
  } else if (action === 'remove') {
    const goal = goalOption(values);
    if (!(await removeGoal(doc, table, site, goal))) fail(`${site} has no goal ${formatGoal(goal)}`);
    print({ site_id: site, goal: formatGoal(goal), removed: true }, `Removed ${formatGoal(goal)} from ${site}'s goals`);
  } else fail(`usage: npm run sites -- ${GOAL_USAGE}`);
}
