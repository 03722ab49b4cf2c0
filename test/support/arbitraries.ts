// fast-check arbitraries of beacons as clients send them, shared by the property tests.
import fc from 'fast-check';
import { DIMENSIONS } from '../../functions/domain/audience.ts';
import { MAX_AGE_DAYS, MAX_FUTURE_MS, MAX_PATH_LENGTH, MAX_UNKEYED_AGE_DAYS } from '../../functions/domain/event.ts';

const DAY_MS = 86_400_000;

/** Paths as clients send them: a leading '/', any characters, with '?' and '#' mixed in often. */
export const pathArb = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constantFrom('/', '?', '#', '&', '=', '%20', '..')), { maxLength: 12 })
  .map((parts) => `/${parts.join('')}`)
  .filter((path) => path.length <= MAX_PATH_LENGTH);

export const nameArb = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
export const eventIdArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
export const userIdArb = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((id) => id.length <= 128);

/**
 * Pieces of text that break careless string handling: unpaired surrogates, control characters
 * (C0, DEL, C1), percent-escapes that decode to those or to invalid UTF-8 (`%ED%A0%80` is an
 * escaped surrogate), surrogate pairs raw and escaped, and URL punctuation.
 */
const TRICKY_PIECES = [
  '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uDE00\uD83D', '\u{1F600}', '\u{10FFFF}',
  '\u0000', '\t', '\n', '\r', '\u001F', '\u007F', '\u0080', '\u0085', '\u009F', '\u00A0', '\uFFFD', '\uFEFF', '\u2028',
  '%ED%A0%80', '%ED%BF%BF', '%F0%9F%98%80', '%F0%9F', '%00', '%0A', '%7F', '%C2%85', '%C3%A9', '%', '%E', '%zz', '+',
  'é', '?', '#', '&', '=', '/', '\\', ' ', '..', 'utm_campaign=', 'utm_source=', 'utm_medium=',
];

/** Any text, weighted towards TRICKY_PIECES; now and then long (escapes that decode to far fewer characters, or grow when encoded). */
export const trickyTextArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.oneof(fc.constantFrom(...TRICKY_PIECES), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 16 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('%C3%A9', 'é', '\u{1F600}', '%F0%9F%98%80', '%ED%A0%80', 'x'), fc.integer({ min: 1, max: 1100 })).map(([piece, n]) => piece.repeat(n)) },
);

/** A visit as a client might send it, entry and referrer made of tricky text (many refused, many not). */
export const trickyVisitArb = fc.record(
  {
    page: fc.integer({ min: 0, max: 5 }),
    gap_ms: fc.integer({ min: 0, max: 60_000 }),
    entry: fc.oneof(
      fc.tuple(trickyTextArb, trickyTextArb, trickyTextArb, trickyTextArb).map(([path, campaign, source, medium]) =>
        `https://shop.example/${path}?utm_campaign=${campaign}&utm_source=${source}&utm_medium=${medium}`),
      trickyTextArb.map((text) => `/${text}`),
      trickyTextArb,
    ),
    referrer: fc.oneof(trickyTextArb.map((text) => `https://${text}/${text}`), fc.tuple(trickyTextArb, trickyTextArb).map(([a, b]) => `http://www.${a}.example/${b}`), trickyTextArb),
  },
  { requiredKeys: ['page', 'gap_ms', 'entry'] },
);

export interface GeneratedBeacon {
  site_id: string;
  event_type: string;
  path: string;
  user_id: string;
  timestamp: string;
  event_id?: string;
}

/**
 * Beacons accepted at `now`, give or take `marginMs` (for tests whose handlers read the clock):
 * valid ones, near-valid ones (fields removed or replaced by any JSON value) and any JSON-ish value.
 */
export function beaconArbitraries(now: Date, marginMs = 0) {
  /**
   * An instant inside the accepted window, written with 'Z' or an offset, with 0-9 fraction
   * digits: mostly within MAX_UNKEYED_AGE_DAYS (what needs no key), else up to MAX_AGE_DAYS old.
   */
  const latest = now.getTime() + MAX_FUTURE_MS - 1000 - marginMs;
  const timestampArb = fc
    .record({
      at: fc.oneof(
        { weight: 2, arbitrary: fc.integer({ min: now.getTime() - MAX_UNKEYED_AGE_DAYS * DAY_MS + marginMs, max: latest }) },
        { weight: 1, arbitrary: fc.integer({ min: now.getTime() - (MAX_AGE_DAYS - 1) * DAY_MS + marginMs, max: latest }) },
      ),
      offsetMinutes: fc.integer({ min: -12 * 4, max: 14 * 4 }).map((quarters) => quarters * 15),
      fraction: fc.stringMatching(/^(\.[0-9]{1,9})?$/),
    })
    .map(({ at, offsetMinutes, fraction }) => {
      const local = new Date(Math.floor(at / 1000) * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
      if (offsetMinutes === 0) return `${local}${fraction}Z`;
      const abs = Math.abs(offsetMinutes);
      const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      return `${local}${fraction}${offsetMinutes < 0 ? '-' : '+'}${hhmm}`;
    });

  /** A beacon that must be accepted. */
  const validBeaconArb: fc.Arbitrary<GeneratedBeacon> = fc.record(
    {
      site_id: nameArb,
      event_type: fc.oneof(fc.constant('page_view'), nameArb),
      path: pathArb,
      user_id: userIdArb,
      timestamp: timestampArb,
      event_id: eventIdArb,
    },
    { requiredKeys: ['site_id', 'event_type', 'path', 'user_id', 'timestamp'] },
  );

  /** A beacon whose path, user id and visit are tricky text (trickyTextArb): accepted or refused, never half-way. */
  const trickyBeaconArb = fc.record(
    {
      site_id: nameArb,
      event_type: fc.oneof(fc.constant('page_view'), nameArb, trickyTextArb),
      path: fc.oneof(trickyTextArb.map((text) => `/${text}`), pathArb),
      user_id: fc.oneof(trickyTextArb, userIdArb),
      timestamp: timestampArb,
      event_id: eventIdArb,
      visit: trickyVisitArb,
    },
    { requiredKeys: ['site_id', 'event_type', 'path', 'user_id', 'timestamp'] },
  );

  /** A valid beacon with some fields removed or replaced by any JSON value: input near the valid ones. */
  const nearBeaconArb = fc
    .tuple(
      validBeaconArb,
      fc.dictionary(fc.constantFrom('site_id', 'event_type', 'path', 'user_id', 'timestamp', 'event_id', 'extra'), fc.option(fc.jsonValue(), { nil: undefined })),
    )
    .map(([valid, changes]) => {
      const out: Record<string, unknown> = { ...valid };
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined) delete out[key];
        else out[key] = value;
      }
      return out;
    });

  /** Anything a JSON body can parse to, weighted towards objects that look like beacons. */
  const jsonishArb = fc.oneof(fc.jsonValue(), nearBeaconArb, validBeaconArb, fc.anything());

  return { timestampArb, validBeaconArb, trickyBeaconArb, nearBeaconArb, jsonishArb };
}

/** Browser and bot User-Agents, and odd ones. */
const USER_AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'curl/8.5.0',
  'node',
  '',
  ' ',
];

/** Content-Types the API takes, variants of them, and others. */
const CONTENT_TYPES = ['application/json', 'text/plain', 'text/plain;charset=UTF-8', 'Application/JSON; charset=utf-8', 'application/json;', ';', '', 'text/html', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded'];

/** Authorization headers: well-formed and malformed bearer tokens, other schemes (the given `keys` as bearer tokens too). */
export const authorizationArb = (keys: string[] = []) =>
  fc.oneof(
    ...keys.map((key) => fc.constantFrom(`Bearer ${key}`, `bearer ${key}`, `Bearer  ${key} `)),
    fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a b', `Bearer ${'k'.repeat(600)}`),
    fc.string({ unit: 'grapheme', maxLength: 20 }).map((token) => `Bearer ${token}`),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
  );

/**
 * Request headers, names spelled as clients do (any case, duplicates in other cases), values
 * from lists of likely ones or any string: Content-Type, User-Agent, Authorization,
 * Content-Length (which need not match the body), Origin and others.
 */
export const headersArb = (keys: string[] = []) =>
  fc
    .array(
      fc.oneof(
        fc.tuple(fc.constantFrom('content-type', 'Content-Type', 'CONTENT-TYPE'), fc.oneof(fc.constantFrom(...CONTENT_TYPES), fc.string())),
        fc.tuple(fc.constantFrom('user-agent', 'User-Agent'), fc.oneof(fc.constantFrom(...USER_AGENTS), fc.string())),
        fc.tuple(fc.constantFrom('authorization', 'Authorization'), authorizationArb(keys)),
        fc.tuple(fc.constantFrom('content-length', 'Content-Length'), fc.oneof(fc.nat().map(String), fc.constantFrom('-1', 'abc', '1e9', ''))),
        fc.tuple(fc.constantFrom('origin', 'Origin'), fc.oneof(fc.constantFrom('https://example.com', 'null', ''), fc.string())),
        fc.tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'x-forwarded-for', 'host'), fc.string({ minLength: 1, maxLength: 10 })), fc.string()),
      ),
      { maxLength: 8 },
    )
    .map((pairs) => Object.fromEntries(pairs) as Record<string, string>);

/**
 * A query string: well-formed stats queries (all time, a day, a range; by the day or the hour;
 * of a dimension), and the parameters with any values. `siteIds` and `days` (YYYY-MM-DD) are drawn often, e.g. those that hold data.
 */
export const queryArb = (siteIds: string[] = [], days: string[] = []): fc.Arbitrary<Record<string, string>> => {
  const siteId = fc.oneof(...siteIds.map((id) => fc.constant(id)), nameArb);
  const realDay = fc.oneof(
    ...days.map((day) => fc.constant(day)),
    fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  );
  const anyDay = fc.oneof(
    realDay,
    fc.constantFrom('2025-02-29', '2024-02-29', '2025-13-01', '0000-01-01', '9999-12-31', '2025-1-1', '', '2025-11-12T00:00:00Z'),
    fc.string({ maxLength: 12 }),
  );
  const range = fc.tuple(realDay, fc.integer({ min: -3, max: 400 })).map(([from, days]) => ({
    from,
    to: new Date(Date.parse(from) + days * 86_400_000).toISOString().slice(0, 10),
  }));
  const limit = fc.oneof(fc.integer({ min: -5, max: 150 }).map(String), fc.constantFrom('', '1.5', '1e2', '0100', ' 5', '99999999999999999999'), fc.string({ maxLength: 5 }));
  const interval = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('day', 'hour') }, fc.constantFrom('', 'HOUR', 'week'), fc.string({ maxLength: 6 }));
  const wellFormed = fc.record(
    {
      site_id: siteId,
      period: fc.oneof(fc.constant({}), realDay.map((date) => ({ date })), range),
      limit: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 100 }).map(String) }, limit),
      interval: fc.constantFrom('day', 'hour'),
      dimension: fc.constantFrom(...DIMENSIONS),
    },
    { requiredKeys: ['site_id', 'period'] },
  ).map(({ period, ...rest }) => ({ ...rest, ...period }) as Record<string, string>);
  const wild = fc.record(
    {
      site_id: fc.oneof(siteId, fc.string({ maxLength: 70 })),
      date: anyDay,
      from: anyDay,
      to: anyDay,
      limit,
      interval,
      dimension: fc.oneof(fc.constantFrom(...DIMENSIONS), fc.constantFrom('', 'Source', 'path'), fc.string({ maxLength: 12 })),
      constructor: fc.string({ maxLength: 5 }),
      toString: fc.string({ maxLength: 5 }),
    },
    { requiredKeys: [] },
  ) as fc.Arbitrary<Record<string, string>>;
  return fc.oneof({ weight: 3, arbitrary: wellFormed }, { weight: 1, arbitrary: wild });
};
