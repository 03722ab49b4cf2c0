import type { Filter } from '../../functions/domain/filters.ts';

/**
 * A random filter as the parser accepts it: a `goal` filter's values made page goals (`page:/` and
 * the value, whatever it holds), its `~` made `==`; any other filter as it is.
 */
export const asGoalFilter = (filter: Filter): Filter =>
  filter.dimension === 'goal' ? { ...filter, operator: filter.operator === '~' ? '==' : filter.operator, values: filter.values.map((value) => `page:/${value}`) } : filter;
