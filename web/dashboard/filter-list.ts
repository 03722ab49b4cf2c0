// The filters of the view: conditions of the stats API's `filters` parameter, in the syntax of
// Plausible's Stats API v1. functions/domain/filters.ts parses it for the API but is typed with
// Node's modules; test/unit/dashboard-filters.test.ts holds both readings and writings to agree.
// A click on a panel's row filters its dimension to that value; its chip switches it to `is not`
// or removes it. No DOM here.

export type FilterDimension = 'page' | 'entry_page' | 'source' | 'utm_medium' | 'utm_campaign' | 'country' | 'device' | 'browser' | 'os' | 'event_type';
export type FilterOperator = '==' | '!=' | '~';

/** A condition: the dimension `is` one of the values, `is not` any of them, or `contains` one. */
export interface Filter {
  dimension: FilterDimension;
  operator: FilterOperator;
  values: readonly string[];
}

/** A dimension as a chip names it. */
export const DIMENSION_NAMES: Record<FilterDimension, string> = {
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
};

/** An operator as a chip reads it. */
export const OPERATOR_NAMES: Record<FilterOperator, string> = { '==': 'is', '!=': 'is not', '~': 'contains' };

/** The dimension a panel's rows filter: top pages the page, events their type, a breakdown its own dimension. */
export function panelDimension(panelId: string): FilterDimension | undefined {
  if (panelId === 'pages') return 'page';
  if (panelId === 'events') return 'event_type';
  return panelId in DIMENSION_NAMES ? (panelId as FilterDimension) : undefined;
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
export const describeFilter = (filter: Filter): string => `${DIMENSION_NAMES[filter.dimension]} ${OPERATOR_NAMES[filter.operator]} ${filter.values.join(' or ')}`;

/** Filters as the `filters` parameter writes them: `;` between conditions, `|` between values, `\`, `;` and `|` escaped by `\`. */
export const formatFilters = (filters: readonly Filter[]): string =>
  filters.map((f) => f.dimension + f.operator + f.values.map((value) => value.replace(/[\\;|]/g, '\\$&')).join('|')).join(';');

/** The requests' `filters` parameter: none without filters (the counters answer those). */
export const filtersQuery = (filters: readonly Filter[]): Record<string, string> => (filters.length ? { filters: formatFilters(filters) } : {});

/** Each escape (`\` and the character after it) or other character of `text`. */
const tokens = (text: string): string[] => text.match(/\\[\s\S]?|[\s\S]/g) ?? [];

/** `tokens` cut at each `separator` token. */
function cut(tokenList: string[], separator: string): string[][] {
  const parts: string[][] = [[]];
  for (const token of tokenList) {
    if (token === separator) parts.push([]);
    else parts.at(-1)!.push(token);
  }
  return parts;
}

/** The filters of a URL's `filters` parameter, as the API reads it; none when it is missing or anything in it is not valid. */
export function readFilters(text: string | null): Filter[] {
  const all = tokens(text ?? '');
  if (!all.length || all.some((token) => token[0] === '\\' && !/^\\[\\;|]$/.test(token))) return [];
  const filters: Filter[] = [];
  for (const condition of cut(all, ';')) {
    const match = /^([a-z_]+)(==|!=|~)/.exec(condition.join(''));
    if (!match || !(match[1]! in DIMENSION_NAMES)) return [];
    const values = cut(tokens(condition.join('').slice(match[0].length)), '|').map((value) => value.map((token) => token.at(-1)).join(''));
    if (values.some((value) => !value)) return [];
    filters.push({ dimension: match[1] as FilterDimension, operator: match[2] as FilterOperator, values });
  }
  return filters;
}
