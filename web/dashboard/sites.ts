// Who is signed in, and to which sites: the sign-in form, the site picker (filled from GET /sites,
// a page at a time) and the check of a site that learns its time zone.
import { ApiError, type SiteSummary, type SitesPage, type StatsClient } from './api.ts';
import { $, el } from './dom.ts';
import { formatInteger } from './format.ts';
import { todayIn } from './periods.ts';
import { SITE_STORAGE, SITES_PAGE, state } from './state.ts';
import { describeError, setStatus } from './status.ts';

/** The sign-in form, with why it is shown, and the key to try again when the API did not refuse it (kept in the form only). */
export function showSignIn(message = '', key = ''): void {
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

/** A page of the sites the key reads (after `cursor`), or undefined where GET /sites is missing (an older API: the site is typed in). */
export async function readSites(client: StatsClient, cursor?: string): Promise<SitesPage | undefined> {
  try {
    return await client.sites({ limit: String(SITES_PAGE), ...(cursor ? { cursor } : {}) });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** Adds a page of sites to the picker. */
export function listSites(page: SitesPage): void {
  const listed = new Set(state.sites);
  state.sites = [...(state.sites ?? []), ...page.sites.map((site) => site.site_id).filter((id) => !listed.has(id))];
  state.sitesCursor = page.next_cursor;
  renderSitePicker();
}

/** The site with the most views of a page, if any. */
export const mostViewed = (sites: SiteSummary[]): string | undefined => sites.reduce<SiteSummary | undefined>((top, site) => (top && top.views >= site.views ? top : site), undefined)?.site_id;

/** Lists the next page of sites in the picker, on request. */
export async function moreSites(): Promise<void> {
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
export async function checkSite(client: StatsClient, site: string): Promise<void> {
  const probe = await client.stats(site, { date: todayIn('UTC'), limit: '1' });
  state.timezone = probe.timezone;
  sessionStorage.setItem(SITE_STORAGE, site);
}

export function renderSitePicker(): void {
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
