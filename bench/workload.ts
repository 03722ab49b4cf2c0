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
//   (bench/audience-workload.ts).
// - Audience: each user keeps one real browser's User-Agent (desktop, mobile, tablet; weighted
//   by browser share) and one address, sent as X-Forwarded-For (public addresses of many
//   countries; 4% private or none, which count as `XX`).
// - Time: visits start over the last 3 UTC days (today included, up to a minute ago), weighted
//   by a day/night curve; the stream is sent in timestamp order, as real traffic arrives.
// - Every event carries a client event_id.
//
// Addresses, referrers and campaigns draw from a random stream of their own, so for a given seed
// the events themselves (sites, paths, users, times, types) do not depend on them: the same
// events as runs 1-9 of docs/benchmarks.md, now with visits and audiences.

import type { Audience } from '../functions/domain/audience.ts';
import type { VisitWire } from '../functions/domain/visit.ts';
import {
  addVisitTruth,
  audienceOf,
  bundledCountryLookup,
  emptyVisitTruth,
  marksOf,
  stampVisit,
  USER_AGENTS,
  userAgentFor,
  VisitOrigins,
  visitorAddress,
  type VisitEvent,
  type VisitTruth,
} from './audience-workload.ts';

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

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** sfc32: a small, fast, well-distributed 32-bit generator; returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ (seed * 31);
  let c = 0xb7e15162 ^ (seed * 977);
  let d = 1;
  const next = (): number => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 20; i++) next();
  return next;
}

/** Samples ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s. */
export function zipf(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += 1 / Math.pow(k + 1, s);
    cdf[k] = sum;
  }
  for (let k = 0; k < n; k++) cdf[k]! /= sum;
  return () => {
    const u = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Zipf weights (normalised) of n ranks. */
export function zipfWeights(n: number, s: number): number[] {
  const w = Array.from({ length: n }, (_, k) => 1 / Math.pow(k + 1, s));
  const sum = w.reduce((x, y) => x + y, 0);
  return w.map((x) => x / sum);
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;

// ---------------------------------------------------------------------------------------------
// Sites and path catalogues

const SITE_WORDS = ['acme', 'northwind', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'tyrell', 'cyberdyne',
  'soylent', 'wonka', 'gringotts', 'oscorp', 'vandelay', 'prestige', 'monarch', 'duff', 'krusty', 'planet'];
const SITE_KINDS = ['blog', 'shop', 'docs', 'app', 'news', 'www'];

const VERBS = ['deploy', 'build', 'configure', 'migrate', 'debug', 'scale', 'secure', 'monitor', 'test', 'optimise', 'cache',
  'index', 'backup', 'automate', 'design', 'ship', 'measure', 'refactor'];
const NOUNS = ['static-site', 'rest-api', 'postgres', 'kubernetes-cluster', 'react-app', 'serverless-function', 'image-pipeline',
  'search-index', 'cdn', 'webhooks', 'dark-mode', 'checkout-flow', 'mobile-app', 'data-warehouse', 'auth', 'feature-flags',
  'landing-page', 'newsletter', 'payment-gateway', 'log-pipeline'];
const DOC_SECTIONS = ['getting-started', 'guides', 'reference', 'api', 'tutorials', 'integrations', 'faq'];
const DOC_TOPICS = ['installation', 'configuration', 'authentication', 'rate-limits', 'webhooks', 'errors', 'pagination',
  'sdk-javascript', 'sdk-python', 'cli', 'deployment', 'environment-variables', 'migrations', 'billing', 'permissions'];
const ADJECTIVES = ['classic', 'wireless', 'organic', 'compact', 'premium', 'vintage', 'smart', 'eco', 'ultra', 'mini'];
const PRODUCTS = ['headphones', 'backpack', 'coffee-grinder', 'desk-lamp', 'water-bottle', 'keyboard', 'sneakers', 'notebook',
  'tea-kettle', 'yoga-mat', 'sunglasses', 'charger'];
const TOP_PAGES = ['/pricing', '/about', '/blog', '/docs', '/contact', '/features', '/signup', '/login', '/changelog', '/careers',
  '/customers', '/security', '/terms', '/privacy'];

/** A site's pages: "/" first, then common pages and generated articles, docs and products. */
function catalogueFor(size: number, random: () => number): string[] {
  const paths = new Set<string>(['/']);
  for (const p of TOP_PAGES) if (paths.size < Math.min(size, 1 + Math.ceil(size / 6))) paths.add(p);
  let guard = 0;
  while (paths.size < size && guard++ < 100_000) {
    const r = random();
    if (r < 0.4) paths.add(`/blog/how-to-${pick(VERBS, random)}-a-${pick(NOUNS, random)}`);
    else if (r < 0.65) paths.add(`/docs/${pick(DOC_SECTIONS, random)}/${pick(DOC_TOPICS, random)}`);
    else if (r < 0.85) paths.add(`/products/${pick(ADJECTIVES, random)}-${pick(PRODUCTS, random)}-${1 + Math.floor(random() * 99)}`);
    else if (r < 0.95) paths.add(`/blog/${2023 + Math.floor(random() * 3)}/${pick(NOUNS, random)}-${pick(['release-notes', 'case-study', 'deep-dive', 'roundup'], random)}`);
    else paths.add(`/changelog/v${1 + Math.floor(random() * 4)}-${Math.floor(random() * 20)}-${Math.floor(random() * 10)}`);
  }
  // "/" stays the most popular page; the rest are ranked in random order.
  const rest = [...paths].slice(1);
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  return ['/', ...rest];
}

const CUSTOM_TYPES = ['click', 'signup', 'download', 'outbound_link', 'video_play', 'purchase', 'share'];
const QUERY_SUFFIXES = ['?utm_source=newsletter', '?utm_source=twitter&utm_medium=social', '?ref=producthunt', '?q=search+term', '#pricing-table', '?page=2', '#comments'];

const DAY_MS = 86_400_000;

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

/** Where and when a profile's traffic goes: its sites, their pages and the time window. */
interface Layout {
  sites: string[];
  /** Each site's expected share of the events. */
  siteWeights: number[];
  /** Draws the site (index) of the next visit. */
  pickSite: () => number;
  /** Per site: draws the page of a page view. */
  pickPage: Array<() => string>;
  /** Per site: how many pages it has. */
  catalogueSizes: number[];
  /** Visits start in [windowStart, windowEnd] and end by windowEnd. */
  windowStart: number;
  windowEnd: number;
  /** The UTC days of the window, oldest first. */
  days: string[];
}

/** The default profile: 20 sites of 30-200 pages each, over the last 3 UTC days. */
function defaultLayout(opts: WorkloadOptions, random: () => number, now: number): Layout {
  const todayStart = Math.floor(now / DAY_MS) * DAY_MS;
  const windowStart = todayStart - 2 * DAY_MS;
  // Nothing newer than a minute ago: the API refuses events more than 10 minutes in the future,
  // and a little margin keeps "today" from depending on the clock during the run.
  const windowEnd = now - 60_000;
  const days = [0, 1, 2].map((i) => new Date(windowStart + i * DAY_MS).toISOString().slice(0, 10));

  const siteWeights = zipfWeights(opts.sites, 1);
  const sites = Array.from({ length: opts.sites }, (_, i) => {
    const word = SITE_WORDS[i % SITE_WORDS.length]!;
    const kind = SITE_KINDS[Math.floor(random() * SITE_KINDS.length)]!;
    return `${kind}.${word}${i >= SITE_WORDS.length ? i : ''}.example`;
  });
  const pickSite = zipf(opts.sites, 1, random);
  const catalogues = sites.map((_, i) => {
    // Busier sites have more pages: 200 for the busiest down to about 30, with some jitter.
    const base = 200 - (170 * i) / Math.max(1, opts.sites - 1);
    const size = Math.max(30, Math.min(200, Math.round(base * (0.85 + 0.3 * random()))));
    return catalogueFor(size, random);
  });
  const pickPath = catalogues.map((c) => zipf(c.length, 1, random));
  return {
    sites,
    siteWeights,
    pickSite,
    pickPage: catalogues.map((catalogue, i) => () => catalogue[pickPath[i]!()]!),
    catalogueSizes: catalogues.map((c) => c.length),
    windowStart,
    windowEnd,
    days,
  };
}

/** The long-tail profile: one site's pages, how many of them make the popular head, and the head's share of page views. */
export const LONG_TAIL = { site: 'www.longtail.example', pages: 20_000, headPages: 10, headShare: 0.5 } as const;

const ARTICLE_ENDINGS = ['guide', 'tips', 'checklist', 'explained', 'in-practice', 'for-beginners', 'at-scale', 'mistakes'];
const DOC_PAGES = ['overview', 'examples', 'options', 'troubleshooting', 'limits'];

/** One page of a large site: an article, a product, a versioned doc page, a question or a tag listing (about 38 characters). */
function longTailPath(random: () => number): string {
  const r = random();
  if (r < 0.35) return `/blog/${2019 + Math.floor(random() * 7)}/${pick(VERBS, random)}-${pick(NOUNS, random)}-${pick(ARTICLE_ENDINGS, random)}`;
  if (r < 0.6) return `/products/${pick(ADJECTIVES, random)}-${pick(PRODUCTS, random)}-${1 + Math.floor(random() * 999)}`;
  if (r < 0.8) return `/docs/v${1 + Math.floor(random() * 4)}/${pick(DOC_SECTIONS, random)}/${pick(DOC_TOPICS, random)}/${pick(DOC_PAGES, random)}`;
  if (r < 0.93) return `/questions/${100_000 + Math.floor(random() * 900_000)}/how-to-${pick(VERBS, random)}-${pick(NOUNS, random)}`;
  return `/tags/${pick(NOUNS, random)}/page/${2 + Math.floor(random() * 98)}`;
}

/** A large site's pages: "/" and the common pages first (the head), then `size` in all. */
export function longTailCatalogue(size: number, random: () => number): string[] {
  const paths = new Set<string>(['/', ...TOP_PAGES].slice(0, size));
  for (let guard = 0; paths.size < size && guard < 100 * size; guard++) paths.add(longTailPath(random));
  if (paths.size < size) throw new Error(`only ${paths.size} distinct pages for a catalogue of ${size}`);
  return [...paths];
}

/**
 * Draws pages of a long-tail catalogue: with probability `headShare` one of its first
 * `headPages` pages (Zipf, s = 1: "/" first), otherwise the next page of the tail in a shuffled
 * round of all of them, so every tail page is seen once before any is seen again.
 */
export function longTailPicker(catalogue: readonly string[], headPages: number, headShare: number, random: () => number): () => string {
  const pickHead = zipf(headPages, 1, random);
  const tail = catalogue.slice(headPages);
  const order = tail.map((_, i) => i);
  let next = order.length;
  return () => {
    if (tail.length === 0 || random() < headShare) return catalogue[pickHead()]!;
    if (next === order.length) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      next = 0;
    }
    return tail[order[next++]!]!;
  };
}

/** The long-tail profile: one busy site with 20,000 pages and a popular head, over yesterday (UTC), a whole day. */
function longTailLayout(random: () => number, now: number): Layout {
  const todayStart = Math.floor(now / DAY_MS) * DAY_MS;
  const windowStart = todayStart - DAY_MS;
  const catalogue = longTailCatalogue(LONG_TAIL.pages, random);
  return {
    sites: [LONG_TAIL.site],
    siteWeights: [1],
    pickSite: () => 0,
    pickPage: [longTailPicker(catalogue, LONG_TAIL.headPages, LONG_TAIL.headShare, random)],
    catalogueSizes: [catalogue.length],
    windowStart,
    windowEnd: todayStart - 1,
    days: [new Date(windowStart).toISOString().slice(0, 10)],
  };
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
    const visit: VisitEvent[] = [];
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
    if (!origins.serverSide()) stampVisit(visit, site, origin);
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
