// The panels of the report: top pages, events by type and the breakdowns by dimension, each a
// table of 10 rows (every row loaded on request, the next pages of top pages and of a breakdown read from the API) with
// `(other)` and estimated counts marked, and its CSV. A row's name is a button that filters the view to its value.
import { OTHER, type BreakdownRow, type PathRow, type Stats } from './api.ts';
import { $, el } from './dom.ts';
import { DIMENSION_NAMES, panelDimension } from './filter-list.ts';
import { formatInteger, toCsv } from './format.ts';
import { MAX_ROWS, ROWS, state, type PanelData, type PanelRow } from './state.ts';

/** The breakdown panels: the API's dimension and its heading. */
export const DIMENSIONS = [
  { dimension: 'source', title: 'Sources', column: 'Source' },
  { dimension: 'entry_page', title: 'Entry pages', column: 'Entry page' },
  { dimension: 'utm_medium', title: 'UTM mediums', column: 'Medium' },
  { dimension: 'utm_campaign', title: 'UTM campaigns', column: 'Campaign' },
  { dimension: 'country', title: 'Countries', column: 'Country' },
  { dimension: 'device', title: 'Devices', column: 'Device' },
  { dimension: 'browser', title: 'Browsers', column: 'Browser' },
  { dimension: 'os', title: 'Operating systems', column: 'OS' },
] as const;

const OTHER_TITLE = 'Values past the day’s counter budget, summed';

export function renderPanels(stats: Stats, breakdowns: BreakdownRow[][]): void {
  const panels: PanelData[] = [
    { id: 'pages', title: 'Top pages', columns: ['Page', 'Views'], rows: stats.top_paths.map(pathRow), more: hasMore(stats.top_paths.map((p) => p.path)) },
    {
      id: 'events',
      title: 'Events by type',
      columns: ['Event', 'Count'],
      rows: Object.entries(stats.events_by_type)
        .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
        .map(([type, n]) => ({ label: type, numbers: [n], exact: true })),
    },
    ...DIMENSIONS.map(({ dimension, title, column }, i) => ({
      id: dimension,
      title,
      columns: [column, 'Visits', 'Views'],
      rows: breakdowns[i]!.map(breakdownRow),
      more: hasMore(breakdowns[i]!.map((row) => row.value)),
    })),
  ];
  state.panels = new Map(panels.map((panel) => [panel.id, panel]));
  $('panels').replaceChildren(...panels.map(renderPanel));
}

/** Whether rows past those of a first page may follow: the page was full, or the counters summed the rest as `(other)`. */
const hasMore = (labels: string[]): boolean => labels.length >= MAX_ROWS || labels.includes(OTHER);

/** A breakdown's row as a panel's. */
export const breakdownRow = (row: BreakdownRow): PanelRow => ({ label: row.value, numbers: [row.visits, row.views], exact: row.exact !== false });

/** A top path as a panel's row. */
export const pathRow = (row: PathRow): PanelRow => ({ label: row.path, numbers: [row.views], exact: row.exact !== false });

/** The rows a panel shows: 10, or every row loaded when expanded. */
const shownRows = (panel: PanelData): PanelRow[] => (state.expanded.has(panel.id) ? panel.rows : panel.rows.slice(0, ROWS));

/** What a note under a panel says of its rows past the counters' budget, if any is shown. */
function exactnessNote(rows: PanelRow[]): string | undefined {
  const other = rows.some((row) => row.label === OTHER);
  const estimated = rows.some((row) => !row.exact);
  if (!other && !estimated) return undefined;
  const marks = [other ? '“(other)” sums the values past that budget' : '', estimated ? '≈ marks estimated counts' : ''].filter(Boolean).join(', and ');
  return `Some days had more distinct values than the counters keep: ${marks}.`;
}

/** A row's name: a button filtering the view to it, or `(other)` set apart, with what it holds. */
function rowHeader(panelId: string, label: string, noteId: string): HTMLElement {
  const dimension = panelDimension(panelId);
  if (label !== OTHER && dimension) {
    const button = el('button', { type: 'button', className: 'row-filter', title: `Filter by ${DIMENSION_NAMES[dimension]} ${label}`, textContent: label });
    button.setAttribute('aria-label', `${label}: filter by this ${DIMENSION_NAMES[dimension].toLowerCase()}`);
    button.dataset.action = 'filter';
    return el('th', { scope: 'row' }, button);
  }
  if (label !== OTHER) return el('th', { scope: 'row', title: label }, label);
  const cell = el('th', { scope: 'row', className: 'other', title: OTHER_TITLE }, el('em', {}, OTHER));
  cell.setAttribute('aria-describedby', noteId);
  return cell;
}

/** A count, marked ≈ (read as “about”) when it is an estimate. */
function countCell(n: number, exact: boolean, format = formatInteger): HTMLElement {
  const cell = exact
    ? el('td', { className: 'num' }, format(n))
    : el('td', { className: 'num estimate', title: 'Estimated count' }, el('span', { className: 'approx' }, '≈'), el('span', { className: 'visually-hidden' }, 'about '), formatInteger(n));
  cell.querySelector('.approx')?.setAttribute('aria-hidden', 'true');
  cell.dataset.value = String(n);
  return cell;
}

export function renderPanel(panel: PanelData): HTMLElement {
  const expanded = state.expanded.has(panel.id);
  const shown = shownRows(panel);
  const headingId = `panel-${panel.id}-title`;
  const noteId = `panel-${panel.id}-note`;
  const note = exactnessNote(shown);
  const top = Math.max(1, ...shown.map((row) => row.numbers[0] ?? 0));
  const table = el(
    'table',
    {},
    el('caption', { className: 'visually-hidden' }, panel.title),
    el('thead', {}, el('tr', {}, ...panel.columns.map((column, i) => el('th', { scope: 'col', className: i ? 'num' : '' }, column)))),
    el(
      'tbody',
      {},
      ...(shown.length
        ? shown.map(({ label, numbers, exact }) => {
            const row = el('tr', {}, rowHeader(panel.id, label, noteId), ...numbers.map((n, i) => countCell(n, exact, panel.formats?.[i])));
            row.dataset.value = label;
            if (!exact) row.dataset.exact = 'false';
            row.style.setProperty('--share', String((numbers[0] ?? 0) / top));
            return row;
          })
        : [el('tr', {}, el('td', { colSpan: panel.columns.length, className: 'empty' }, panel.empty ?? 'No data for this period'))]),
    ),
  );
  if (note) table.setAttribute('aria-describedby', noteId);
  const actions = el('div', { className: 'card-actions' });
  if (panel.rows.length > ROWS) {
    const more = el('button', { type: 'button', className: 'small', textContent: expanded ? `Show ${ROWS}` : `Show ${panel.more ? '' : 'all '}${panel.rows.length}` });
    more.setAttribute('aria-expanded', String(expanded));
    more.dataset.action = 'expand';
    actions.append(more);
  }
  const csv = el('button', { type: 'button', className: 'small', textContent: 'CSV' });
  csv.dataset.action = 'csv';
  csv.setAttribute('aria-label', `Download ${panel.title} as CSV`);
  actions.append(csv);
  const section = el('section', { className: 'card panel' }, el('div', { className: 'card-head' }, el('h2', { id: headingId }, panel.title), actions), table);
  if (panel.more && shown.length === panel.rows.length) section.append(nextPageButton(panel));
  if (note) section.append(el('p', { id: noteId, className: 'panel-note' }, note));
  section.setAttribute('aria-labelledby', headingId);
  section.dataset.panel = panel.id;
  return section;
}

/** Draws a panel again in its place, focus on what `focus` selects in it. */
export function redrawPanel(panel: PanelData, focus: string): void {
  const section = renderPanel(panel);
  document.querySelector(`[data-panel="${panel.id}"]`)?.replaceWith(section);
  section.querySelector<HTMLElement>(focus)?.focus();
}

/** The button that reads top pages' or a breakdown's next rows (from the lake, past the counters' rows). */
function nextPageButton(panel: PanelData): HTMLElement {
  const button = el('button', { type: 'button', className: 'small next-rows', disabled: panel.paging === true, textContent: panel.paging ? 'Loading rows from the lake…' : `Next ${MAX_ROWS} rows` });
  button.dataset.action = 'next-rows';
  button.setAttribute('aria-busy', String(panel.paging === true));
  return button;
}

/** A panel's shown rows as CSV; with an `exact` column (true or false) when any of them is an estimate. */
export function panelCsv(panel: PanelData): string {
  const shown = shownRows(panel);
  const withExact = shown.some((row) => !row.exact);
  return toCsv(
    [...panel.columns.map((column) => column.toLowerCase().replace(/\W+/g, '_')), ...(withExact ? ['exact'] : [])],
    shown.map((row) => [row.label, ...row.numbers, ...(withExact ? [String(row.exact)] : [])]),
  );
}
