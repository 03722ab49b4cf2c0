// The benchmark's workload: a seeded, realistic stream of beacons and the exact counts it must
// produce (the ground truth GET /stats is checked against).
//
// - Sites: Zipf-distributed traffic (s = 1): the busiest of 20 sites gets about 28% of events.
// - Paths: each site has its own catalogue (busier sites have more pages, 30-200), visited with
//   Zipf popularity (s = 1); about 10% of page views carry a query string or fragment, which the
//   API drops before counting.
// - Visits: a visit is a session of a geometric number of events (mean 3) a few seconds to two
//   minutes apart, by a user drawn from the site's user pool with Zipf popularity (s = 0.9), so
//   users return, on the same day and on other days. 5% of events are custom events (signup,
//   click, download, ...) on the page the user is on. Every event of a visit carries `visit`
//   (page views so far, gap, entry URL, referrer); 15% of entry URLs have UTM parameters, 55%
//   of visits a referrer; 5% of visits are posted without visit marks, as a server would
//   (bench/workload/audience.ts). A visit with marks has a random id, as the tracker gives it.
// - Custom properties: 10% of custom events carry `props`, one or two of a few keys (plan,
//   variant, author, source_button); they go to the lake only, never to the counters.
// - Audience: each user keeps one real browser's User-Agent (desktop, mobile, tablet; weighted
//   by browser share) and one address, sent as X-Forwarded-For (public addresses of many
//   countries; 4% private or none, which count as `XX`).
// - Time: visits start over the last 3 UTC days (today included, up to a minute ago), weighted
//   by a day/night curve; the stream is sent in timestamp order, as real traffic arrives.
// - Every event carries a client event_id.
//
// Addresses, referrers and campaigns draw from a random stream of their own, and visit ids and
// properties from another, so for a given seed the events themselves (sites, paths, users, times,
// types) do not depend on them: the same events as runs 1-9 of docs/benchmarks.md, now with
// visits, audiences and properties.

import type { Audience } from '../../functions/domain/audience.ts';
import type { VisitWire } from '../../functions/domain/visit.ts';
import { audienceOf, bundledCountryLookup, USER_AGENTS, userAgentFor, visitorAddress } from './clients.ts';
import { addVisitTruth, emptyVisitTruth, marksOf, stampVisit, VisitOrigins, type VisitEvent, type VisitTruth } from './audience.ts';
import { pick, prng, zipf } from '../lib/random.ts';
import { defaultLayout, longTailLayout } from './layouts.ts';

/** The bench's workloads: `default` (20 sites over 3 days) and `long-tail` (one site, one day, 20,000 pages). */
export const PROFILES = ['default', 'long-tail'] as const;
export type Profile = (typeof PROFILES)[number];

export interface WorkloadOptions {
  events: number;
  /** Sites of the default profile (the long-tail profile has one). */
  sites: number;
  seed: number;
  /** "Now" for the time window (default Date.now()). */
  now?: number;
  /** Default: `default`. */
  profile?: Profile;
}

export interface Beacon {
  site_id: string;
  event_type: string;
  path: string;
  user_id: string;
  timestamp: string;
  event_id: string;
  /** The visit as the tracker marks it; absent on events posted by a server. */
  visit?: VisitWire;
  /** Custom properties, on some custom events. */
  props?: Record<string, string>;
}

/** Exact counts of one site for one scope (a UTC day or all time). */
export interface ScopeTruth {
  views: number;
  events: number;
  byType: Map<string, number>;
  /** Page views per normalised path. */
  paths: Map<string, number>;
  users: Set<string>;
  /** Visits, bounces, durations and breakdowns. */
  visit: VisitTruth;
}

export interface SiteTruth {
  siteId: string;
  all: ScopeTruth;
  days: Map<string, ScopeTruth>;
}

export interface Workload {
  /** In send order (timestamp order). */
  beacons: Beacon[];
  /** JSON bodies, same order. */
  bodies: string[];
  /** Per body: index into USER_AGENTS (each user keeps one browser). */
  userAgent: Uint8Array;
  /** Per body: index into `addresses` (each user keeps one address). */
  address: Uint32Array;
  /** The users' addresses, sent as X-Forwarded-For ('' for none). */
  addresses: string[];
  /** Per body: the audience the API finds for its request (User-Agent and address). */
  audience: Audience[];
  /** Per body: 1 when sent as navigator.sendBeacon sends a string (text/plain), 0 for fetch (application/json). */
  beaconContentType: Uint8Array;
  /** The 3 UTC days covered, oldest first. */
  days: string[];
  sites: string[];
  /** Ground truth per site, computed from what is sent (normalised as the API does). */
  truth: Map<string, SiteTruth>;
  /** Catalogue size per site. */
  catalogue: Map<string, number>;
}


/** Custom properties of custom events: keys and their values. */
const PROPS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['plan', ['free', 'pro', 'team', 'enterprise']],
  ['variant', ['a', 'b']],
  ['author', ['ann', 'bo', 'chen', 'dee', 'eli']],
  ['source_button', ['hero', 'header', 'footer', 'pricing-card']],
];
const PROPS_SHARE = 0.1;

/** One or two properties, drawn from `random`. */
function propsOf(random: () => number): Record<string, string> {
  const first = pick(PROPS, random);
  const props: Record<string, string> = { [first[0]]: pick(first[1], random) };
  if (random() < 0.5) {
    const second = pick(PROPS, random);
    props[second[0]] = pick(second[1], random);
  }
  return props;
}

/** A visit id as the tracker draws it: 32 hex digits. */
const visitId = (random: () => number): string => Array.from({ length: 4 }, () => Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0')).join('');

const CUSTOM_TYPES = ['click', 'signup', 'download', 'outbound_link', 'video_play', 'purchase', 'share'];
const QUERY_SUFFIXES = ['?utm_source=newsletter', '?utm_source=twitter&utm_medium=social', '?ref=producthunt', '?q=search+term', '#pricing-table', '?page=2', '#comments'];

/** A scope with nothing counted yet. */
export function emptyScope(): ScopeTruth {
  return { views: 0, events: 0, byType: new Map(), paths: new Map(), users: new Set(), visit: emptyVisitTruth() };
}

function addTo(scope: ScopeTruth, beacon: Beacon, path: string, marks: ReturnType<typeof marksOf>, audience: Audience): void {
  addVisitTruth(scope.visit, beacon.event_type, marks, audience);
  scope.events++;
  scope.byType.set(beacon.event_type, (scope.byType.get(beacon.event_type) ?? 0) + 1);
  if (beacon.event_type === 'page_view') {
    scope.views++;
    scope.paths.set(path, (scope.paths.get(path) ?? 0) + 1);
  }
  scope.users.add(beacon.user_id);
}

/** The counting rule of the API: the query string and fragment are dropped. */
export const normalisePath = (path: string): string => {
  const cut = path.search(/[?#]/);
  return cut === -1 ? path : path.slice(0, cut);
};

/** Adds one beacon, sent with a request whose audience is `audience`, to the ground truth. */
export function recordTruth(truth: Map<string, SiteTruth>, beacon: Beacon, audience: Audience): void {
  let site = truth.get(beacon.site_id);
  if (!site) truth.set(beacon.site_id, (site = { siteId: beacon.site_id, all: emptyScope(), days: new Map() }));
  const day = beacon.timestamp.slice(0, 10);
  let scope = site.days.get(day);
  if (!scope) site.days.set(day, (scope = emptyScope()));
  const path = normalisePath(beacon.path);
  const marks = marksOf(beacon.visit);
  addTo(site.all, beacon, path, marks, audience);
  addTo(scope, beacon, path, marks, audience);
}

export function generateWorkload(opts: WorkloadOptions): Workload {
  const random = prng(opts.seed);
  const now = opts.now ?? Date.now();
  const layout = (opts.profile ?? 'default') === 'long-tail' ? longTailLayout(random, now) : defaultLayout(opts, random, now);
  const { sites, siteWeights, pickSite, pickPage, windowStart, windowEnd, days } = layout;
  // User pools: about one user per four expected events, so users come back.
  const pools = sites.map((site, i) => {
    const size = Math.max(20, Math.round((opts.events * siteWeights[i]!) / 4));
    return { size, ids: new Map<number, string>(), pick: zipf(size, 0.9, random) };
  });
  const userId = (siteIndex: number, rank: number): string => {
    const pool = pools[siteIndex]!;
    let id = pool.ids.get(rank);
    if (!id) {
      const hex = (n: number): string => {
        let out = '';
        while (out.length < n) out += Math.floor(random() * 65536).toString(16).padStart(4, '0');
        return out.slice(0, n);
      };
      id = `${hex(8)}-${hex(4)}-4${hex(3)}-${hex(4)}-${hex(12)}`;
      pool.ids.set(rank, id);
    }
    return id;
  };
  const pickType = zipf(CUSTOM_TYPES.length, 1, random);
  // Day/night curve: traffic peaks mid-afternoon UTC and is about a third of that at night.
  const activity = (t: number): number => 0.35 + 0.65 * (0.5 + 0.5 * Math.sin((2 * Math.PI * ((t / 3_600_000) % 24 - 9)) / 24));
  const visitStart = (): number => {
    for (;;) {
      const t = windowStart + random() * (windowEnd - windowStart);
      if (random() < activity(t)) return t;
    }
  };

  // Addresses, referrers and campaigns come from a stream of their own (see the header).
  const audienceRandom = prng(opts.seed ^ 0x5eed_a0d1);
  const countryLookup = bundledCountryLookup();
  const origins = new VisitOrigins(audienceRandom);
  // Visit ids and custom properties: a stream of their own too.
  const propsRandom = prng(opts.seed ^ 0x9e37_79b9);
  const addresses: string[] = [];
  const addressOf = new Map<string, number>();
  const raw: Array<VisitEvent & { beacon: Beacon; ua: number; address: number; text: boolean }> = [];
  const uaOf = new Map<string, number>();
  const runId = Math.floor(random() * 36 ** 6).toString(36).padStart(6, '0');
  while (raw.length < opts.events) {
    const s = pickSite();
    const site = sites[s]!;
    const user = userId(s, pools[s]!.pick());
    let ua = uaOf.get(user);
    if (ua === undefined) uaOf.set(user, (ua = userAgentFor(random())));
    let address = addressOf.get(user);
    if (address === undefined) {
      addressOf.set(user, (address = addresses.length));
      addresses.push(visitorAddress(audienceRandom, countryLookup));
    }
    let at = visitStart();
    let page = pickPage[s]!();
    const visit: Array<VisitEvent & { beacon: Beacon }> = [];
    // Geometric visit length, mean 3 events.
    do {
      const custom = random() < 0.05;
      let path = page;
      if (!custom && random() < 0.1) path += pick(QUERY_SUFFIXES, random);
      raw.push({
        at,
        ua,
        address,
        // Page views are sent with sendBeacon (text/plain); custom events often with fetch.
        text: custom ? random() < 0.5 : random() < 0.9,
        beacon: {
          site_id: site,
          event_type: custom ? CUSTOM_TYPES[pickType()]! : 'page_view',
          path,
          user_id: user,
          timestamp: '',
          event_id: '',
        },
      });
      visit.push(raw[raw.length - 1]!);
      at += 5_000 + random() * 115_000;
      if (!custom) page = pickPage[s]!();
    } while (raw.length < opts.events && at <= windowEnd && random() > 1 / 3);
    const origin = origins.next(site);
    if (!origins.serverSide()) {
      stampVisit(visit, site, origin);
      const id = visitId(propsRandom);
      for (const event of visit) event.beacon.visit!.id = id;
    }
    for (const event of visit) {
      if (event.beacon.event_type !== 'page_view' && propsRandom() < PROPS_SHARE) event.beacon.props = propsOf(propsRandom);
    }
  }
  raw.sort((x, y) => x.at - y.at);

  const truth = new Map<string, SiteTruth>();
  const beacons: Beacon[] = [];
  const bodies: string[] = [];
  const userAgent = new Uint8Array(raw.length);
  const address = new Uint32Array(raw.length);
  const audience: Audience[] = [];
  const audiences = new Map<string, Audience>();
  const beaconContentType = new Uint8Array(raw.length);
  raw.forEach(({ at, beacon, ua, address: addressIndex, text }, i) => {
    userAgent[i] = ua;
    address[i] = addressIndex;
    const key = `${ua} ${addressIndex}`;
    let who = audiences.get(key);
    if (!who) audiences.set(key, (who = audienceOf(USER_AGENTS[ua]!, addresses[addressIndex]!, countryLookup)));
    audience.push(who);
    beaconContentType[i] = text ? 1 : 0;
    beacon.timestamp = new Date(Math.floor(at)).toISOString();
    beacon.event_id = `${runId}-${i.toString(36)}`;
    beacons.push(beacon);
    bodies.push(JSON.stringify(beacon));
    recordTruth(truth, beacon, who);
  });
  return {
    beacons,
    bodies,
    userAgent,
    address,
    addresses,
    audience,
    beaconContentType,
    days,
    sites,
    truth,
    catalogue: new Map(sites.map((s, i) => [s, layout.catalogueSizes[i]!])),
  };
}
