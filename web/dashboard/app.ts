// The dashboard: sign in with a key, pick a site and a period, read the stats API of this origin
// and show figures, a chart and panels; a click on a panel's row filters them all. The key stays
// in sessionStorage (this tab only); the site, period and filters are in the page's query string,
// so a view can be bookmarked.
import './locale-guard.ts';
import { ApiError, apiBase, statsClient } from './api.ts';
import { $, download } from './dom.ts';
import { load, loadNextRows } from './load.ts';
import { panelDimension, withFilter, without, withOperator, type Filter, type FilterOperator } from './filter-list.ts';
import { panelCsv, redrawPanel } from './panels.ts';
import type { PeriodId } from './periods.ts';
import { checkSite, listSites, mostViewed, moreSites, readSites, renderSitePicker, showSignIn } from './sites.ts';
import { watchCurrentVisitors } from './realtime.ts';
import { wireFunnel } from './funnel.ts';
import { fileName, KEY_STORAGE, readFragment, readUrl, REFRESH_MS, SITE_STORAGE, state, writeUrl } from './state.ts';
import { describeError, setStatus } from './status.ts';

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

/** Shows the view with `filters`, in a new entry of the history; focus goes to `focus` once the chips are drawn. */
function setFilters(filters: Filter[], focus?: () => HTMLElement | null): void {
  state.filters = filters;
  writeUrl(true);
  void load();
  (focus?.() ?? $('main')).focus();
}

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
    const dimension = panelDimension(panel.id);
    const value = button.closest('tr')?.dataset.value;
    if (button.dataset.action === 'filter' && dimension && value !== undefined) {
      setFilters(withFilter(state.filters, dimension, value), () => document.querySelector(`[data-filter="${dimension}"] select`));
    }
    if (button.dataset.action === 'expand') {
      if (state.expanded.has(panel.id)) state.expanded.delete(panel.id);
      else state.expanded.add(panel.id);
      redrawPanel(panel, '[data-action="expand"]');
    }
    if (button.dataset.action === 'next-rows') void loadNextRows(panel);
  });
  $('filter-chips').addEventListener('change', (event) => {
    const select = event.target as HTMLSelectElement;
    const index = Number(select.dataset.index);
    setFilters(withOperator(state.filters, index, select.value as FilterOperator), () => document.querySelectorAll<HTMLElement>('.chip-operator')[index] ?? null);
  });
  $('filter-chips').addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLElement>('[data-action="remove"]');
    if (!button) return;
    const index = Number(button.dataset.index);
    setFilters(without(state.filters, index), () => {
      const removes = document.querySelectorAll<HTMLElement>('.chip-remove');
      return removes[Math.min(index, removes.length - 1)] ?? null;
    });
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
  watchCurrentVisitors();
  wireFunnel();
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
