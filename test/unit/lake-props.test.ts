import { describe, expect, it } from 'vitest';
import { formatFilters, parseFilters } from '../../functions/domain/filters.ts';
import { lakeScopeStats } from '../../functions/domain/lake-answers.ts';
import { figuresQuery } from '../../functions/domain/lake-sql.ts';
import { parsePropBreakdownQuery, propBreakdownQuery, propBreakdownRows } from '../../functions/domain/prop-breakdown.ts';
import { filtersOf, lakeOfTests } from '../support/lake-fixture.ts';
import { kept, PLANS, tally, tallyPropBreakdown, workload } from '../support/lake-tally.ts';

const SITE = 'lake-props';
const RANGE = { from: '2026-03-03', to: '2026-04-05' };
const lines = workload(SITE, 30, { users: 300, firstDay: '2026-03-01', days: 40 });
const neighbours = workload('lake-props-other', 31, { users: 30, firstDay: '2026-03-01', days: 40 });
const inRange = lines.filter(({ date }) => date >= RANGE.from && date <= RANGE.to);
const lake = lakeOfTests([...lines, ...neighbours]);

const FILTERS = ['', 'country==DE|FR', 'prop:plan==pro', 'prop:plan!=pro|free', 'prop:source button~her', 'prop:plan==a\\;b\\|c\\\\d;event_type!=page_view', 'prop:missing==x'];

describe.each(FILTERS)('custom properties in the lake, filtered by "%s"', (text) => {
  it.each(['plan', 'source button', 'missing'])('break down by prop:%s as a tally does, paged', async (key) => {
    const filters = filtersOf(text);
    const all = tallyPropBreakdown(kept(inRange, filters), key);
    const rows = async (offset: number, limit: number) => propBreakdownRows(await lake().run(propBreakdownQuery(SITE, RANGE, filters, `prop:${key}`, { offset, limit })));
    expect(await rows(0, 100)).toEqual(all);
    expect(await rows(1, 2)).toEqual(all.slice(1, 3));
  });

  it('keep the events a tally keeps', async () => {
    const sum = tally(kept(inRange, filtersOf(text)));
    const stats = lakeScopeStats(await lake().run(figuresQuery(SITE, RANGE, filtersOf(text), 10)));
    expect([stats.events, stats.views, stats.uniqueUsers, stats.visits]).toEqual([sum.events, sum.views, sum.users, sum.visits]);
  });
});

describe('custom properties in the workload', () => {
  it('are on some events, with every plan, and some events lack them', () => {
    const plans = tallyPropBreakdown(inRange, 'plan').map((row) => row.value);
    expect(plans.sort()).toEqual(['(none)', ...PLANS].sort());
  });
});

describe('prop filters and breakdowns', () => {
  it('read prop:<key> with escapes, and write it back the same', () => {
    const text = 'prop:a\\;b\\|c\\\\d==x;prop:source button~her|foo;prop:k=v!=1';
    const parsed = parseFilters(text);
    expect(parsed).toEqual({
      ok: true,
      value: [
        { dimension: 'prop:a;b|c\\d', operator: '==', values: ['x'] },
        { dimension: 'prop:source button', operator: '~', values: ['her', 'foo'] },
        { dimension: 'prop:k=v', operator: '!=', values: ['1'] },
      ],
    });
    expect(parsed.ok && formatFilters(parsed.value)).toBe(text);
  });

  it.each(['prop:==x', 'prop:a\\b==x', 'prop', 'prop:plan'])('refuse the condition %j, naming filters', (text) => {
    expect(parseFilters(text)).toMatchObject({ ok: false, issues: [{ field: 'filters' }] });
  });

  it('bind the key and the values as parameters, never in the SQL text', () => {
    const filters = filtersOf("prop:pl'an==pro'\\;DROP TABLE events");
    for (const query of [figuresQuery(SITE, RANGE, filters, 10), propBreakdownQuery(SITE, RANGE, filters, "prop:ke'y", { offset: 0, limit: 10 })]) {
      expect(query.sql).not.toContain("pl'an");
      expect(query.sql).not.toContain("ke'y");
      expect(query.sql).not.toContain('DROP');
      expect(query.params).toContain("pl'an");
      expect(query.sql.split('?').length - 1).toBe(query.params.length);
    }
  });

  it('take dimension=prop:<key> with a period, limit, offset and filters, and refuse it without a period or key', () => {
    const base = { site_id: 's', from: '2026-03-01', to: '2026-03-31' };
    expect(parsePropBreakdownQuery({ ...base, dimension: 'prop:plan', limit: '5', offset: '2', filters: 'prop:plan!=free' })).toMatchObject({
      ok: true,
      value: { siteId: 's', dimension: 'prop:plan', limit: 5, offset: 2, filters: [{ dimension: 'prop:plan', operator: '!=', values: ['free'] }] },
    });
    expect(parsePropBreakdownQuery({ site_id: 's', dimension: 'prop:plan' })).toMatchObject({ ok: false, issues: [{ field: 'dimension' }] });
    expect(parsePropBreakdownQuery({ ...base, dimension: 'prop:' })).toMatchObject({ ok: false, issues: [{ field: 'dimension' }] });
    expect(parsePropBreakdownQuery({ ...base, dimension: `prop:${'k'.repeat(301)}` })).toMatchObject({ ok: false, issues: [{ field: 'dimension' }] });
  });
});
