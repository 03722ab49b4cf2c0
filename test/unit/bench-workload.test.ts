import { describe, expect, it } from 'vitest';
import { eventIncrements } from '../../functions/domain/aggregate.ts';
import { DIMENSIONS } from '../../functions/domain/audience.ts';
import { acceptBeacon } from '../../functions/domain/event.ts';
import { ALL_TIME, DIMENSION_CODES, MULTI_VIEW_VISITS_ATTR, VISIT_MS_ATTR, VISIT_VIEWS_ATTR, VISITS_ATTR, VISIT_WEIGHT } from '../../functions/domain/keys.ts';
import { VISIT_TIMEOUT_MS } from '../../functions/domain/visit.ts';
import { expectedBreakdown, stampVisit, type VisitEvent } from '../../scripts/bench/audience-workload.ts';
import { compareBreakdown, compareScope, type StatsBody } from '../../scripts/bench/counts.ts';
import { emptyScope, generateWorkload, type ScopeTruth } from '../../scripts/bench/workload.ts';

const NOW = Date.parse('2026-03-04T15:00:00Z');

describe('stampVisit', () => {
  it('marks each event with the page views so far, the gap since the previous event, the entry URL and the referrer', () => {
    // Prepare
    const events: VisitEvent[] = [
      { at: 1_000.7, beacon: { event_type: 'page_view', path: '/pricing?ref=x' } },
      { at: 6_000.2, beacon: { event_type: 'signup', path: '/pricing' } },
      { at: 20_000.9, beacon: { event_type: 'page_view', path: '/docs' } },
    ];

    // Act
    stampVisit(events, 'shop.acme.example', { utm: 'utm_source=newsletter&utm_medium=email', referrer: 'https://www.google.com/' });

    // Assess
    const entry = 'https://shop.acme.example/pricing?utm_source=newsletter&utm_medium=email';
    expect(events[0]!.beacon.path).toBe('/pricing?utm_source=newsletter&utm_medium=email');
    expect(events.map((e) => e.beacon.visit)).toEqual([
      { page: 1, gap_ms: 0, entry, referrer: 'https://www.google.com/' },
      { page: 1, gap_ms: 5_000, entry, referrer: 'https://www.google.com/' },
      { page: 2, gap_ms: 14_000, entry, referrer: 'https://www.google.com/' },
    ]);
  });
});

describe('expectedBreakdown', () => {
  it('orders by visits, then views, descending, then value ascending, and keeps `limit`', () => {
    const counts = new Map([
      ['b', { visits: 2, views: 5 }],
      ['a', { visits: 2, views: 5 }],
      ['c', { visits: 2, views: 9 }],
      ['d', { visits: 3, views: 3 }],
    ]);
    expect(expectedBreakdown(counts, 3).map((row) => row.value)).toEqual(['d', 'c', 'a']);
  });
});

describe('the bench workload', () => {
  const workload = generateWorkload({ events: 3_000, sites: 5, seed: 7, now: NOW });

  it('sends only events the API accepts, with visits whose gaps stay under the visit timeout', () => {
    const refused = workload.bodies.filter((body) => !acceptBeacon(JSON.parse(body), new Date(NOW), () => 'id').ok);
    expect(refused).toEqual([]);
    const gaps = workload.beacons.flatMap((b) => (b.visit ? [b.visit.gap_ms] : []));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(VISIT_TIMEOUT_MS);
    const withVisit = gaps.length / workload.beacons.length;
    expect(withVisit).toBeGreaterThan(0.9);
    expect(withVisit).toBeLessThan(1);
  });

  it('has users on desktops, phones and tablets, in several countries, some unknown', () => {
    const devices = new Set(workload.audience.map((a) => a.device));
    const countries = new Set(workload.audience.map((a) => a.country));
    expect([...devices].sort()).toEqual(['desktop', 'mobile', 'tablet']);
    expect(countries.size).toBeGreaterThan(20);
    expect(countries.has('XX')).toBe(true);
  });

  it("keeps visit and breakdown truths that equal what the processor's increments add up to", () => {
    // Prepare: every event as ingestion accepts it, with its request's audience, through the processor's increments.
    const counters = new Map<string, Map<string, number>>();
    workload.bodies.forEach((body, i) => {
      const accepted = acceptBeacon(JSON.parse(body), new Date(NOW), () => 'id', workload.audience[i]);
      if (!accepted.ok) throw new Error(JSON.stringify(accepted.issues));
      for (const { scope, attr, by } of eventIncrements(accepted.value, 4)) {
        const key = `${accepted.value.site_id}|${scope}`;
        let attrs = counters.get(key);
        if (!attrs) counters.set(key, (attrs = new Map()));
        attrs.set(attr, (attrs.get(attr) ?? 0) + by);
      }
    });

    // Act: the truth, in the same shape.
    // Breakdowns are kept by the day only, one packed number per value (keys.ts).
    const fromTruth = (scope: ScopeTruth, withBreakdowns: boolean): Map<string, number> => {
      const attrs = new Map<string, number>();
      const put = (attr: string, n: number) => n && attrs.set(attr, n);
      put(VISITS_ATTR, scope.visit.visits);
      put(MULTI_VIEW_VISITS_ATTR, scope.visit.visitsMulti);
      put(VISIT_MS_ATTR, scope.visit.visitMs);
      put(VISIT_VIEWS_ATTR, scope.visit.visitViews);
      for (const dimension of withBreakdowns ? DIMENSIONS : []) {
        for (const [value, counts] of scope.visit.breakdowns.get(dimension)!) {
          put(`${DIMENSION_CODES[dimension]}#${value}`, counts.visits * VISIT_WEIGHT + counts.views);
        }
      }
      return attrs;
    };
    const relevant = (attrs: Map<string, number> | undefined): Map<string, number> =>
      new Map(
        [...(attrs ?? [])].filter(
          ([attr]) => [VISITS_ATTR, MULTI_VIEW_VISITS_ATTR, VISIT_MS_ATTR, VISIT_VIEWS_ATTR].includes(attr) || /^[smcendbo]#/.test(attr),
        ),
      );

    // Assess
    let scopes = 0;
    for (const [siteId, site] of workload.truth) {
      for (const [scope, truth] of [[ALL_TIME, site.all] as const, ...site.days]) {
        expect(fromTruth(truth, scope !== ALL_TIME), `${siteId} ${scope}`).toEqual(relevant(counters.get(`${siteId}|${scope}`)));
        scopes++;
      }
    }
    expect(scopes).toBeGreaterThan(5);
  });
});

describe('the bench checks', () => {
  const rows = [
    { value: 'google.com', visits: 3, views: 7 },
    { value: '(direct)', visits: 2, views: 2 },
  ];

  it('accept a breakdown equal to the truth and name the first row that differs', () => {
    expect(compareBreakdown('s', rows, rows)).toBeUndefined();
    expect(compareBreakdown('s', rows, [rows[0]!, { value: '(direct)', visits: 2, views: 3 }])).toBe(
      's: results[1] expected {"value":"(direct)","visits":2,"views":2}, got {"value":"(direct)","visits":2,"views":3}',
    );
    expect(compareBreakdown('s', rows, [rows[0]!])).toMatch(/^s: 1 values, expected 2/);
  });

  it('compare the visit figures of GET /stats with those of the true counters', () => {
    // Prepare: 4 visits, 1 with a second page view, 10 s of visits, 6 of their page views.
    const truth = emptyScope();
    Object.assign(truth.visit, { visits: 4, visitsMulti: 1, visitMs: 10_000, visitViews: 6 });
    const body: StatsBody = { ...EMPTY_BODY, visits: 4, bounce_rate: 0.75, visit_duration_s: 3, views_per_visit: 1.5 };

    // Act, Assess
    expect(compareScope('s', truth, body)).toEqual([]);
    expect(compareScope('s', truth, { ...body, bounce_rate: 0.7 })).toEqual(['s: bounce_rate expected 0.75, got 0.7']);
  });

  it('reads event types named like members of every object as counts of their own', () => {
    // Prepare
    const truth = emptyScope();
    truth.events = 5;
    truth.byType.set('constructor', 2).set('__proto__', 3);
    const counted: StatsBody = { ...EMPTY_BODY, total_events: 5, events_by_type: JSON.parse('{"constructor":2,"__proto__":3}') };
    const missing: StatsBody = { ...EMPTY_BODY, total_events: 5, events_by_type: JSON.parse('{"toString":5}') };

    // Act, Assess
    expect(compareScope('s', truth, counted)).toEqual([]);
    expect(compareScope('s', truth, missing)).toEqual([
      's: events_by_type.__proto__ expected 3, got 0',
      's: events_by_type.constructor expected 2, got 0',
      's: events_by_type.toString expected 0, got 5',
    ]);
  });
});

const EMPTY_BODY: StatsBody = {
  total_views: 0,
  total_events: 0,
  unique_users: 0,
  events_by_type: {},
  top_paths: [],
  visits: 0,
  bounce_rate: 0,
  visit_duration_s: 0,
  views_per_visit: 0,
};
