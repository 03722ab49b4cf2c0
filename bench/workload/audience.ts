// The audience side of the benchmark's workload (bench/workload/workload.ts): what each visit
// carries on the wire (its `visit` object: page count, gap, entry URL with or without UTM
// parameters, referrer) and the exact visit and breakdown counts that must come out of it; who
// sends it (a User-Agent and an X-Forwarded-For address per user) is bench/workload/clients.ts.
//
// The counts are found with the project's own definitions (visitMarks, classifyUserAgent,
// countryOf and the shipped country database) applied to what is sent, and added up the way
// functions/domain/counter-units.ts adds them: a visit counts on the day of its entry page view,
// a visit's second page view, its gaps and its page views on the day each of them lands.
import { DIMENSIONS, type Audience, type Dimension } from '../../functions/domain/audience.ts';
import { visitMarks, type VisitMarks, type VisitWire } from '../../functions/domain/visit.ts';
import { pick } from '../lib/random.ts';

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
      const a = pick(TAIL_WORDS, random);
      const b = pick(TAIL_WORDS, random);
      const tld = pick(TAIL_TLDS, random);
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
      else if (kind < 0.92) origin.referrer = `https://${this.tail()}${pick(TAIL_PATHS, random)}`;
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
