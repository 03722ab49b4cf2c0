// The report's heading, its top-line figures (each with its change against the period before)
// and the chart of the period, with the chart's CSV.
import type { ChartPoint, Stats, Timeseries } from './api.ts';
import { drawChart } from './chart.ts';
import { $, el } from './dom.ts';
import { change, formatChange, formatDay, formatDecimal, formatDuration, formatHour, formatMonth, formatInteger, formatPercent, toCsv } from './format.ts';
import type { Range } from './periods.ts';
import { state } from './state.ts';

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

export function renderHeading(range: Range, stats: Stats): void {
  $('report').hidden = false;
  const days = range.from === range.to ? formatDay(range.from, true) : `${formatDay(range.from, true)} – ${formatDay(range.to, true)}`;
  $('report-title').textContent = `${state.site}: ${days}`;
  $('report-title').title = `Days of the time zone ${stats.timezone}`;
}

export function renderFigures(stats: Stats, previous: Stats): void {
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

export function renderChart(series: Timeseries, previous: Timeseries): void {
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
