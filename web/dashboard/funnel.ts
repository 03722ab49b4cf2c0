// The funnel view: steps typed on the page (goal texts joined by commas: `page:/, page:/pricing,
// event:signup`), kept in the URL (`?funnel=`), and GET /stats/funnel's answer for the shown
// period and filters as a table: each step's visits, conversion from the first step and drop-off.
import { ApiError } from './api.ts';
import { $, el } from './dom.ts';
import { filtersQuery } from './filter-list.ts';
import { formatInteger, formatPercent } from './format.ts';
import { state, writeUrl } from './state.ts';

let asked = 0;

/** The steps' text as the API takes it: spaces around the commas between steps dropped. */
export const stepsText = (typed: string): string => typed.trim().replace(/\s*(?<!\\),\s*/g, ',');

/** Shows the funnel of the steps in state.funnel for the shown period and filters (none: the form alone). */
export async function loadFunnel(): Promise<void> {
  const { client, range } = state;
  const result = $('funnel-result');
  const note = $('funnel-note');
  ($('funnel-steps') as HTMLInputElement).value = state.funnel.replaceAll(',', ', ');
  if (!client || !range || !state.funnel) {
    result.replaceChildren();
    note.textContent = '';
    return;
  }
  const count = ++asked;
  $('funnel').setAttribute('aria-busy', 'true');
  note.textContent = 'Counting the visits in the lake…';
  try {
    const funnel = await client.funnel(state.site, { from: range.from, to: range.to, steps: state.funnel, ...filtersQuery(state.filters) });
    if (count !== asked) return;
    const rows = funnel.steps.map((step) => {
      const row = el(
        'tr',
        {},
        el('th', { scope: 'row', title: step.step, textContent: step.step }),
        el('td', { className: 'num', textContent: formatInteger(step.visits) }),
        el('td', { className: 'num', textContent: formatPercent(step.conversion_rate) }),
        el('td', { className: 'num', textContent: formatInteger(step.dropoff) }),
      );
      row.style.setProperty('--share', String(step.conversion_rate));
      return row;
    });
    const head = el('tr', {}, ...['Step', 'Visits', 'Conversion', 'Drop-off'].map((name, i) => el('th', { scope: 'col', className: i ? 'num' : '', textContent: name })));
    result.replaceChildren(el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows)));
    note.textContent = `Visits of ${range.from} to ${range.to} that took the steps in this order.`;
  } catch (error) {
    if (count !== asked) return;
    result.replaceChildren();
    note.textContent = error instanceof ApiError ? error.message : 'The funnel could not be read.';
  } finally {
    if (count === asked) $('funnel').removeAttribute('aria-busy');
  }
}

/** The form: its steps become the URL's and the funnel is read. */
export function wireFunnel(): void {
  $('funnel-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.funnel = stepsText(($('funnel-steps') as HTMLInputElement).value);
    writeUrl(true);
    void loadFunnel();
  });
}
