// The time-series chart: page views and visits of the period, the previous period's page views
// faintly behind, and a tooltip at the cursor. uPlot draws on a canvas; colours come from the
// stylesheet's variables, so light and dark follow the reader's setting.
import uPlot from 'uplot';
import { formatInteger } from './format.ts';

/** What the chart shows: a label per point (day or hour) and the series by point. */
export interface ChartData {
  labels: string[];
  views: number[];
  visits: number[];
  /** The previous period's page views, point by point (as long as `labels` or shorter). */
  previousViews: number[];
}

const cssVar = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** A tooltip that follows the cursor: the point's label and each series' value. */
function tooltipPlugin(labels: () => string[]): uPlot.Plugin {
  let tip: HTMLDivElement;
  return {
    hooks: {
      init: (u) => {
        tip = document.createElement('div');
        tip.className = 'chart-tip';
        tip.hidden = true;
        u.over.append(tip);
      },
      setCursor: (u) => {
        const idx = u.cursor.idx;
        if (idx === null || idx === undefined) {
          tip.hidden = true;
          return;
        }
        tip.replaceChildren();
        const title = document.createElement('strong');
        title.textContent = labels()[idx] ?? '';
        tip.append(title);
        u.series.slice(1).forEach((series, i) => {
          const value = u.data[i + 1]?.[idx];
          if (value === null || value === undefined || !series.show) return;
          const line = document.createElement('div');
          line.textContent = `${series.label}: ${formatInteger(value)}`;
          tip.append(line);
        });
        tip.hidden = false;
        // Right of the cursor where it fits, else left of it, never past the plot's edges.
        const x = u.valToPos(idx, 'x');
        const width = tip.offsetWidth;
        const room = u.over.clientWidth;
        const left = x + 12 + width <= room ? x + 12 : x - 12 - width >= 0 ? x - 12 - width : Math.max(0, room - width);
        tip.style.left = `${left}px`;
        tip.style.top = `${Math.max(0, (u.cursor.top ?? 0) - 20)}px`;
      },
    },
  };
}

/**
 * Keyboard reading of the chart: focused, the arrow keys move the cursor (and its tooltip) from
 * point to point, Home and End to the first and last; `announce` gets the point's text for a
 * live region, since a canvas tells a screen reader nothing.
 */
function keyboardCursor(u: uPlot, container: HTMLElement, announce: (text: string) => void): void {
  container.tabIndex = 0;
  const last = u.data[0].length - 1;
  const moveTo = (idx: number) => {
    const value = u.data[1]?.[idx] ?? 0;
    u.setCursor({ left: u.valToPos(idx, 'x'), top: u.valToPos(value, 'y') });
  };
  container.addEventListener('keydown', (event) => {
    const current = u.cursor.idx ?? -1;
    const next =
      event.key === 'ArrowRight' ? Math.min(last, current + 1)
      : event.key === 'ArrowLeft' ? Math.max(0, current < 0 ? last : current - 1)
      : event.key === 'Home' ? 0
      : event.key === 'End' ? last
      : undefined;
    if (next === undefined || last < 0) return;
    event.preventDefault();
    moveTo(next);
    announce(u.over.querySelector('.chart-tip')?.textContent ?? '');
  });
  container.addEventListener('blur', () => u.setCursor({ left: -10, top: -10 }));
}

/** Draws the chart into `container`, replacing what was there; redraws on resizes. */
export function drawChart(container: HTMLElement, data: ChartData, announce: (text: string) => void = () => {}): () => void {
  container.replaceChildren();
  const previous = data.labels.map((_, i) => data.previousViews[i] ?? null);
  const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--grid'), width: 1 }, ticks: { stroke: cssVar('--grid'), width: 1 } };
  const width = () => Math.max(280, container.clientWidth);
  const height = () => (container.clientWidth < 600 ? 220 : 300);
  const plot = new uPlot(
    {
      width: width(),
      height: height(),
      scales: { x: { time: false } },
      legend: { show: true, live: false },
      cursor: { points: { size: 7 }, drag: { x: false, y: false } },
      plugins: [tooltipPlugin(() => data.labels)],
      axes: [
        {
          ...axis,
          values: (_u, splits) => splits.map((i) => (Number.isInteger(i) ? (data.labels[i] ?? '') : '')),
        },
        { ...axis, size: 56, values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? formatInteger(v) : '')) },
      ],
      series: [
        {},
        { label: 'Page views', stroke: cssVar('--accent'), width: 2, fill: cssVar('--accent-fill'), points: { show: data.labels.length <= 31 } },
        { label: 'Visits', stroke: cssVar('--accent-2'), width: 2, points: { show: data.labels.length <= 31 } },
        { label: 'Page views, previous period', stroke: cssVar('--faint'), width: 1.5, dash: [5, 4], points: { show: false } },
      ],
    },
    [data.labels.map((_, i) => i), data.views, data.visits, previous],
    container,
  );
  keyboardCursor(plot, container, announce);
  const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: height() }));
  observer.observe(container);
  return () => {
    observer.disconnect();
    plot.destroy();
  };
}
