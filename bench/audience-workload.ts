// The audience side of the benchmark's workload (bench/workload.ts): what each visit
// carries on the wire (its `visit` object: page count, gap, entry URL with or without UTM
// parameters, referrer), who sends it (a User-Agent and an X-Forwarded-For address per user),
// and the exact visit and breakdown counts that must come out of it.
//
// The counts are found with the project's own definitions (visitMarks, classifyUserAgent,
// countryOf and the shipped country database) applied to what is sent, and added up the way
// functions/domain/aggregate.ts adds them: a visit counts on the day of its entry page view,
// a visit's second page view, its gaps and its page views on the day each of them lands.
import { countryDatabasePath, openCountryDatabase } from '../functions/commons/country-database.ts';
import { DIMENSIONS, type Audience, type Dimension } from '../functions/domain/audience.ts';
import { countryOf, isPublicIp, type CountryLookup } from '../functions/domain/country.ts';
import { classifyUserAgent } from '../functions/domain/user-agent.ts';
import { visitMarks, type VisitMarks, type VisitWire } from '../functions/domain/visit.ts';
import { botMatch } from '../functions/ingest/is-bot.ts';

// ---------------------------------------------------------------------------------------------
// User-Agents

/**
 * Real browsers' User-Agents and the share of users each gets (percent, about the shares of web
 * traffic): desktop and mobile about half and half, a few tablets; Chrome, Safari, Edge,
 * Firefox, Samsung Internet, Opera and some `other` (in-app browsers, Vivaldi). Index 0 is the
 * one the calibration requests use.
 */
const WEIGHTED_USER_AGENTS: ReadonlyArray<readonly [userAgent: string, weight: number]> = [
  // Desktop
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 20],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 6],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15', 5],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 5],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', 3],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 1],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 1],
  ['Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 1],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0', 1],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Vivaldi/6.7.3329.21', 0.5],
  // Phones
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', 18],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1', 3],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/460.0.0.38.108;FBBV/590213591;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.4;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]', 1],
  ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 15],
  ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36', 4],
  ['Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0', 1],
  ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Mobile Safari/537.36 OPR/84.0.0.0', 1],
  ['Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 Instagram 330.0.0.40.92 Android (34/14; 450dpi; 1080x2340; samsung; SM-S918B; dm3q; qcom; en_US; 596227433)', 1],
  // Tablets
  ['Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', 3],
  ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 2],
  ['Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Safari/537.36', 1],
];

/** The browsers the events come from (none is a bot: the API would drop its events). */
export const USER_AGENTS: readonly string[] = WEIGHTED_USER_AGENTS.map(([userAgent]) => userAgent);

for (const userAgent of USER_AGENTS) {
  if (botMatch(userAgent)) throw new Error(`the bench's User-Agent ${userAgent} counts as a bot`);
}

const userAgentCdf = (() => {
  const total = WEIGHTED_USER_AGENTS.reduce((sum, [, weight]) => sum + weight, 0);
  let running = 0;
  return WEIGHTED_USER_AGENTS.map(([, weight]) => (running += weight / total));
})();

/** The User-Agent (index into USER_AGENTS) a uniform number in [0, 1) picks, by the shares above. */
export function userAgentFor(uniform: number): number {
  const index = userAgentCdf.findIndex((upTo) => uniform < upTo);
  return index === -1 ? USER_AGENTS.length - 1 : index;
}

// ---------------------------------------------------------------------------------------------
// Addresses

/** Shares of users whose requests carry a private address, and no X-Forwarded-For at all. */
const PRIVATE_SHARE = 0.03;
const NO_HEADER_SHARE = 0.01;

/** The address the local API server (as API Gateway) connects from and appends to X-Forwarded-For. */
const GATEWAY_PEER = '127.0.0.1';

/** The shipped country database, as the ingest function opens it. */
export function bundledCountryLookup(): CountryLookup {
  return openCountryDatabase(countryDatabasePath(import.meta.url));
}

/**
 * One visitor's address, sent as X-Forwarded-For: a random public IPv4 address the country
 * database places (so the countries follow how addresses are allocated: many from the US,
 * Europe and East Asia, a long tail), 3% a private one (10/8, 172.16/12, 192.168/16: `XX`),
 * 1% none (`''`: the header is left out and the connecting address, 127.0.0.1, gives `XX`).
 */
export function visitorAddress(random: () => number, lookup: CountryLookup): string {
  const r = random();
  const octet = () => Math.floor(random() * 256);
  if (r < NO_HEADER_SHARE) return '';
  if (r < NO_HEADER_SHARE + PRIVATE_SHARE) {
    const kind = random();
    if (kind < 0.5) return `10.${octet()}.${octet()}.${octet()}`;
    if (kind < 0.75) return `172.${16 + Math.floor(random() * 16)}.${octet()}.${octet()}`;
    return `192.168.${octet()}.${octet()}`;
  }
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const ip = `${1 + Math.floor(random() * 223)}.${octet()}.${octet()}.${octet()}`;
    if (isPublicIp(ip) && lookup(ip)) return ip;
  }
  throw new Error('no public address with a country in 10,000 tries: is the country database empty?');
}

/** The X-Forwarded-For header the bench sends for an address (undefined: none). */
export const forwardedFor = (address: string): string | undefined => address || undefined;

/**
 * The audience the API finds for a request with this User-Agent and address: the header as the
 * function sees it (the gateway appends the connecting address), through the project's lookup.
 */
export function audienceOf(userAgent: string, address: string, lookup: CountryLookup): Audience {
  const header = address ? `${address}, ${GATEWAY_PEER}` : GATEWAY_PEER;
  const country = countryOf({ headers: { 'x-forwarded-for': header }, sourceIp: GATEWAY_PEER }, lookup);
  return { ...classifyUserAgent(userAgent), country };
}

// ---------------------------------------------------------------------------------------------
// Entry URLs and referrers

/** Shares of visits: with UTM parameters on the entry URL, with a referrer, sent by a server without visit marks. */
const CAMPAIGN_SHARE = 0.15;
const REFERRER_SHARE = 0.55;
const SERVER_SIDE_SHARE = 0.05;

/**
 * UTM query strings of the campaigns, most common first (picked with Zipf popularity, s = 1):
 * the usual source / medium / campaign triples, a campaign name with spaces (`+` and `%20`), a
 * source in another case, one with utm_source only and one without utm_source.
 */
const CAMPAIGNS = [
  'utm_source=newsletter&utm_medium=email&utm_campaign=weekly-digest',
  'utm_source=google&utm_medium=cpc&utm_campaign=brand',
  'utm_source=twitter&utm_medium=social&utm_campaign=launch-week',
  'utm_source=facebook&utm_medium=paid-social&utm_campaign=spring-sale',
  'utm_source=linkedin&utm_medium=social&utm_campaign=hiring',
  'utm_source=newsletter&utm_medium=email&utm_campaign=onboarding',
  'utm_source=producthunt&utm_medium=referral&utm_campaign=launch-week',
  'utm_source=google&utm_medium=cpc&utm_campaign=Spring+Sale+2025',
  'utm_source=partner-blog',
  'utm_source=bing&utm_medium=cpc&utm_campaign=brand',
  'utm_source=Newsletter&utm_medium=Email&utm_campaign=weekly%20digest',
  'utm_medium=email&utm_campaign=weekly-digest',
];

/** Search engines: Google sends its origin only; the rest as their browsers send them. */
const SEARCH_REFERRERS = [
  'https://www.google.com/',
  'https://www.bing.com/',
  'https://duckduckgo.com/',
  'https://www.google.co.uk/',
  'https://www.google.de/',
  'https://search.yahoo.com/',
  'https://www.ecosia.org/',
  'https://yandex.ru/',
  'https://search.brave.com/',
  'https://www.baidu.com/',
];

const SOCIAL_REFERRERS: ReadonlyArray<(random: () => number) => string> = [
  (random) => `https://t.co/${token(10, random)}`,
  () => 'https://www.reddit.com/r/webdev/',
  (random) => `https://news.ycombinator.com/item?id=${42_000_000 + Math.floor(random() * 999_999)}`,
  () => 'https://www.linkedin.com/',
  () => 'https://l.facebook.com/',
  () => 'https://www.facebook.com/',
  () => 'https://lobste.rs/',
  () => 'https://www.youtube.com/',
  () => 'https://mastodon.social/',
  () => 'https://bsky.app/',
  () => 'https://m.facebook.com/',
  () => 'https://old.reddit.com/r/programming/',
];

const TAIL_WORDS = ['dev', 'code', 'stack', 'byte', 'cloud', 'pixel', 'data', 'web', 'ops', 'rust', 'go', 'ruby', 'frontend',
  'design', 'product', 'startup', 'indie', 'maker', 'tools', 'weekly', 'daily', 'hacker', 'build', 'ship'];
const TAIL_TLDS = ['.com', '.io', '.dev', '.net', '.org', '.co.uk', '.de', '.fr', '.blog'];
const TAIL_PATHS = ['/', '/blog/', '/links', '/2025/01/weekly-roundup', '/resources', '/awesome-list', '/newsletter/issue-42'];
const TAIL_HOSTS = 300;

const token = (n: number, random: () => number): string =>
  Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(random() * 36)]).join('');
const pickOne = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;

/** Picks from a list with Zipf popularity (rank k weighs 1 / (k + 1)^s). */
function zipfPicker<T>(items: readonly T[], s: number, random: () => number): () => T {
  const weights = items.map((_, k) => 1 / Math.pow(k + 1, s));
  const total = weights.reduce((a, b) => a + b, 0);
  let running = 0;
  const cdf = weights.map((w) => (running += w / total));
  return () => {
    const u = random();
    const index = cdf.findIndex((upTo) => u < upTo);
    return items[index === -1 ? items.length - 1 : index]!;
  };
}

/** What a visit's origin is: the UTM query of its entry URL (if any) and its referrer (if any). */
export interface VisitOrigin {
  utm?: string;
  referrer?: string;
}

/**
 * Where visits come from, drawn from `random`: 15% of entry URLs carry UTM parameters (a Zipf
 * set of campaigns), 55% of visits have a referrer: a search engine (55% of those), a social
 * site (15%), one of 300 other sites with Zipf popularity (22%), the site itself (7%, as when a
 * visit times out and the next page starts a new one: `(direct)`, also from `www.` of the host),
 * or an app's `android-app://` referrer (1%, not an http URL: `(direct)`). 5% of visits are
 * posted by a server, without visit marks.
 */
export class VisitOrigins {
  private readonly campaign: () => string;
  private readonly search: () => string;
  private readonly social: () => (random: () => number) => string;
  private readonly tail: () => string;

  constructor(private readonly random: () => number) {
    this.campaign = zipfPicker(CAMPAIGNS, 1, random);
    this.search = zipfPicker(SEARCH_REFERRERS, 1.6, random);
    this.social = zipfPicker(SOCIAL_REFERRERS, 1, random);
    const hosts = new Set<string>();
    while (hosts.size < TAIL_HOSTS) {
      const a = pickOne(TAIL_WORDS, random);
      const b = pickOne(TAIL_WORDS, random);
      const tld = pickOne(TAIL_TLDS, random);
      const prefix = random() < 0.3 ? 'www.' : random() < 0.3 ? 'blog.' : '';
      hosts.add(a === b ? `${prefix}${a}${tld}` : `${prefix}${a}${b}${tld}`);
    }
    this.tail = zipfPicker([...hosts], 1.1, random);
  }

  /** The origin of one visit to `siteHost`. */
  next(siteHost: string): VisitOrigin {
    const random = this.random;
    const origin: VisitOrigin = {};
    if (random() < CAMPAIGN_SHARE) origin.utm = this.campaign();
    if (random() < REFERRER_SHARE) {
      const kind = random();
      if (kind < 0.55) origin.referrer = this.search();
      else if (kind < 0.7) origin.referrer = this.social()(random);
      else if (kind < 0.92) origin.referrer = `https://${this.tail()}${pickOne(TAIL_PATHS, random)}`;
      else if (kind < 0.99) origin.referrer = `https://${random() < 0.3 ? 'www.' : ''}${siteHost}/`;
      else origin.referrer = 'android-app://com.google.android.gm/';
    }
    return origin;
  }

  /** Whether a visit is posted by a server, without visit marks. */
  serverSide(): boolean {
    return this.random() < SERVER_SIDE_SHARE;
  }
}

/** One event of a visit, in time order, as the workload builds it. */
export interface VisitEvent {
  /** Epoch ms; the timestamp sent is its whole milliseconds. */
  at: number;
  beacon: { event_type: string; path: string; visit?: VisitWire };
}

/**
 * Marks the events of one visit as the tracker does: each gets `visit` with the page views so
 * far (its own included), the milliseconds since the previous event (0 for the first), the
 * entry URL (the first event's page on the site's host; a campaign's UTM query replaces that
 * page's own query, on the entry URL and on the first event's path) and the referrer.
 */
export function stampVisit(events: readonly VisitEvent[], siteHost: string, origin: VisitOrigin): void {
  const first = events[0];
  if (!first) return;
  if (origin.utm) first.beacon.path = `${withoutQuery(first.beacon.path)}?${origin.utm}`;
  const entry = `https://${siteHost}${first.beacon.path}`;
  let pages = 0;
  let previous: number | undefined;
  for (const event of events) {
    if (event.beacon.event_type === 'page_view') pages++;
    const at = Math.floor(event.at);
    const visit: VisitWire = { page: pages, gap_ms: previous === undefined ? 0 : at - previous, entry };
    if (origin.referrer) visit.referrer = origin.referrer;
    event.beacon.visit = visit;
    previous = at;
  }
}

const withoutQuery = (path: string): string => {
  const cut = path.search(/[?#]/);
  return cut === -1 ? path : path.slice(0, cut);
};

// ---------------------------------------------------------------------------------------------
// Ground truth

/** Visits and page views of one breakdown value. */
export interface DimensionCounts {
  visits: number;
  views: number;
}

/** One scope's visit counts, as the totals item holds them, and its breakdowns. */
export interface VisitTruth {
  /** Entry page views (page 1). */
  visits: number;
  /** Second page views (page 2): visits less these are bounces. */
  visitsMulti: number;
  /** Gaps of the scope's events, summed. */
  visitMs: number;
  /** Page views posted with visit marks. */
  visitViews: number;
  breakdowns: Map<Dimension, Map<string, DimensionCounts>>;
}

export const emptyVisitTruth = (): VisitTruth => ({
  visits: 0,
  visitsMulti: 0,
  visitMs: 0,
  visitViews: 0,
  breakdowns: new Map(DIMENSIONS.map((dimension) => [dimension, new Map()])),
});

/** The visit marks ingestion derives from a beacon's `visit` (undefined without one). */
export const marksOf = (visit: VisitWire | undefined): VisitMarks | undefined => (visit ? visitMarks(visit) : undefined);

/**
 * Adds one event to a scope: its gap to the visit's time; a page view to the visits (page 1),
 * the visits with a second page view (page 2), the visit's page views, and to each breakdown
 * value it has (its visit attributes when it has a visit, its audience always), as a visit
 * too when it is the entry page view.
 */
export function addVisitTruth(scope: VisitTruth, eventType: string, marks: VisitMarks | undefined, audience: Audience): void {
  if (marks && marks.gap_ms > 0) scope.visitMs += marks.gap_ms;
  if (eventType !== 'page_view') return;
  const entry = marks?.page === 1;
  if (marks) {
    scope.visitViews++;
    if (entry) scope.visits++;
    if (marks.page === 2) scope.visitsMulti++;
  }
  const values: Array<[Dimension, string]> = [
    ['country', audience.country],
    ['device', audience.device],
    ['browser', audience.browser],
    ['os', audience.os],
  ];
  if (marks) {
    values.push(['source', marks.source], ['utm_medium', marks.utm_medium], ['utm_campaign', marks.utm_campaign], ['entry_page', marks.entry_page]);
  }
  for (const [dimension, value] of values) {
    const byValue = scope.breakdowns.get(dimension)!;
    let counts = byValue.get(value);
    if (!counts) byValue.set(value, (counts = { visits: 0, views: 0 }));
    counts.views++;
    if (entry) counts.visits++;
  }
}
