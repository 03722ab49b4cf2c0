// Who sends the benchmark's events (bench/workload/workload.ts): a real browser's User-Agent per user,
// weighted by browser share, and an address sent as X-Forwarded-For (public addresses of many
// countries; a few private or none), with the audience the API finds for them.
import { countryDatabasePath, openCountryDatabase } from '../../functions/commons/country-database.ts';
import type { Audience } from '../../functions/domain/audience.ts';
import { countryOf, isPublicIp, type CountryLookup } from '../../functions/domain/country.ts';
import { classifyUserAgent } from '../../functions/domain/user-agent.ts';
import { botMatch } from '../../functions/ingest/is-bot.ts';

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
