import fc from 'fast-check';
import { asGoalFilter } from '../support/goal-filters.ts';
import { describe, expect, it } from 'vitest';
import { FILTER_DIMENSIONS, formatFilters as apiFormat, parseFilters } from '../../functions/domain/filters.ts';
import {
  DIMENSION_NAMES,
  describeFilter,
  filtersQuery,
  formatFilters,
  panelDimension,
  readFilters,
  withFilter,
  without,
  withOperator,
  type Filter,
} from '../../web/dashboard/filter-list.ts';

const source: Filter = { dimension: 'source', operator: '==', values: ['google.com'] };
const country: Filter = { dimension: 'country', operator: '==', values: ['DE'] };

/** Filters of any dimension and operator, values of any characters (escapes above all). */
const anyFilters = fc.array(
  fc.record({
    dimension: fc.constantFrom(...FILTER_DIMENSIONS),
    operator: fc.constantFrom('==' as const, '!=' as const, '~' as const),
    values: fc.array(fc.string({ unit: fc.constantFrom('a', 'é', ';', '|', '\\', '=', '!', '~', ' ', '/'), minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
  }).map(asGoalFilter),
  { minLength: 1, maxLength: 4 },
);

describe('the dashboard filters', () => {
  it('name every dimension the API filters, and nothing else', () => {
    expect(Object.keys(DIMENSION_NAMES).sort()).toEqual([...FILTER_DIMENSIONS].sort());
  });

  it('name a custom property filter by its key, and read and write it as the API does', () => {
    const plan: Filter = { dimension: 'prop:plan;tier', operator: '!=', values: ['pro'] };
    expect(describeFilter(plan)).toBe('Property plan;tier is not pro');
    expect(formatFilters([plan])).toBe('prop:plan\\;tier!=pro');
    expect(parseFilters(formatFilters([source, plan]))).toEqual({ ok: true, value: [source, plan] });
  });

  it('write the filters parameter with the API\'s own writer, and read it back as the API reads it', () => {
    expect(formatFilters).toBe(apiFormat);
    fc.assert(
      fc.property(anyFilters, (filters) => {
        const text = formatFilters(filters);
        const parsed = parseFilters(text);
        expect(parsed.ok && parsed.value).toEqual(filters);
        expect(readFilters(text)).toEqual(filters);
      }),
    );
  });

  it('escape ;, | and \\ in a value', () => {
    const filters: Filter[] = [{ dimension: 'page', operator: '==', values: ['/a;b', 'c|d\\e'] }, source];
    expect(formatFilters(filters)).toBe('page==/a\\;b|c|d\\\\e;source==google.com'.replace('c|d', 'c\\|d'));
    expect(readFilters('page==/a\\;b|c\\|d\\\\e;source==google.com')).toEqual(filters);
  });

  it.each([
    '',
    'nothing',
    'planet==earth',
    'source==',
    'source==a|',
    'source==a\\b',
    'source==a\\',
    'source==a;;country==DE',
    Array.from({ length: 11 }, (_, i) => `page==/${i}`).join(';'),
    `page==/${'a'.repeat(2048)}`,
  ])('read no filters from %j, which the API refuses too', (text) => {
    expect(readFilters(text)).toEqual([]);
    if (text) expect(parseFilters(text).ok).toBe(false);
  });

  it('read no filters from a missing parameter', () => {
    expect(readFilters(null)).toEqual([]);
  });

  it('add a row’s value, replacing a filter of the same dimension in its place', () => {
    const one = withFilter([], 'source', 'google.com');
    const two = withFilter(one, 'country', 'DE');
    expect(two).toEqual([source, country]);
    expect(withFilter(withOperator(two, 0, '!='), 'source', 'bing.com')).toEqual([{ ...source, values: ['bing.com'] }, country]);
    expect(without(two, 0)).toEqual([country]);
  });

  it('read as words and as the requests’ parameter', () => {
    expect(describeFilter(withOperator([source], 0, '!=')[0]!)).toBe('Source is not google.com');
    expect(describeFilter({ dimension: 'page', operator: '~', values: ['/blog', '/news'] })).toBe('Page contains /blog or /news');
    expect(filtersQuery([])).toEqual({});
    expect(filtersQuery([source, country])).toEqual({ filters: 'source==google.com;country==DE' });
  });

  it('map each panel to the dimension its rows filter', () => {
    expect(['pages', 'events', 'source', 'entry_page', 'country', 'os', 'chart'].map(panelDimension)).toEqual(['page', 'event_type', 'source', 'entry_page', 'country', 'os', undefined]);
  });
});
