// The filters bar at the top of the report: a chip per filter (`Source is google.com`), whose
// operator switches between `is` and `is not` and which a button removes; and the note that says
// the lake is counting while filtered figures load.
import { $, el } from './dom.ts';
import { describeFilter, dimensionName, OPERATOR_NAMES, type Filter, type FilterOperator } from './filter-list.ts';
import { state } from './state.ts';

/** A chip: the dimension, its operator (a select), the values and the button that removes it. */
function chip(filter: Filter, index: number): HTMLElement {
  const name = dimensionName(filter.dimension);
  const operators: FilterOperator[] = filter.operator === '~' ? ['==', '!=', '~'] : ['==', '!='];
  const select = document.createElement('select');
  select.className = 'chip-operator';
  select.append(...operators.map((op) => new Option(OPERATOR_NAMES[op], op, false, op === filter.operator)));
  select.setAttribute('aria-label', `${name}: is, or is not`);
  select.dataset.index = String(index);
  const remove = el('button', { type: 'button', className: 'chip-remove', textContent: '×' });
  remove.setAttribute('aria-label', `Remove the filter ${describeFilter(filter)}`);
  remove.dataset.index = String(index);
  remove.dataset.action = 'remove';
  const item = el('li', { className: 'chip' }, el('span', { className: 'chip-name' }, name), select, el('span', { className: 'chip-value', title: filter.values.join(' or ') }, filter.values.join(' or ')), remove);
  item.dataset.filter = filter.dimension;
  item.dataset.operator = filter.operator;
  return item;
}

/** Shows the view's filters as chips; the bar is hidden without filters. */
export function renderChips(): void {
  $('filters-bar').hidden = state.filters.length === 0;
  $('filter-chips').replaceChildren(...state.filters.map(chip));
}

/**
 * Says whether the lake is counting (`busy`), or which engine answered once it is done: the
 * report is `aria-busy` meanwhile, and the note says so where the chips are.
 */
export function showLakeState(busy: boolean, answeredBy?: string): void {
  const report = $('report');
  if (busy) report.setAttribute('aria-busy', 'true');
  else report.removeAttribute('aria-busy');
  const note = $('lake-note');
  note.dataset.state = busy ? 'busy' : 'done';
  note.textContent = busy ? 'Counting the filtered events in the lake…' : answeredBy === 'lake' ? 'Counted from every event in the lake.' : '';
}
