// "N current visitors" beside the report's title: GET /stats/realtime (users with an event in
// the last 5 minutes, from the lake), read when a site's report first loads and every 30 s while
// the page is visible (not again for a new period or filter: it is the site's now). A failure
// hides the line; the report goes on without it.
import { $ } from './dom.ts';
import { LOCALES } from './format.ts';
import { state } from './state.ts';

export const REALTIME_MS = 30_000;
let asked = 0;
/** The site the line was last read for. */
let readFor = '';

/** Reads the current visitors when the report is of another site than they were last read for. */
export function showCurrentVisitorsOfSite(): void {
  if (state.site !== readFor) void showCurrentVisitors();
}

export async function showCurrentVisitors(): Promise<void> {
  const { client, site } = state;
  const line = $('current-visitors');
  if (!client || !site) return;
  const count = ++asked;
  readFor = site;
  try {
    const now = await client.realtime(site);
    if (count !== asked || site !== state.site) return;
    const visitors = now.current_visitors;
    line.textContent = `${visitors.toLocaleString(LOCALES)} current visitor${visitors === 1 ? '' : 's'}`;
    line.title = `Users with an event in the 5 minutes before ${new Intl.DateTimeFormat(LOCALES, { timeStyle: 'short' }).format(new Date(now.at))}; events reach the lake up to ${now.lag_s} s after they are sent`;
    line.dataset.visitors = String(visitors);
    line.hidden = false;
  } catch {
    if (count === asked) line.hidden = true;
  }
}

/** Reads the current visitors again every 30 s while the page is visible, and at once when it becomes visible. */
export function watchCurrentVisitors(): void {
  setInterval(() => {
    if (document.visibilityState === 'visible') void showCurrentVisitors();
  }, REALTIME_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void showCurrentVisitors();
  });
}
