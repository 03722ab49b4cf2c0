// Where and when each profile's traffic goes: the default profile's sites and their path
// catalogues (30-200 pages each) over the last 3 UTC days, and the long-tail profile's one
// large site with a popular head over yesterday.
import { pick, zipf, zipfWeights } from '../lib/random.ts';

const DAY_MS = 86_400_000;

export const SITE_WORDS = ['acme', 'northwind', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'tyrell', 'cyberdyne',
  'soylent', 'wonka', 'gringotts', 'oscorp', 'vandelay', 'prestige', 'monarch', 'duff', 'krusty', 'planet'];
export const SITE_KINDS = ['blog', 'shop', 'docs', 'app', 'news', 'www'];

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
export function catalogueFor(size: number, random: () => number): string[] {
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

/** Where and when a profile's traffic goes: its sites, their pages and the time window. */
export interface Layout {
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
export function defaultLayout(opts: { sites: number }, random: () => number, now: number): Layout {
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


/** The long-tail profile: one busy site with 20,000 pages and a popular head, over yesterday (UTC), a whole day. */
export function longTailLayout(random: () => number, now: number): Layout {
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
