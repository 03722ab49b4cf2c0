// The dashboard: sign in with a key, pick a site and a period, read the stats API of this origin
// and show figures, a chart and panels. The key stays in sessionStorage (this tab only); the
// period and site are in the page's query string, so a view can be bookmarked.
import { ApiError, apiBase, OTHER, statsClient, type BreakdownRow, type ChartPoint, type SiteSummary, type SitesPage, type Stats, type StatsClient, type Timeseries } from './api.ts';
import { drawChart } from './chart.ts';
import { change, formatChange, formatDay, formatDecimal, formatDuration, formatHour, formatMonth, formatInteger, formatPercent, LOCALES, toCsv } from './format.ts';
import { chartQuery, DEFAULT_PERIOD, isPeriodId, previousRange, rangeOf, rangeQuery, todayIn, type PeriodId, type Range } from './periods.ts';

const KEY_STORAGE = 'dashboard.key';
const SITE_STORAGE = 'dashboard.site';
const REFRESH_MS = 60_000;
/** Sites asked for per page of GET /sites. */
const SITES_PAGE = 100;
/** Rows a panel shows, and shows when expanded (the API's largest `limit`). */
const ROWS = 10;
const MAX_ROWS = 100;

/** The top-line figures: API field, label, how it reads, and whether a rise is bad news. */
const FIGURES = [
  { metric: 'unique_users', label: 'Unique users', format: formatInteger },
  { metric: 'total_views', label: 'Page views', format: formatInteger },
  { metric: 'total_events', label: 'Events', format: formatInteger },
  { metric: 'visits', label: 'Visits', format: formatInteger },
  { metric: 'bounce_rate', label: 'Bounce rate', format: formatPercent, lowerIsBetter: true },
  { metric: 'visit_duration_s', label: 'Visit duration', format: formatDuration },
  { metric: 'views_per_visit', label: 'Views per visit', format: formatDecimal },
] as const;

/** The breakdown panels: the API's dimension and its heading. */
const DIMENSIONS = [
  { dimension: 'source', title: 'Sources', column: 'Source' },
  { dimension: 'entry_page', title: 'Entry pages', column: 'Entry page' },
  { dimension: 'utm_medium', title: 'UTM mediums', column: 'Medium' },
  { dimension: 'utm_campaign', title: 'UTM campaigns', column: 'Campaign' },
  { dimension: 'country', title: 'Countries', column: 'Country' },
  { dimension: 'device', title: 'Devices', column: 'Device' },
  { dimension: 'browser', title: 'Browsers', column: 'Browser' },
  { dimension: 'os', title: 'Operating systems', column: 'OS' },
] as const;

/** A panel's row: what it counts, the counts, and whether they are exact (not an estimate). */
interface PanelRow {
  label: string;
  numbers: number[];
  exact: boolean;
}

/** A panel's table: its columns (the first names the row) and its rows. */
interface PanelData {
  id: string;
  title: string;
  columns: string[];
  rows: PanelRow[];
}

const OTHER_TITLE = 'Values past the day’s counter budget, summed';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

const state = {
  client: undefined as StatsClient | undefined,
  site: '',
  timezone: 'UTC',
  /** The sites the key may read that GET /sites listed so far (undefined until it answers, or where it is missing). */
  sites: undefined as string[] | undefined,
  /** The `next_cursor` of the last page of sites read: more sites to list on request. */
  sitesCursor: undefined as string | undefined,
  period: DEFAULT_PERIOD as PeriodId,
  custom: {} as Partial<Range>,
  expanded: new Set<string>(),
  panels: new Map<string, PanelData>(),
  chartCsv: '',
  range: undefined as Range | undefined,
  loadCount: 0,
  loadedAt: 0,
  destroyChart: undefined as (() => void) | undefined,
};

function setStatus(message: string, isError = false): void {
  const status = $('status');
  status.textContent = message;
  status.classList.toggle('error', isError);
  status.setAttribute('role', isError ? 'alert' : 'status');
}

/** What a failed request means to the reader. */
function describeError(error: unknown, site: string): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'This key was not accepted. Check that it was copied whole, and try again.';
    if (error.status === 403) return `This key does not give access to the site “${site}”.`;
    if (error.status === 0) return error.message;
    return `The statistics could not be loaded: ${error.message}`;
  }
  return 'The statistics could not be loaded.';
}

// --- URL and storage ---------------------------------------------------------------------------

function readUrl(): void {
  const query = new URLSearchParams(location.search);
  const period = query.get('period');
  state.period = isPeriodId(period) ? period : DEFAULT_PERIOD;
  state.custom = { from: query.get('from') ?? undefined, to: query.get('to') ?? undefined };
  const site = query.get('site');
  if (site) state.site = site;
}

function writeUrl(push: boolean): void {
  const query = new URLSearchParams();
  if (state.site) query.set('site', state.site);
  query.set('period', state.period);
  if (state.period === 'custom' && state.custom.from && state.custom.to) {
    query.set('from', state.custom.from);
    query.set('to', state.custom.to);
  }
  const url = `${location.pathname}?${query}`;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

/**
 * `#site=S&key=K` signs in; the fragment never reaches a server, and is dropped at once. The key
 * is returned, not stored: it is kept only once the API has accepted it (signIn).
 */
function readFragment(): string | undefined {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const key = fragment.get('key');
  const site = fragment.get('site');
  if (site) state.site = site;
  if (key || site) writeUrl(false);
  return key ?? undefined;
}

// --- Sign-in -----------------------------------------------------------------------------------

/** The sign-in form, with why it is shown, and the key to try again when the API did not refuse it (kept in the form only). */
function showSignIn(message = '', key = ''): void {
  state.client = undefined;
  $('report').hidden = true;
  $('site-form').hidden = true;
  $('period-bar').hidden = true;
  $('sign-in').hidden = false;
  ($('sign-in-site') as HTMLInputElement).value = state.site;
  ($('sign-in-key') as HTMLInputElement).value = key;
  $('sign-in-error').textContent = message;
  setStatus('');
  // With the key kept in the form, the site is what to change or confirm; a refused key is what to change.
  (key ? $('sign-in-site') : message || state.site ? $('sign-in-key') : $('sign-in-site')).focus();
}

/**
 * Checks the key by opening the site (the one named by the link, the URL or the tab, else the
 * most viewed of the first page of sites), then keeps the key and shows the report; back to the
 * form if the API refuses. The site picker fills from GET /sites alongside, never holding the report up.
 */
async function signIn(key: string): Promise<void> {
  const client = statsClient(apiBase(location), key);
  setStatus('Signing in…');
  state.sites = undefined;
  state.sitesCursor = undefined;
  // The first page of sites is asked for at once, and waited for only when no site is named;
  // otherwise a failure of it leaves the site to be typed in.
  const firstPage = readSites(client);
  firstPage.catch(() => undefined);
  try {
    if (!state.site) {
      const listed = await firstPage;
      if (!listed) {
        showSignIn('Enter the id of the site to open.', key);
        return;
      }
      state.site = mostViewed(listed.sites) ?? '';
      if (!state.site) {
        showSignIn('No site has data yet.', key);
        return;
      }
    }
    await checkSite(client, state.site);
  } catch (error) {
    // A key the API refuses is not kept (nor one kept before: it was revoked); one that could not
    // be checked stays in the form, to try again.
    const refused = error instanceof ApiError && error.status === 401;
    if (refused) sessionStorage.removeItem(KEY_STORAGE);
    showSignIn(describeError(error, state.site), refused ? '' : key);
    return;
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  state.client = client;
  $('sign-in').hidden = true;
  $('site-form').hidden = false;
  $('period-bar').hidden = false;
  renderSitePicker();
  writeUrl(false);
  void firstPage.then((page) => page && state.client === client && listSites(page), () => undefined);
  await load();
}

/** A page of the sites the key reads (after `cursor`), or undefined where GET /sites is missing (an older API: the site is typed in). */
async function readSites(client: StatsClient, cursor?: string): Promise<SitesPage | undefined> {
  try {
    return await client.sites({ limit: String(SITES_PAGE), ...(cursor ? { cursor } : {}) });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** Adds a page of sites to the picker. */
function listSites(page: SitesPage): void {
  const listed = new Set(state.sites);
  state.sites = [...(state.sites ?? []), ...page.sites.map((site) => site.site_id).filter((id) => !listed.has(id))];
  state.sitesCursor = page.next_cursor;
  renderSitePicker();
}

/** The site with the most views of a page, if any. */
const mostViewed = (sites: SiteSummary[]): string | undefined => sites.reduce<SiteSummary | undefined>((top, site) => (top && top.views >= site.views ? top : site), undefined)?.site_id;

/** Lists the next page of sites in the picker, on request. */
async function moreSites(): Promise<void> {
  const client = state.client;
  if (!client || !state.sitesCursor) return;
  setStatus('Listing more sites…');
  try {
    const page = await readSites(client, state.sitesCursor);
    if (page && state.client === client) listSites(page);
    setStatus(`${formatInteger(state.sites?.length ?? 0)} sites listed.`);
  } catch (error) {
    setStatus(describeError(error, state.site), true);
  }
  ($(state.sitesCursor ? 'site-more' : 'site-select') as HTMLElement).focus();
}

/** Reads one figure of today to learn the site's time zone; throws the API's refusal. */
async function checkSite(client: StatsClient, site: string): Promise<void> {
  const probe = await client.stats(site, { date: todayIn('UTC'), limit: '1' });
  state.timezone = probe.timezone;
  sessionStorage.setItem(SITE_STORAGE, site);
}

function renderSitePicker(): void {
  const select = $('site-select') as HTMLSelectElement;
  const input = $('site-input') as HTMLInputElement;
  const pick = Boolean(state.sites && state.sites.length > 0);
  select.hidden = !pick;
  $('site-select-label').hidden = !pick;
  input.hidden = pick;
  $('site-input-label').hidden = pick;
  $('site-open').hidden = pick;
  $('site-more').hidden = !pick || !state.sitesCursor;
  if (pick) {
    const sites = state.sites!.includes(state.site) ? state.sites! : [state.site, ...state.sites!];
    select.replaceChildren(...sites.map((site) => el('option', { value: site, textContent: site, selected: site === state.site })));
  } else {
    input.value = state.site;
  }
}

async function switchSite(site: string): Promise<void> {
  if (!state.client || !site || site === state.site) return;
  const before = state.site;
  setStatus(`Opening ${site}…`);
  try {
    await checkSite(state.client, site);
  } catch (error) {
    setStatus(describeError(error, site), true);
    ($('site-input') as HTMLInputElement).value = before;
    ($('site-select') as HTMLSelectElement).value = before;
    return;
  }
  state.site = site;
  state.expanded.clear();
  writeUrl(true);
  await load();
}

// --- Loading -----------------------------------------------------------------------------------

/** Loads every figure of the period and shows it; a later load wins over an earlier one. */
async function load(options: { quiet?: boolean } = {}): Promise<void> {
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
  if (!options.quiet) setStatus('Loading…');
  const site = state.site;
  try {
    // The figures' requests go first, and the figures are shown as soon as they are in: without
    // top paths (limit 0), a range reads only its totals and unique-user sketches.
    const figures = Promise.all([client.stats(site, { ...rangeQuery(range), limit: '0' }), client.stats(site, { ...rangeQuery(previous), limit: '0' })]);
    const rest = Promise.all([
      client.stats(site, { ...rangeQuery(range), limit: String(MAX_ROWS) }),
      client.timeseries(site, chartQuery(range)),
      client.timeseries(site, chartQuery(previous)),
      ...DIMENSIONS.map(({ dimension }) => client.breakdown(site, dimension, { ...rangeQuery(range), limit: String(MAX_ROWS) })),
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
    main.dataset.state = 'ready';
    main.dataset.site = site;
    main.dataset.from = range.from;
    main.dataset.to = range.to;
    setStatus(`Updated at ${new Intl.DateTimeFormat(LOCALES, { timeStyle: 'short' }).format(new Date())}.`);
  } catch (error) {
    if (count !== state.loadCount) return;
    main.dataset.state = 'error';
    if (error instanceof ApiError && error.status === 401) {
      sessionStorage.removeItem(KEY_STORAGE);
      showSignIn(describeError(error, site));
      return;
    }
    setStatus(describeError(error, site), true);
  }
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

// --- Rendering ---------------------------------------------------------------------------------

function renderHeading(range: Range, stats: Stats): void {
  $('report').hidden = false;
  const days = range.from === range.to ? formatDay(range.from, true) : `${formatDay(range.from, true)} – ${formatDay(range.to, true)}`;
  $('report-title').textContent = `${state.site}: ${days}`;
  $('report-title').title = `Days of the time zone ${stats.timezone}`;
}

function renderFigures(stats: Stats, previous: Stats): void {
  const items = FIGURES.map((figure) => {
    const value = stats[figure.metric];
    const before = previous[figure.metric];
    const share = change(value, before);
    const trend = share === undefined || share === 0 ? 'flat' : share > 0 ? 'up' : 'down';
    const good = trend === 'flat' ? 'neutral' : (trend === 'up') !== ('lowerIsBetter' in figure) ? 'good' : 'bad';
    const changeText =
      share === undefined ? (value === 0 ? 'No change' : 'New this period') : `${formatChange(share)} against ${figure.format(before)} before`;
    const item = el(
      'li',
      { className: 'figure' },
      el('span', { className: 'figure-label' }, figure.label),
      el('span', { className: 'figure-value' }, figure.format(value)),
      el('span', { className: `figure-change ${good}` }, changeText),
    );
    item.dataset.metric = figure.metric;
    item.dataset.value = String(value);
    item.dataset.previous = String(before);
    (item.querySelector('.figure-change') as HTMLElement).dataset.change = share === undefined ? '' : String(share);
    return item;
  });
  $('figures').replaceChildren(...items);
}

function renderChart(series: Timeseries, previous: Timeseries): void {
  const label = (point: ChartPoint) => ('date' in point ? point.date : 'month' in point ? point.month : point.hour);
  const show = (point: ChartPoint) => ('date' in point ? formatDay(point.date) : 'month' in point ? formatMonth(point.month) : formatHour(point.hour));
  const points = series.points;
  state.destroyChart?.();
  const container = $('chart');
  container.setAttribute('role', 'img');
  const total = points.reduce((sum, p) => sum + p.views, 0);
  container.setAttribute(
    'aria-label',
    `Page views by ${'date' in (points[0] ?? {}) ? 'day' : 'month' in (points[0] ?? {}) ? 'month' : 'hour'}: ${formatInteger(total)} in all. The arrow keys read the chart point by point; the CSV button gives every point.`,
  );
  state.destroyChart = drawChart(container, {
    labels: points.map(show),
    views: points.map((p) => p.views),
    visits: points.map((p) => p.visits),
    previousViews: previous.points.map((p) => p.views),
  }, (text) => ($('chart-point').textContent = text));
  state.chartCsv = toCsv(
    ['point', 'views', 'visits', 'events', 'previous_point', 'previous_views', 'previous_visits', 'previous_events'],
    points.map((p, i) => {
      const before = previous.points[i];
      return [label(p), p.views, p.visits, p.events, before ? label(before) : '', before?.views ?? '', before?.visits ?? '', before?.events ?? ''];
    }),
  );
}

function renderPanels(stats: Stats, breakdowns: BreakdownRow[][]): void {
  const panels: PanelData[] = [
    { id: 'pages', title: 'Top pages', columns: ['Page', 'Views'], rows: stats.top_paths.map((p) => ({ label: p.path, numbers: [p.views], exact: p.exact !== false })) },
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
      rows: breakdowns[i]!.map((row) => ({ label: row.value, numbers: [row.visits, row.views], exact: row.exact !== false })),
    })),
  ];
  state.panels = new Map(panels.map((panel) => [panel.id, panel]));
  $('panels').replaceChildren(...panels.map(renderPanel));
}

/** The rows a panel shows: 10, or up to 100 when expanded. */
const shownRows = (panel: PanelData): PanelRow[] => panel.rows.slice(0, state.expanded.has(panel.id) ? MAX_ROWS : ROWS);

/** What a note under a panel says of its rows past the counters' budget, if any is shown. */
function exactnessNote(rows: PanelRow[]): string | undefined {
  const other = rows.some((row) => row.label === OTHER);
  const estimated = rows.some((row) => !row.exact);
  if (!other && !estimated) return undefined;
  const marks = [other ? '“(other)” sums the values past that budget' : '', estimated ? '≈ marks estimated counts' : ''].filter(Boolean).join(', and ');
  return `Some days had more distinct values than the counters keep: ${marks}.`;
}

/** A row's name: `(other)` set apart, with what it holds. */
function rowHeader(label: string, noteId: string): HTMLElement {
  if (label !== OTHER) return el('th', { scope: 'row', title: label }, label);
  const cell = el('th', { scope: 'row', className: 'other', title: OTHER_TITLE }, el('em', {}, OTHER));
  cell.setAttribute('aria-describedby', noteId);
  return cell;
}

/** A count, marked ≈ (read as “about”) when it is an estimate. */
function countCell(n: number, exact: boolean): HTMLElement {
  const cell = exact
    ? el('td', { className: 'num' }, formatInteger(n))
    : el('td', { className: 'num estimate', title: 'Estimated count' }, el('span', { className: 'approx' }, '≈'), el('span', { className: 'visually-hidden' }, 'about '), formatInteger(n));
  cell.querySelector('.approx')?.setAttribute('aria-hidden', 'true');
  cell.dataset.value = String(n);
  return cell;
}

function renderPanel(panel: PanelData): HTMLElement {
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
            const row = el('tr', {}, rowHeader(label, noteId), ...numbers.map((n) => countCell(n, exact)));
            row.dataset.value = label;
            if (!exact) row.dataset.exact = 'false';
            row.style.setProperty('--share', String((numbers[0] ?? 0) / top));
            return row;
          })
        : [el('tr', {}, el('td', { colSpan: panel.columns.length, className: 'empty' }, 'No data for this period'))]),
    ),
  );
  if (note) table.setAttribute('aria-describedby', noteId);
  const actions = el('div', { className: 'card-actions' });
  if (panel.rows.length > ROWS) {
    const more = el('button', { type: 'button', className: 'small', textContent: expanded ? `Show ${ROWS}` : panel.rows.length <= MAX_ROWS ? `Show all ${panel.rows.length}` : `Show ${MAX_ROWS}` });
    more.setAttribute('aria-expanded', String(expanded));
    more.dataset.action = 'expand';
    actions.append(more);
  }
  const csv = el('button', { type: 'button', className: 'small', textContent: 'CSV' });
  csv.dataset.action = 'csv';
  csv.setAttribute('aria-label', `Download ${panel.title} as CSV`);
  actions.append(csv);
  const section = el('section', { className: 'card panel' }, el('div', { className: 'card-head' }, el('h2', { id: headingId }, panel.title), actions), table);
  if (note) section.append(el('p', { id: noteId, className: 'panel-note' }, note));
  section.setAttribute('aria-labelledby', headingId);
  section.dataset.panel = panel.id;
  return section;
}

/** A panel's shown rows as CSV; with an `exact` column (true or false) when any of them is an estimate. */
function panelCsv(panel: PanelData): string {
  const shown = shownRows(panel);
  const withExact = shown.some((row) => !row.exact);
  return toCsv(
    [...panel.columns.map((column) => column.toLowerCase().replace(/\W+/g, '_')), ...(withExact ? ['exact'] : [])],
    shown.map((row) => [row.label, ...row.numbers, ...(withExact ? [String(row.exact)] : [])]),
  );
}

/** Offers `text` to the reader as a file download. */
export function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const fileName = (what: string): string => `${state.site}-${what}-${state.range?.from}-${state.range?.to}.csv`;

// --- Events ------------------------------------------------------------------------------------

function wire(): void {
  $('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.site = ($('sign-in-site') as HTMLInputElement).value.trim();
    void signIn(($('sign-in-key') as HTMLInputElement).value.trim());
  });
  $('site-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void switchSite(($('site-input') as HTMLInputElement).value.trim());
  });
  $('site-select').addEventListener('change', (event) => void switchSite((event.target as HTMLSelectElement).value));
  $('site-more').addEventListener('click', () => void moreSites());
  $('period').addEventListener('change', (event) => {
    state.period = (event.target as HTMLSelectElement).value as PeriodId;
    if (state.period === 'custom' && state.range) state.custom = { ...state.range };
    writeUrl(true);
    void load();
  });
  $('custom-range').addEventListener('submit', (event) => {
    event.preventDefault();
    state.custom = { from: ($('custom-from') as HTMLInputElement).value, to: ($('custom-to') as HTMLInputElement).value };
    writeUrl(true);
    void load();
  });
  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORAGE);
    showSignIn();
  });
  $('chart-csv').addEventListener('click', () => download(fileName('chart'), state.chartCsv));
  $('panels').addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest('button');
    const id = button?.closest<HTMLElement>('[data-panel]')?.dataset.panel;
    const panel = id ? state.panels.get(id) : undefined;
    if (!button || !panel) return;
    if (button.dataset.action === 'csv') download(fileName(panel.id), panelCsv(panel));
    if (button.dataset.action === 'expand') {
      if (state.expanded.has(panel.id)) state.expanded.delete(panel.id);
      else state.expanded.add(panel.id);
      const section = renderPanel(panel);
      button.closest('section')!.replaceWith(section);
      (section.querySelector('[data-action="expand"]') as HTMLElement | null)?.focus();
    }
  });
  window.addEventListener('popstate', () => {
    readUrl();
    void load();
  });
  // Fresh figures every minute while someone looks; at once when the tab comes back after longer.
  setInterval(() => {
    if (document.visibilityState === 'visible') void load({ quiet: true });
  }, REFRESH_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && Date.now() - state.loadedAt > REFRESH_MS) void load({ quiet: true });
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => void load({ quiet: true }));
}

function start(): void {
  readUrl();
  const linked = readFragment();
  if (!state.site) state.site = sessionStorage.getItem(SITE_STORAGE) ?? '';
  wire();
  const key = linked ?? sessionStorage.getItem(KEY_STORAGE);
  if (key) void signIn(key);
  else showSignIn();
}

start();
