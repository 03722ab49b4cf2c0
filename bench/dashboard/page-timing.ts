// How `npm run bench:dashboard` times a page: the dashboard opened in a new browser context
// (nothing cached, nothing stored), a MutationObserver installed before the page's script marks
// by the page's own clock when each part is in the DOM, and what was shown is read back.
import type { Browser } from 'playwright-core';

/** Top-line figures the page shows (FIGURES in web/dashboard/app.ts). */
export const FIGURE_COUNT = 7;

export interface Timing {
  /** Navigation start to every top-line figure in the DOM (the page's clock). */
  figuresMs: number;
  /** Navigation start to every panel and the chart drawn (the Goals panel included). */
  readyMs: number;
  /** Navigation start to the Goals panel's rows drawn (undefined while it has none). */
  goalsMs?: number;
  /** Navigation start to the funnel's table drawn (a link with `funnel=` only). */
  funnelMs?: number;
  figures: Record<string, number>;
  /** The Goals panel's rows: goal, then its numbers as shown (data-value). */
  goals: Array<{ goal: string; numbers: number[] }>;
  /** The funnel's rows as shown: step, then visits, conversion (text) and drop-off. */
  funnel: string[][];
}

/** Installed before the page's script (the page's code, as a string: this file is compiled without the DOM's types). */
const MARKS_SCRIPT = `
  const marks = (window.__bench = {});
  new MutationObserver(() => {
    const now = performance.now();
    if (marks.figures === undefined && document.querySelectorAll('#figures [data-metric][data-value]').length >= ${FIGURE_COUNT}) marks.figures = now;
    if (marks.ready === undefined && document.querySelector('main[data-state="ready"]')) marks.ready = now;
    if (marks.goals === undefined && document.querySelector('[data-panel="goals"] tbody tr[data-value]')) marks.goals = now;
    if (marks.funnel === undefined && document.querySelector('#funnel-result table') && !document.querySelector('#funnel[aria-busy]')) marks.funnel = now;
  }).observe(document, { subtree: true, childList: true, attributes: true });
`;
const READ_MARKS = `({
  figuresMs: window.__bench.figures,
  readyMs: window.__bench.ready,
  goalsMs: window.__bench.goals,
  funnelMs: window.__bench.funnel,
  figures: Object.fromEntries([...document.querySelectorAll('#figures [data-metric][data-value]')].map((item) => [item.dataset.metric, Number(item.dataset.value)])),
  goals: [...document.querySelectorAll('[data-panel="goals"] tbody tr[data-value]')].map((row) => ({
    goal: row.dataset.value,
    numbers: [...row.querySelectorAll('td[data-value]')].map((cell) => Number(cell.dataset.value)),
  })),
  funnel: [...document.querySelectorAll('#funnel-result tbody tr')].map((row) => [...row.children].map((cell) => cell.textContent)),
})`;

/**
 * Opens `url` signed in by its link and waits until everything is drawn: the panels, and the
 * funnel too when the link has steps.
 */
export async function openDashboard(browser: Browser, url: string): Promise<Timing> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
  const withFunnel = new URL(url).searchParams.has('funnel');
  try {
    const page = await context.newPage();
    await page.addInitScript(MARKS_SCRIPT);
    await page.goto(url);
    await page.waitForFunction(
      (funnel) => {
        const marks = (globalThis as unknown as { __bench: { ready?: number; funnel?: number } }).__bench;
        return marks.ready !== undefined && (!funnel || marks.funnel !== undefined);
      },
      withFunnel,
      { timeout: 60_000 },
    );
    return (await page.evaluate(READ_MARKS)) as Timing;
  } finally {
    await context.close();
  }
}

export const ms = (value: number): string => `${Math.round(value).toLocaleString('en-US').padStart(6)} ms`;
