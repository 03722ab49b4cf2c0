// Loading a period: unfiltered, a request per figure, chart and panel from the counters; filtered,
// one request per period from the lake; and the goals of the period (from the lake either way).
// The figures are shown as soon as they are in, the rest after, the goals last; a later load
// wins over an earlier one.
import { ApiError, OTHER, type BreakdownRow, type Stats, type StatsClient, type Timeseries } from './api.ts';
import { renderChips, showLakeState } from './chips.ts';
import { $ } from './dom.ts';
import { filtersQuery } from './filter-list.ts';
import { LOCALES } from './format.ts';
import { chartQuery, previousRange, rangeOf, rangeQuery, todayIn, type Range } from './periods.ts';
import { breakdownRow, DIMENSIONS, pathRow, redrawPanel, renderPanels } from './panels.ts';
import { showCurrentVisitorsOfSite } from './realtime.ts';
import { goalsPanel, showGoalsPanel } from './goals-panel.ts';
import { loadFunnel } from './funnel.ts';
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
  try {
    const { figures, rest } = filtered ? fromLake(client, site, range, previous, scope) : fromCounters(client, site, range, previous, scope);
    rest.catch(() => undefined); // awaited below, unless the figures fail first
    // Goals are a lake query: asked when the view changes (not on the minute's refresh), and not
    // again for a site that answered it has none, until the page is opened again.
    const askGoals = !options.quiet && !state.goalless.has(site);
    const goals = askGoals ? client.goals(site, { ...rangeQuery(range), ...scope }).catch((error: unknown) => ({ error: describeError(error, site) })) : undefined;
    const [stats, previousStats] = await figures;
    if (count !== state.loadCount) return;
    renderHeading(range, stats);
    showCurrentVisitorsOfSite();
    renderFigures(stats, previousStats);
    const { withPaths, series, previousSeries, breakdowns } = await rest;
    if (count !== state.loadCount) return;
    state.range = range;
    renderChart(series, previousSeries);
    const shownGoals = state.panels.get('goals');
    renderPanels(withPaths, breakdowns);
    void loadFunnel();
    // The goals shown before stay in place until the period's are in, so the panels do not move twice.
    if (shownGoals) showGoalsPanel(shownGoals);
    if (goals) {
      const goalsAnswer = await goals;
      if (count !== state.loadCount) return;
      if ('goals' in goalsAnswer && goalsAnswer.goals.length === 0) state.goalless.add(site);
      showGoalsPanel(goalsPanel(goalsAnswer));
    } else if (!shownGoals) showGoalsPanel(goalsPanel({ goals: [] }));
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

/** What a load reads: the figures of the period and the previous one, then the chart and the panels. */
interface Requests {
  figures: Promise<[Stats, Stats]>;
  rest: Promise<{ withPaths: Stats; series: Timeseries; previousSeries: Timeseries; breakdowns: BreakdownRow[][] }>;
}
type Scope = ReturnType<typeof filtersQuery>;

/**
 * Unfiltered, from the counters: a request per figure, chart and panel, the figures' first. Without
 * top paths (limit 0), a range reads only its totals and unique-user sketches.
 */
function fromCounters(client: StatsClient, site: string, range: Range, previous: Range, scope: Scope): Requests {
  const of = (days: Range) => ({ ...rangeQuery(days), ...scope });
  const figures = Promise.all([client.stats(site, { ...of(range), limit: '0' }), client.stats(site, { ...of(previous), limit: '0' })]);
  const rest = Promise.all([
    client.stats(site, { ...of(range), limit: String(MAX_ROWS) }),
    client.timeseries(site, { ...chartQuery(range), ...scope }),
    client.timeseries(site, { ...chartQuery(previous), ...scope }),
    ...DIMENSIONS.map(({ dimension }) => client.breakdown(site, dimension, { ...of(range), limit: String(MAX_ROWS) })),
  ]).then(([withPaths, series, previousSeries, ...breakdowns]) => ({ withPaths, series, previousSeries, breakdowns: breakdowns.map((b) => b.results) }));
  return { figures, rest };
}

/**
 * Filtered, from the lake: one GET /stats/view per period (the period's figures, chart and panels
 * in one query; the previous period's figures and chart in another), as each lake query reads
 * the period's events once.
 */
function fromLake(client: StatsClient, site: string, range: Range, previous: Range, scope: Scope): Requests {
  const views = Promise.all([
    client.view(site, { ...chartQuery(range), ...scope, limit: String(MAX_ROWS) }),
    client.view(site, { ...chartQuery(previous), ...scope, limit: '0' }),
  ]);
  return {
    figures: views.then(([view, before]) => [view.stats, before.stats]),
    rest: views.then(([view, before]) => ({
      withPaths: view.stats,
      series: view.timeseries,
      previousSeries: before.timeseries,
      breakdowns: DIMENSIONS.map(({ dimension }) => view.breakdowns[dimension] ?? []),
    })),
  };
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
