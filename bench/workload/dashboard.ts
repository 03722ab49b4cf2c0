// The events `npm run bench:dashboard` loads: one site's visits, as a tracker would send them
// (a visit object with the visit's id on each event, entry URLs with UTM tags, referrers, custom
// properties on signups), in POST /events batches of 100 that share a request's User-Agent and
// address. Seeded, so every run loads the same.
import { prng } from '../lib/random.ts';
import type { Beacon as WorkloadBeacon } from './workload.ts';
import type { VisitWire } from '../../functions/domain/visit.ts';

const DAY_MS = 86_400_000;
const PATHS = Array.from({ length: 50 }, (_, i) => (i === 0 ? '/' : `/page-${i}`));
const REFERRERS = [undefined, undefined, 'https://www.google.com/', 'https://news.ycombinator.com/', 'https://t.co/x', 'https://duckduckgo.com/'];
const CAMPAIGNS = ['spring-sale', 'newsletter-12', 'launch'];
/** The custom properties a signup carries, as `analytics.track('signup', { plan, source_button })` sends them. */
const PLANS = ['free', 'free', 'pro', 'team'];
const BUTTONS = ['hero', 'nav', 'footer'];
/** Browsers the batches come from: the API drops events whose User-Agent names a bot or an HTTP tool. */
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
];
/** Visitors' addresses (well-known public ones) and their countries, for the country breakdown. */
const ADDRESSES = [
  ['81.2.69.160', 'GB'],
  ['8.8.8.8', 'US'],
  ['1.1.1.1', 'AU'],
  ['91.198.174.192', 'NL'],
  ['200.160.2.3', 'BR'],
] as const;

/** An event as the bench's workload sends it, without an event_id (the API gives one), always in a visit. */
export type Beacon = Omit<WorkloadBeacon, 'event_id' | 'visit'> & { visit: VisitWire };

/** One POST /events: up to 100 events and the request's User-Agent and address. */
export interface Batch {
  userAgent: string;
  address: string;
  /** The address's country, for events queued without going through the API. */
  country: string;
  events: Beacon[];
  /** The latest event's time, epoch ms. */
  latestMs: number;
}

export interface DashboardWorkloadOptions {
  site: string;
  /** Events at most this many days before `nowMs`... */
  newestDaysAgo: number;
  /** ...and at least this many. */
  oldestDaysAgo: number;
  events: number;
  /** Distinct users to draw from (skewed towards low ids, so many come back). */
  users: number;
  nowMs: number;
  seed: number;
}

/**
 * Visits of `events` events in all, spread evenly over the days between `oldestDaysAgo` and
 * `newestDaysAgo` before `nowMs`: 1-5 page views 20-120 s apart, now and then a signup with its
 * plan and button, the paths skewed towards the home page; each visit has an id, as the tracker
 * gives one. Batched by 100 in the order they were made.
 */
export function dashboardWorkload(options: DashboardWorkloadOptions): Batch[] {
  const random = prng(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const events: Beacon[] = [];
  const span = (options.oldestDaysAgo - options.newestDaysAgo) * DAY_MS;
  // The last event must not be in the future: a visit starts at least 15 minutes before now.
  const newestStart = options.nowMs - options.newestDaysAgo * DAY_MS - 15 * 60_000;
  for (let visits = 0; events.length < options.events; visits++) {
    const id = `v${options.seed}-${visits.toString(36)}`;
    const user = `user-${Math.floor(options.users * random() ** 2)}`;
    const start = newestStart - Math.floor(random() * span);
    const views = 1 + Math.floor(4 * random() ** 1.5);
    const entryPath = PATHS[Math.floor(PATHS.length * random() ** 2)]!;
    const campaign = random() < 0.15 ? pick(CAMPAIGNS) : undefined;
    const entry = `https://www.example.com${entryPath}${campaign ? `?utm_source=newsletter&utm_medium=email&utm_campaign=${campaign}` : ''}`;
    const referrer = campaign ? undefined : pick(REFERRERS);
    let at = start;
    for (let page = 1; page <= views && events.length < options.events; page++) {
      const gap = page === 1 ? 0 : 20_000 + Math.floor(random() * 100_000);
      at += gap;
      const path = page === 1 ? entryPath : PATHS[Math.floor(PATHS.length * random() ** 2)]!;
      const visit = { id, page, gap_ms: gap, entry, ...(referrer ? { referrer } : {}) };
      events.push({ site_id: options.site, event_type: 'page_view', path, user_id: user, timestamp: new Date(at).toISOString(), visit });
      if (random() < 0.04 && events.length < options.events) {
        at += 5_000;
        const props = { plan: pick(PLANS), source_button: pick(BUTTONS) };
        events.push({ site_id: options.site, event_type: 'signup', path, user_id: user, timestamp: new Date(at).toISOString(), visit: { ...visit, gap_ms: 5_000 }, props });
      }
    }
  }
  const batches: Batch[] = [];
  for (let i = 0; i < events.length; i += 100) {
    const chunk = events.slice(i, i + 100);
    const [address, country] = pick(ADDRESSES);
    batches.push({
      userAgent: pick(USER_AGENTS),
      address,
      country,
      events: chunk,
      latestMs: Math.max(...chunk.map((event) => Date.parse(event.timestamp))),
    });
  }
  return batches;
}
