import { describe, expect, it } from 'vitest';
import { visitFigures } from '../../functions/domain/visit-figures.ts';

describe('visitFigures', () => {
  it('gives zeros without visits', () => {
    expect(visitFigures({ visits: 0, multiViewVisits: 0, visitMs: 0, visitViews: 0 })).toEqual({
      visits: 0,
      bounce_rate: 0,
      visit_duration_s: 0,
      views_per_visit: 0,
    });
  });

  it('gives zeros without visits even when a visit of the day before went on into the period', () => {
    // A second page view and its gap, of a visit whose entry page view counted on the day before.
    expect(visitFigures({ visits: 0, multiViewVisits: 1, visitMs: 30_000, visitViews: 1 })).toEqual({
      visits: 0,
      bounce_rate: 0,
      visit_duration_s: 0,
      views_per_visit: 0,
    });
  });

  it('gives the share of bounces, the mean duration and the page views per visit', () => {
    // 3 visits: one of 3 page views over 90 s, two bounces.
    expect(visitFigures({ visits: 3, multiViewVisits: 1, visitMs: 90_000, visitViews: 5 })).toEqual({
      visits: 3,
      bounce_rate: 0.6667,
      visit_duration_s: 30,
      views_per_visit: 1.67,
    });
  });

  it.each([
    [{ visits: 8, multiViewVisits: 1, visitMs: 1_499, visitViews: 9 }, { bounce_rate: 0.875, visit_duration_s: 0, views_per_visit: 1.13 }],
    [{ visits: 7, multiViewVisits: 0, visitMs: 10_500, visitViews: 7 }, { bounce_rate: 1, visit_duration_s: 2, views_per_visit: 1 }],
    [{ visits: 3, multiViewVisits: 3, visitMs: 4_500, visitViews: 10 }, { bounce_rate: 0, visit_duration_s: 2, views_per_visit: 3.33 }],
    [{ visits: 10_000, multiViewVisits: 1, visitMs: 0, visitViews: 10_001 }, { bounce_rate: 0.9999, visit_duration_s: 0, views_per_visit: 1 }],
  ])('rounds the rate to 4 decimals, seconds to whole ones, views per visit to 2 decimals: %j', (counters, figures) => {
    expect(visitFigures(counters)).toEqual({ visits: counters.visits, ...figures });
  });

  it('clamps bounces at 0 when more visits had a second page view than started', () => {
    expect(visitFigures({ visits: 2, multiViewVisits: 3, visitMs: 60_000, visitViews: 6 })).toMatchObject({ bounce_rate: 0 });
  });
});
