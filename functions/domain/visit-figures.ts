/**
 * The visit figures of GET /stats, from the visit counters of the totals items (see
 * counter-units.ts for what each counter adds up).
 */
import type { VisitFigures } from '../api/responses.ts';

/** The visit counters of one or more scopes. */
export interface VisitCounters {
  /** Visits started: their entry page views. */
  visits: number;
  /** Visits with a second page view; the others are bounces. */
  multiViewVisits: number;
  /** Milliseconds of visits, first event to last, summed. */
  visitMs: number;
  /** Page views that belong to visits. */
  visitViews: number;
}

const roundTo = (value: number, decimals: number): number => {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
};

/**
 * The four figures; all 0 without visits. Bounces (visits less those with a second page view)
 * are clamped at 0: a visit's entry and second page views are different events, so a period can
 * hold the second page view of a visit that started the day before it.
 */
export function visitFigures({ visits, multiViewVisits, visitMs, visitViews }: VisitCounters): VisitFigures {
  if (visits <= 0) return { visits: 0, bounce_rate: 0, visit_duration_s: 0, views_per_visit: 0 };
  const bounces = Math.max(0, visits - multiViewVisits);
  return {
    visits,
    bounce_rate: roundTo(bounces / visits, 4),
    visit_duration_s: Math.round(visitMs / visits / 1000),
    views_per_visit: roundTo(visitViews / visits, 2),
  };
}
