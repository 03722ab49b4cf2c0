/**
 * Device, browser and operating system of a visitor, from the User-Agent of the request that
 * carried the event (audience insight). Ingestion calls {@link classifyUserAgent} in one
 * named step, on the request's User-Agent header, and passes on only the three values: nothing of
 * the User-Agent itself is stored.
 *
 * The parser is ua-parser-js 1.x (MIT; 2.x is AGPL), which reads at most 500 characters of a
 * User-Agent. Its names are mapped onto the short lists below; a name not in a list is `other`.
 * See docs/audience.md for why this parser and what it costs.
 *
 * What a User-Agent cannot tell, and what is decided instead:
 * - No User-Agent, or an empty one: `desktop`, `other`, `other`. Every event gets one value of
 *   each list, so the counts of a list add up to the views; such requests come from scripts and
 *   servers (a backend posting to `POST /events`, say), not from phones or tablets.
 * - `desktop` means "neither a phone nor a tablet": computers, and the few TVs, game consoles and
 *   headsets that browse, which the three values of the list leave nowhere else to go.
 * - Safari on iPadOS 13 and later asks for desktop sites and sends the User-Agent of Safari on
 *   macOS ("Macintosh"): it counts as `desktop`, `Safari`, `macOS`. Only the page could tell an
 *   iPad by its touch screen (`navigator.maxTouchPoints`). A User-Agent that does say "iPad"
 *   (Safari asked for the mobile site, for one) counts as `tablet`, `iOS`.
 * - The same goes for Android browsers asked for a desktop site ("X11; Linux"): `desktop`, `Linux`.
 * - An Android device is a tablet when its User-Agent has no "Mobile" token (Chrome's convention,
 *   which the parser follows and which is applied here when the parser names no device type).
 * - A browser's own editions count as that browser (Mobile Safari; Chrome, Firefox and Edge on
 *   iOS: CriOS, FxiOS, EdgiOS; Opera Mini, GX and Touch; Firefox Focus). Browsers that name
 *   themselves though built on Chromium (Vivaldi, Yandex, UC, Chromium itself), in-app
 *   browsers (Facebook, Instagram) and WebViews are `other`; Brave sends Chrome's User-Agent
 *   and counts as Chrome.
 * - Linux distributions the User-Agent names (Ubuntu, Fedora, ...) count as `Linux`; Android,
 *   ChromeOS ("CrOS") and HarmonyOS, though built on Linux, are their own (HarmonyOS: `other`).
 * - Bots get what their User-Agent says (curl: `desktop`, `other`, `other`; Googlebot's
 *   smartphone crawler: `mobile`, `Chrome`, `Android`); the bot filter, when on, drops their
 *   events before this step.
 */

import UAParser from 'ua-parser-js';

/** Kinds of device, in the order they are listed. */
export const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
export type Device = (typeof DEVICES)[number];

/** Browsers told apart; `other` is every other browser, app or client. */
export const BROWSERS = ['Chrome', 'Safari', 'Firefox', 'Edge', 'Opera', 'Samsung Internet', 'other'] as const;
export type Browser = (typeof BROWSERS)[number];

/** Operating systems told apart; `other` is every other system, or none named. */
export const OPERATING_SYSTEMS = ['Windows', 'macOS', 'iOS', 'Android', 'Linux', 'ChromeOS', 'other'] as const;
export type Os = (typeof OPERATING_SYSTEMS)[number];

/** What {@link classifyUserAgent} tells of a visitor. */
export interface UserAgentClass {
  readonly device: Device;
  readonly browser: Browser;
  readonly os: Os;
}

/** The parser's browser names (lower case) that are one of {@link BROWSERS}. */
const BROWSER_NAMES: ReadonlyMap<string, Browser> = new Map<string, Browser>([
  ['chrome', 'Chrome'],
  ['safari', 'Safari'],
  ['mobile safari', 'Safari'],
  ['firefox', 'Firefox'],
  ['firefox focus', 'Firefox'],
  ['firefox reality', 'Firefox'],
  ['edge', 'Edge'],
  ['opera', 'Opera'],
  ['opera mini', 'Opera'],
  ['opera mobi', 'Opera'],
  ['opera tablet', 'Opera'],
  ['opera gx', 'Opera'],
  ['opera touch', 'Opera'],
  ['opera coast', 'Opera'],
  ['samsung internet', 'Samsung Internet'],
]);

/**
 * The Linux distributions the parser names when a User-Agent does (its list, lower case).
 * Names such as Plan 9, Minix or RISC OS from the same list of the parser are not Linux.
 */
const LINUX_DISTRIBUTIONS = [
  'linux', 'ubuntu', 'kubuntu', 'xubuntu', 'lubuntu', 'debian', 'mint', 'fedora', 'centos', 'red hat', 'redhat',
  'suse', 'opensuse', 'gentoo', 'arch', 'manjaro', 'slackware', 'mandriva', 'mageia', 'vectorlinux', 'pclinuxos',
  'zenwalk', 'linpus', 'raspbian', 'deepin', 'elementary os', 'sabayon', 'linspire',
];

/** The parser's operating system names (lower case) that are one of {@link OPERATING_SYSTEMS}. */
const OS_NAMES: ReadonlyMap<string, Os> = new Map<string, Os>([
  ['windows', 'Windows'],
  ['mac os', 'macOS'],
  ['ios', 'iOS'],
  ['android', 'Android'],
  ['android-x86', 'Android'],
  ['chromium os', 'ChromeOS'],
  ...LINUX_DISTRIBUTIONS.map((name) => [name, 'Linux'] as const),
]);

/** Device, browser and operating system named by a User-Agent (see the module comment for the edge cases). */
export function classifyUserAgent(userAgent: string | undefined): UserAgentClass {
  if (!userAgent) return { device: 'desktop', browser: 'other', os: 'other' };
  const parser = new UAParser(userAgent);
  const os = OS_NAMES.get(parser.getOS().name?.toLowerCase() ?? '') ?? 'other';
  const browser = BROWSER_NAMES.get(parser.getBrowser().name?.toLowerCase() ?? '') ?? 'other';
  return { device: deviceOf(parser.getDevice().type, os, userAgent), browser, os };
}

function deviceOf(type: string | undefined, os: Os, userAgent: string): Device {
  if (type === 'mobile' || type === 'tablet') return type;
  if (type === undefined && os === 'Android') return /\bMobile\b/.test(userAgent) ? 'mobile' : 'tablet';
  return 'desktop';
}
