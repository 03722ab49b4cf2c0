// Loading a period: every request of the report, each with the view's filters (the lake answers
// those, the counters the others), the figures shown as soon as they are in, the rest after; a
// later load wins over an earlier one.
import { ApiError, OTHER } from './api.ts';
import { renderChips, showLakeState } from './chips.ts';
import { $ } from './dom.ts';
import { filtersQuery } from './filter-list.ts';
import { LOCALES } from './format.ts';
import { chartQuery, previousRange, rangeOf, rangeQuery, todayIn, type Range } from './periods.ts';
import { breakdownRow, DIMENSIONS, pathRow, redrawPanel, renderPanels } from './panels.ts';
import { renderChart, renderFigures, renderHeading } from './report.ts';
import { showSignIn } from './sites.ts';
import { KEY_STORAGE, MAX_ROWS, state, type PanelData } from './state.ts';
import { describeError, setStatus } from './status.ts';

/** Loads every figure of the period and shows it; a later load wins over an earlier one. */
export async function load(options: { quiet?: boolean } = {}): Promise<void> {
  const client = state.client;
  if (!client) return;
  const range = rangeOf(state.period, todayIn(state.timezone), state.custom);
  syncPeriodControls(range);
  if (!range) {
    setStatus('Choose a custom range of at most 366 days, its first day not after its last.', true);
    return;
  }
  const previous = previousRange(range, state.period);
  const count = ++state.loadCount;
  const main = $('main');
  main.dataset.state = 'loading';
  const filtered = state.filters.length > 0;
  renderChips();
  // A refresh (quiet) leaves the figures as they are until the new ones are in.
  if (!options.quiet) {
    showLakeState(filtered);
    setStatus(filtered ? 'Loading from the lake…' : 'Loading…');
  }
  const site = state.site;
  const scope = filtersQuery(state.filters);
  main.dataset.filters = scope.filters ?? '';
  const of = (days: Range) => ({ ...rangeQuery(days), ...scope });
  try {
    // The figures' requests go first, and the figures are shown as soon as they are in: without
    // top paths (limit 0), a range reads only its totals and unique-user sketches.
    const figures = Promise.all([client.stats(site, { ...of(range), limit: '0' }), client.stats(site, { ...of(previous), limit: '0' })]);
    const rest = Promise.all([
      client.stats(site, { ...of(range), limit: String(MAX_ROWS) }),
      client.timeseries(site, { ...chartQuery(range), ...scope }),
      client.timeseries(site, { ...chartQuery(previous), ...scope }),
      ...DIMENSIONS.map(({ dimension }) => client.breakdown(site, dimension, { ...of(range), limit: String(MAX_ROWS) })),
    ]);
    rest.catch(() => undefined); // awaited below, unless the figures fail first
    const [stats, previousStats] = await figures;
    if (count !== state.loadCount) return;
    renderHeading(range, stats);
    renderFigures(stats, previousStats);
    const [withPaths, series, previousSeries, ...breakdowns] = await rest;
    if (count !== state.loadCount) return;
    state.range = range;
    renderChart(series, previousSeries);
    renderPanels(withPaths, breakdowns.map((b) => b.results));
    state.loadedAt = Date.now();
    showLakeState(false, withPaths.answered_by);
    main.dataset.state = 'ready';
    main.dataset.site = site;
    main.dataset.from = range.from;
    main.dataset.to = range.to;
    setStatus(`Updated at ${new Intl.DateTimeFormat(LOCALES, { timeStyle: 'short' }).format(new Date())}.`);
  } catch (error) {
    if (count !== state.loadCount) return;
    showLakeState(false);
    main.dataset.state = 'error';
    if (error instanceof ApiError && error.status === 401) {
      sessionStorage.removeItem(KEY_STORAGE);
      showSignIn(describeError(error, site));
      return;
    }
    setStatus(describeError(error, site), true);
  }
}

/**
 * Reads the next page of rows of top pages (GET /stats) or a breakdown and shows it after those
 * loaded: past the counters' rows (or in place of their `(other)`), the lake answers. A load
 * meanwhile drops it.
 */
export async function loadNextRows(panel: PanelData): Promise<void> {
  const { client, range } = state;
  if (!client || !range || panel.paging) return;
  const count = state.loadCount;
  const rows = panel.rows.filter((row) => row.label !== OTHER);
  panel.paging = true;
  redrawPanel(panel, '[data-action="next-rows"]');
  try {
    const query = { ...rangeQuery(range), ...filtersQuery(state.filters), limit: String(MAX_ROWS), offset: String(rows.length) };
    const page =
      panel.id === 'pages'
        ? (await client.stats(state.site, query)).top_paths.map(pathRow)
        : (await client.breakdown(state.site, panel.id, query)).results.map(breakdownRow);
    if (count !== state.loadCount) return;
    panel.rows = [...rows, ...page];
    panel.more = page.length === MAX_ROWS;
  } catch (error) {
    if (count === state.loadCount) setStatus(describeError(error, state.site), true);
  } finally {
    panel.paging = false;
  }
  if (count === state.loadCount) redrawPanel(panel, panel.more ? '[data-action="next-rows"]' : '[data-action="expand"]');
}

function syncPeriodControls(range: Range | undefined): void {
  ($('period') as HTMLSelectElement).value = state.period;
  const custom = $('custom-range') as HTMLFormElement;
  custom.hidden = state.period !== 'custom';
  const shown = range ?? state.range;
  if (shown && state.period !== 'custom') {
    ($('custom-from') as HTMLInputElement).value = shown.from;
    ($('custom-to') as HTMLInputElement).value = shown.to;
  } else if (state.period === 'custom') {
    ($('custom-from') as HTMLInputElement).value = state.custom.from ?? shown?.from ?? '';
    ($('custom-to') as HTMLInputElement).value = state.custom.to ?? shown?.to ?? '';
  }
}
