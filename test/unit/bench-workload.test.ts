import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventIncrements } from '../../functions/domain/counter-units.ts';
import { DIMENSIONS } from '../../functions/domain/audience.ts';
import { acceptBeacon } from '../../functions/domain/event.ts';
import { ALL_TIME, DIMENSION_CODES, MULTI_VIEW_VISITS_ATTR, VISIT_MS_ATTR, VISIT_VIEWS_ATTR, VISITS_ATTR, VISIT_WEIGHT } from '../../functions/domain/table-schema.ts';
import { VISIT_TIMEOUT_MS } from '../../functions/domain/visit.ts';
import { stampVisit, type VisitEvent } from '../../bench/workload/audience.ts';
import { compareBreakdown, comparePaths, compareScope, overflowOf, type StatsBody } from '../../bench/workload/counts.ts';
import { PROFILE_DEFAULTS, parseArgs } from '../../bench/run/options.ts';
import { prng } from '../../bench/lib/random.ts';
import { emptyScope, generateWorkload, type ScopeTruth } from '../../bench/workload/workload.ts';
import { LONG_TAIL, longTailPicker } from '../../bench/workload/layouts.ts';

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

  it('gives each visit with marks one id, and properties to about 10% of custom events, never to page views', () => {
    const ids = Map.groupBy(workload.beacons.filter((b) => b.visit), (b) => b.visit!.id);
    expect([...ids.keys()].every((id) => /^[0-9a-f]{32}$/.test(id ?? ''))).toBe(true);
    expect([...ids.values()].every((events) => new Set(events.map((e) => e.user_id)).size === 1)).toBe(true);
    const custom = workload.beacons.filter((b) => b.event_type !== 'page_view');
    const share = custom.filter((b) => b.props).length / custom.length;
    expect(share).toBeGreaterThan(0.03);
    expect(share).toBeLessThan(0.2);
    expect(workload.beacons.some((b) => b.event_type === 'page_view' && b.props)).toBe(false);
  });

  it('has users on desktops, phones and tablets, in several countries, some unknown', () => {
    const devices = new Set(workload.audience.map((a) => a.device));
    const countries = new Set(workload.audience.map((a) => a.country));
    expect([...devices].sort()).toEqual(['desktop', 'mobile', 'tablet']);
    expect(countries.size).toBeGreaterThan(20);
    expect(countries.has('XX')).toBe(true);
  });

  it('is the same workload as before profiles existed, for the same seed', () => {
    // The default profile must not change: runs are compared across versions of the code. Visit
    // ids and properties come from a stream of their own: without them, the bodies are as before.
    const before = workload.beacons.map(({ props: _props, visit, ...beacon }) => {
      if (!visit) return JSON.stringify(beacon);
      const { id: _id, ...marks } = visit;
      return JSON.stringify({ ...beacon, visit: marks });
    });
    const digest = createHash('sha256').update(before.join('\n')).update(workload.addresses.join(',')).digest('hex');
    expect(digest.slice(0, 16)).toBe('ebf3cfa34c4e7204');
    expect(generateWorkload({ events: 3_000, sites: 5, seed: 7, now: NOW, profile: 'default' }).bodies).toEqual(workload.bodies);
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

describe('the long-tail workload', () => {
  const { events } = PROFILE_DEFAULTS['long-tail'];
  const workload = generateWorkload({ events, sites: 1, seed: 42, now: NOW, profile: 'long-tail' });
  const site = workload.truth.get(LONG_TAIL.site)!;
  const day = site.days.get('2026-03-03')!;

  it('sends one site\'s events, all on yesterday (UTC), all accepted by the API', () => {
    expect(workload.sites).toEqual([LONG_TAIL.site]);
    expect(workload.days).toEqual(['2026-03-03']);
    expect([...site.days.keys()]).toEqual(['2026-03-03']);
    expect(day.events).toBe(events);
    const refused = workload.bodies.filter((body) => !acceptBeacon(JSON.parse(body), new Date(NOW), () => 'id').ok);
    expect(refused).toEqual([]);
  });

  it('shows nearly all of its 20,000 pages in the day, most of them a few times, and half the views on 10 pages', () => {
    expect(workload.catalogue.get(LONG_TAIL.site)).toBe(20_000);
    expect(day.paths.size).toBeGreaterThan(19_500);
    expect(day.paths.size).toBeLessThanOrEqual(20_000);
    const counts = [...day.paths.values()].sort((a, b) => b - a);
    const head = counts.slice(0, LONG_TAIL.headPages).reduce((a, b) => a + b, 0);
    expect(head / day.views).toBeGreaterThan(0.45);
    expect(head / day.views).toBeLessThan(0.55);
    const tail = counts.slice(LONG_TAIL.headPages);
    expect(tail.filter((n) => n >= 2 && n <= 5).length / tail.length).toBeGreaterThan(0.6);
    expect(Math.max(...tail)).toBeLessThan(10);
  });

  it('has visits, entry pages and sources as the default workload has', () => {
    const breakdowns = day.visit.breakdowns;
    expect(day.visit.visits / day.views).toBeGreaterThan(0.25);
    expect(breakdowns.get('entry_page')!.size).toBeGreaterThan(5_000);
    expect(breakdowns.get('source')!.size).toBeGreaterThan(100);
    expect(breakdowns.get('utm_campaign')!.size).toBeGreaterThan(5);
    expect(new Set(workload.beacons.map((b) => b.event_type)).size).toBeGreaterThan(5);
  });

  it('is the same for the same seed, and another for another seed', () => {
    const again = generateWorkload({ events: 5_000, sites: 1, seed: 42, now: NOW, profile: 'long-tail' });
    expect(generateWorkload({ events: 5_000, sites: 1, seed: 42, now: NOW, profile: 'long-tail' }).bodies).toEqual(again.bodies);
    expect(generateWorkload({ events: 5_000, sites: 1, seed: 43, now: NOW, profile: 'long-tail' }).bodies).not.toEqual(again.bodies);
  });

  it('draws every tail page once before drawing any again', () => {
    const catalogue = ['/', '/a', '/b', '/c', '/d', '/e'];
    const pick = longTailPicker(catalogue, 1, 0, prng(1));
    const rounds = [0, 1, 2].map(() => Array.from({ length: 5 }, pick).sort());
    for (const round of rounds) expect(round).toEqual(['/a', '/b', '/c', '/d', '/e']);
  });
});

describe('the bench options', () => {
  it('run the default profile unless told otherwise, and give the long-tail profile one site', () => {
    expect(parseArgs([])).toMatchObject({ profile: 'default', events: 100_000, sites: 20 });
    expect(parseArgs(['--profile', 'long-tail'])).toMatchObject({ profile: 'long-tail', events: PROFILE_DEFAULTS['long-tail'].events, sites: 1 });
    expect(parseArgs(['--profile', 'long-tail', '--events', '5000'])).toMatchObject({ events: 5_000 });
    expect(() => parseArgs(['--profile', 'long-tail', '--sites', '3'])).toThrow(/one site/);
    expect(() => parseArgs(['--profile', 'wide'])).toThrow(/--profile must be one of default, long-tail/);
  });
});

describe('the bench checks', () => {
  const counts = new Map([
    ['google.com', { visits: 3, views: 7 }],
    ['(direct)', { visits: 2, views: 2 }],
    ['bing.com', { visits: 1, views: 1 }],
  ]);
  const rows = [
    { value: 'google.com', visits: 3, views: 7 },
    { value: '(direct)', visits: 2, views: 2 },
    { value: 'bing.com', visits: 1, views: 1 },
  ];

  it('accept a breakdown equal to the truth and name each row that differs', () => {
    expect(compareBreakdown('s', counts, 10, rows)).toEqual([]);
    expect(compareBreakdown('s', counts, 10, [rows[0]!, { value: '(direct)', visits: 2, views: 3 }, rows[2]!])).toEqual([
      's: "(direct)" expected visits 2, views 2, got visits 2, views 3',
      's: views of the 3 rows add up to 11, expected the total 10',
    ]);
    expect(compareBreakdown('s', counts, 10, [rows[0]!, rows[1]!])).toEqual(['s: visits of the 2 rows add up to 5, expected the total 6', 's: views of the 2 rows add up to 9, expected the total 10']);
    expect(compareBreakdown('s', counts, 10, [rows[1]!, rows[0]!, rows[2]!])).toEqual(['s: "google.com" is out of order after "(direct)"']);
  });

  it('accept values counted under (other) when the rows add up to the totals', () => {
    const other = { value: '(other)', visits: 3, views: 3 };
    expect(compareBreakdown('s', counts, 10, [rows[0]!, other])).toEqual([]);
    expect(compareBreakdown('s', counts, 10, [other, rows[0]!])).toEqual([]);
    expect(compareBreakdown('s', counts, 10, [rows[0]!, { ...other, views: 2 }])).toEqual(['s: views of the 2 rows add up to 9, expected the total 10']);
  });

  it('accept an estimate within 0.2% of the scope\'s views of the truth, and no further', () => {
    const paths = emptyScope();
    paths.views = 2_000;
    paths.paths = new Map([['/', 1_500], ['/a', 500]]);
    expect(comparePaths('s', paths, [{ path: '/', views: 1_504, exact: false }, { path: '(other)', views: 496 }])).toEqual([]);
    expect(comparePaths('s', paths, [{ path: '/', views: 1_505, exact: false }, { path: '(other)', views: 495 }])).toEqual([
      's: top_paths: "/" (estimate) expected views 1500 within 4.0, got views 1505',
    ]);
    expect(comparePaths('s', paths, [{ path: '/', views: 1_504 }, { path: '(other)', views: 496 }])).toEqual(['s: top_paths: "/" expected views 1500, got views 1504']);
  });

  it('check only what rows cut by the limit can show: each row, and their sum within the totals', () => {
    const paths = emptyScope();
    paths.paths = new Map(Array.from({ length: 150 }, (_, i) => [`/p${String(i).padStart(3, '0')}`, 150 - i]));
    paths.views = [...paths.paths.values()].reduce((a, b) => a + b, 0);
    const top = [...paths.paths].slice(0, 100).map(([path, views]) => ({ path, views }));
    expect(comparePaths('s', paths, top)).toEqual([]);
    expect(comparePaths('s', paths, [...top.slice(0, 99), { path: '(other)', views: paths.views }])).toEqual([
      `s: top_paths: views of the 100 rows add up to ${paths.views + top.slice(0, 99).reduce((a, r) => a + r.views, 0)}, over the total ${paths.views}`,
    ]);
  });

  it('count the (other) rows of the days and the estimated rows', () => {
    const body = (top_paths: StatsBody['top_paths']): StatsBody => ({ ...EMPTY_BODY, top_paths });
    const overflow = overflowOf(
      [
        { date: '2026-03-03', body: body([{ path: '/', views: 5 }, { path: '(other)', views: 7 }]) },
        { date: null, body: body([{ path: '/', views: 5, exact: false }, { path: '(other)', views: 9 }]) },
      ],
      [{ date: '2026-03-03', rows: [{ value: '(other)', visits: 1, views: 4 }] }],
    );
    expect(overflow).toEqual({ days: 1, views_in_other: 7, breakdowns: 1, breakdown_views_in_other: 4, estimated_rows: 1 });
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
