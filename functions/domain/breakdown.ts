import { DIMENSIONS, isVisitDimension, type Dimension } from './audience.ts';
import { agreementOf, type Agreement } from './agreement.ts';
import { isExactRow } from './overflow-rows.ts';
import type { FieldIssue, ParseResult } from './parse-result.ts';
import { parseStatsQuery, periodFields, type SiteTotals, type StatsQuery } from './stats.ts';
import type { BreakdownResponse, BreakdownRow } from '../api/responses.ts';

/**
 * GET /stats/breakdown: a site's visits and page views by the values of one dimension (see
 * audience.ts for what each dimension counts), over the periods GET /stats reads.
 */

export interface BreakdownQuery extends StatsQuery {
  dimension: Dimension;
}

/** Visits started and page views under one value of a dimension. */
export interface ValueCounts {
  visits: number;
  views: number;
}

const isDimension = (value: string): value is Dimension => (DIMENSIONS as readonly string[]).includes(value);

/**
 * Validates the query string: `dimension`, and the period and `limit` as GET /stats takes them
 * (`date`, `from` and `to`, or neither for all time). Every bad parameter is reported.
 */
export function parseBreakdownQuery(params: Record<string, string | undefined>): ParseResult<BreakdownQuery> {
  const stats = parseStatsQuery(params);
  const issues: FieldIssue[] = stats.ok ? [] : [...stats.issues];
  const { dimension } = params;
  const choices = `one of ${DIMENSIONS.join(', ')}, or prop:<key> (a custom property)`;
  if (dimension === undefined) issues.push({ field: 'dimension', message: `is required: ${choices}` });
  else if (!isDimension(dimension)) issues.push({ field: 'dimension', message: `must be ${choices}` });
  if (!stats.ok || issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { ...stats.value, dimension: dimension as Dimension } };
}

/** Adds the counts of one scope into those of several (the days of a range). */
export function addValueCounts(into: Map<string, ValueCounts>, counts: ReadonlyMap<string, ValueCounts>): void {
  for (const [value, { visits, views }] of counts) {
    const sum = into.get(value);
    if (sum) {
      sum.visits += visits;
      sum.views += views;
    } else into.set(value, { visits, views });
  }
}

/**
 * Whether a dimension's counts, read from a scope's buckets, agree with the scope's totals. Every
 * visit counts under one value of every dimension, so the values' visits add up to `visits`; every
 * page view of a visit counts under one value of each visit dimension, so their views add up to
 * `visitViews`. The views of an audience dimension are not checked: page views counted before
 * audiences were found have none, so they can fall short of `views` for good.
 */
export function breakdownAgreement(
  counts: ReadonlyMap<string, ValueCounts>,
  dimension: Dimension,
  totals: Pick<SiteTotals, 'visits' | 'visitViews'>,
): Agreement {
  let visits = 0;
  let views = 0;
  for (const value of counts.values()) {
    visits += value.visits;
    views += value.views;
  }
  return agreementOf(isVisitDimension(dimension) ? [[visits, totals.visits], [views, totals.visitViews]] : [[visits, totals.visits]]);
}

/** Values by visits, then views (both descending), then value (ascending), at most `limit`; values with neither are left out. */
export function topValues(counts: ReadonlyMap<string, ValueCounts>, limit: number): BreakdownRow[] {
  return [...counts]
    .filter(([, { visits, views }]) => visits > 0 || views > 0)
    .sort(([valueA, a], [valueB, b]) => b.visits - a.visits || b.views - a.views || (valueA < valueB ? -1 : valueA > valueB ? 1 : 0))
    .slice(0, limit)
    .map(([value, { visits, views }]) => (isExactRow(counts, value) ? { value, visits, views } : { value, visits, views, exact: false }));
}

/** The GET /stats/breakdown response body; `timeZone` is the site's, in which its days are dates. */
export function shapeBreakdown(query: BreakdownQuery, counts: ReadonlyMap<string, ValueCounts>, timeZone: string): BreakdownResponse<Dimension> {
  return {
    site_id: query.siteId,
    timezone: timeZone,
    dimension: query.dimension,
    ...periodFields(query.period),
    results: topValues(counts, query.limit),
  };
}
