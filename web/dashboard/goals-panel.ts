// The Goals panel: each goal of the site with its visitors, completions and conversion rate over
// the view's period and filters (GET /stats/goals, from the lake), read apart from the other
// panels so that they never wait for it. A goal's name is a button that filters the view to the
// visitors who completed it (`goal==event:signup`); its CSV has the rates as the API gives them.
import type { GoalsResponse } from '../../functions/api/responses.ts';
import { $ } from './dom.ts';
import { formatInteger, formatPercent } from './format.ts';
import { renderPanel } from './panels.ts';
import { state, type PanelData } from './state.ts';

const NO_GOALS = 'No goals yet: add one with npm run sites -- goal add --site SITE --event NAME (or --page PATTERN).';

/** The Goals panel of an answer, or of why it could not be read. */
export function goalsPanel(answer: Pick<GoalsResponse, 'goals'> | { error: string }): PanelData {
  const rows = 'goals' in answer ? answer.goals.map((goal) => ({ label: goal.goal, numbers: [goal.visitors, goal.completions, goal.conversion_rate], exact: true })) : [];
  return {
    id: 'goals',
    title: 'Goals',
    columns: ['Goal', 'Visitors', 'Completions', 'Conversion rate'],
    rows,
    formats: [formatInteger, formatInteger, formatPercent],
    empty: 'error' in answer ? `Goals could not be counted: ${answer.error}` : NO_GOALS,
  };
}

/** Shows the Goals panel first among the panels, in place of the one shown before. */
export function showGoalsPanel(panel: PanelData): void {
  state.panels.set(panel.id, panel);
  const section = renderPanel(panel);
  const shown = document.querySelector('[data-panel="goals"]');
  if (shown) shown.replaceWith(section);
  else $('panels').prepend(section);
}
