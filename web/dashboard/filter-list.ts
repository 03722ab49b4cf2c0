// The filters of the view: conditions of the stats API's `filters` parameter, in the syntax of
// Plausible's Stats API v1, read and written by the API's own parser (functions/domain/filters.ts).
// A click on a panel's row filters its dimension to that value; its chip switches it to `is not`
// or removes it. No DOM here.
import { formatFilters, isPropDimension, parseFilters, propKey, type Filter, type FilterDimension, type FilterOperator, type FixedDimension } from '../../functions/domain/filters.ts';

export { formatFilters, type Filter, type FilterDimension, type FilterOperator };

/** A dimension as a chip names it. */
export const DIMENSION_NAMES: Record<FixedDimension, string> = {
  page: 'Page',
  entry_page: 'Entry page',
  source: 'Source',
  utm_medium: 'UTM medium',
  utm_campaign: 'UTM campaign',
  country: 'Country',
  device: 'Device',
  browser: 'Browser',
  os: 'OS',
  event_type: 'Event',
  goal: 'Goal',
};

/** Any dimension as a chip names it: a custom property by its key. */
export const dimensionName = (dimension: FilterDimension): string => (isPropDimension(dimension) ? `Property ${propKey(dimension)}` : DIMENSION_NAMES[dimension]);

/** An operator as a chip reads it. */
export const OPERATOR_NAMES: Record<FilterOperator, string> = { '==': 'is', '!=': 'is not', '~': 'contains' };

/** The dimension a panel's rows filter: top pages the page, events their type, goals the goal (its converting visitors), a breakdown its own dimension. */
export function panelDimension(panelId: string): FixedDimension | undefined {
  if (panelId === 'pages') return 'page';
  if (panelId === 'events') return 'event_type';
  if (panelId === 'goals') return 'goal';
  return panelId in DIMENSION_NAMES ? (panelId as FixedDimension) : undefined;
}

/** The filters with `dimension` set to `value` alone: it replaces any filter of that dimension, in its place. */
export function withFilter(filters: readonly Filter[], dimension: FilterDimension, value: string): Filter[] {
  const filter: Filter = { dimension, operator: '==', values: [value] };
  const at = filters.findIndex((f) => f.dimension === dimension);
  return at < 0 ? [...filters, filter] : filters.map((f, i) => (i === at ? filter : f));
}

/** The filters with the one at `index` given `operator`. */
export const withOperator = (filters: readonly Filter[], index: number, operator: FilterOperator): Filter[] =>
  filters.map((f, i) => (i === index ? { ...f, operator } : f));

/** The filters without the one at `index`. */
export const without = (filters: readonly Filter[], index: number): Filter[] => filters.filter((_, i) => i !== index);

/** What a filter says, in words: `Source is not google.com`, `Page contains /blog or /news`. */
export const describeFilter = (filter: Filter): string => `${dimensionName(filter.dimension)} ${OPERATOR_NAMES[filter.operator]} ${filter.values.join(' or ')}`;

/** The requests' `filters` parameter: none without filters (the counters answer those). */
export const filtersQuery = (filters: readonly Filter[]): Record<string, string> => (filters.length ? { filters: formatFilters(filters) } : {});

/** The filters of a URL's `filters` parameter, as the API reads it; none when it is missing or the API would refuse it. */
export function readFilters(text: string | null): Filter[] {
  const parsed = text ? parseFilters(text) : undefined;
  return parsed?.ok ? parsed.value : [];
}
