import fc from 'fast-check';
import { asGoalFilter } from '../support/goal-filters.ts';
import { describe, expect, it } from 'vitest';
import {
  FILTER_DIMENSIONS,
  FILTER_OPERATORS,
  formatFilters,
  MAX_ALTERNATIVES,
  MAX_CONDITIONS,
  MAX_FILTERS_LENGTH,
  parseFilters,
  type Filter,
} from '../../functions/domain/filters.ts';

describe('parseFilters', () => {
  it('reads conditions joined by ";", each with its operator and alternatives', () => {
    expect(parseFilters('source==google.com|bing.com;country!=DE;page~/blog')).toEqual({
      ok: true,
      value: [
        { dimension: 'source', operator: '==', values: ['google.com', 'bing.com'] },
        { dimension: 'country', operator: '!=', values: ['DE'] },
        { dimension: 'page', operator: '~', values: ['/blog'] },
      ],
    });
  });

  it('unescapes \\; \\| and \\\\ in values, and keeps "=", "!" and "~" after the operator as text', () => {
    expect(parseFilters('utm_campaign==a\\;b\\|c\\\\d|x==y;page~a~b;entry_page!=!x')).toEqual({
      ok: true,
      value: [
        { dimension: 'utm_campaign', operator: '==', values: ['a;b|c\\d', 'x==y'] },
        { dimension: 'page', operator: '~', values: ['a~b'] },
        { dimension: 'entry_page', operator: '!=', values: ['!x'] },
      ],
    });
  });

  it.each([
    ['', 'must not be empty'],
    ['city==Berlin', 'condition 1 "city==Berlin" names no dimension'],
    ['source=google.com', 'condition 1 "source=google.com" must be dimension==value'],
    ['source==google.com;;country==DE', 'condition 2 "" must be dimension==value'],
    ['source==', 'condition 1 "source==" has an empty value'],
    ['source==a||b', 'has an empty value'],
    ['source==a\\b', 'has a backslash that escapes nothing'],
    ['source==a\\', 'has a backslash that escapes nothing'],
    ['Source==a', 'must be dimension==value'],
    ['planet==mars', 'names no dimension: use one of page, entry_page'],
    [`source==${Array.from({ length: MAX_ALTERNATIVES + 1 }, (_, i) => i).join('|')}`, `more than ${MAX_ALTERNATIVES} alternatives`],
    [Array.from({ length: MAX_CONDITIONS + 1 }, () => 'os==linux').join(';'), `at most ${MAX_CONDITIONS} conditions`],
    [`page==/${'a'.repeat(MAX_FILTERS_LENGTH)}`, `at most ${MAX_FILTERS_LENGTH} characters`],
  ])('refuses %j, naming it', (text, message) => {
    const parsed = parseFilters(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.issues[0]!.field).toBe('filters');
      expect(parsed.issues.map((issue) => issue.message).join(' ')).toContain(message);
    }
  });

  it('reports every bad condition', () => {
    const parsed = parseFilters('city==x;source==ok;os~');
    expect(parsed.ok ? [] : parsed.issues.map((issue) => issue.message.slice(0, 11))).toEqual(['condition 1', 'condition 3']);
  });
});

/** A custom property's key: any text without `~`, `=` or `!`, which could be read as the condition's operator. */
const propDimension = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', ';', '|', '\\', 'é', ' ', '/', ':', '_') }).map((key) => `prop:${key}` as const);

const filterArbitrary: fc.Arbitrary<Filter> = fc.record({
  dimension: fc.oneof(fc.constantFrom(...FILTER_DIMENSIONS), propDimension),
  operator: fc.constantFrom(...FILTER_OPERATORS),
  values: fc.array(fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', ';', '|', '\\', '=', '~', '!', 'é', ' ', '/') }), {
    minLength: 1,
    maxLength: 4,
  }),
}).map(asGoalFilter);

describe('formatFilters', () => {
  it('writes filters that parseFilters reads back as they were, whatever their values hold', () => {
    fc.assert(
      fc.property(fc.array(filterArbitrary, { minLength: 1, maxLength: MAX_CONDITIONS }), (filters) => {
        expect(parseFilters(formatFilters(filters))).toEqual({ ok: true, value: filters });
      }),
    );
  });
});
