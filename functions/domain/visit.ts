import * as z from 'zod/mini';
import { cutText, isWellFormedText, spaceControls, TEXT_ISSUE } from './text.ts';

/**
 * Visits, as the tracker (or a server) marks them on each event; the processor only adds
 * counters, it keeps no session state. A visit is a series of events of one visitor on one site
 * with no gap over 30 minutes. The client keeps the visit (its entry URL and referrer, its page
 * views so far, the time of its last event) and sends with every event of the visit:
 *
 * - `page`: the visit's page views so far, this event included when it is a page view. A page
 *   view with `page` 1 starts a visit (its entry page view); one with `page` 2 makes it more
 *   than a bounce.
 * - `gap_ms`: milliseconds since the visit's previous event (0 for its first). A visit's
 *   duration, first to last event, is the sum of its gaps.
 * - `entry`: the URL of the visit's entry page (absolute, or a path with its query string).
 * - `referrer`: the entry page's referrer, when it had one.
 * - `id`: the visit's id, when the client gives its visits one (the tracker does: random, drawn
 *   when the visit starts, nothing derived from the person). The lake keeps it, so that a visit's
 *   events can be grouped (funnels); the counters do not read it.
 *
 * Ingestion turns these into the visit's attributes (entry page, source, utm_medium,
 * utm_campaign), so no URL or referrer travels further or is stored. The URLs are read as
 * browsers read them, and only well-formed parts are kept (text.ts): the entry page is the URL's
 * path as the URL parser writes it (percent-encoded ASCII, as `location.pathname`), refused when
 * that is longer than a path may be; UTM values are decoded, each run of control characters
 * becomes a space, and they are cut to MAX_VALUE_LENGTH; of the referrer only its host is kept.
 */

export const VISIT_TIMEOUT_MS = 30 * 60 * 1000;
/** The source of a visit with neither `utm_source` nor a referrer from another host. */
export const DIRECT = '(direct)';
/** utm_medium or utm_campaign of a visit whose entry URL has none. */
export const NONE = '(none)';
/** Longest source or campaign value kept, in code points; longer ones are cut (text.ts cutText). */
export const MAX_VALUE_LENGTH = 100;
const MAX_URL_LENGTH = 2048;
/** Longest entry page kept: a path's limit (event.ts MAX_PATH_LENGTH). */
const MAX_ENTRY_PAGE_LENGTH = 2048;
const MAX_PAGES = 100_000;
/** A visit id: 1-64 letters, digits, `_` and `-`. */
const VISIT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const visitIdSchema = z.string().check(z.regex(VISIT_ID, 'must be 1-64 letters, digits, "_" or "-"'));

const intIn = (min: number, max: number) =>
  z.number().check(z.int(`must be a whole number from ${min} to ${max}`), z.gte(min, `must be a whole number from ${min} to ${max}`), z.lte(max, `must be a whole number from ${min} to ${max}`));

/** The `visit` object of a beacon. */
export const visitWireSchema = z.object({
  page: intIn(0, MAX_PAGES),
  gap_ms: intIn(0, VISIT_TIMEOUT_MS),
  entry: z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)),
  referrer: z.optional(z.string().check(z.maxLength(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`))),
  id: z.optional(visitIdSchema),
});
export type VisitWire = z.infer<typeof visitWireSchema>;

/** What travels on the queue with an event of a visit, and what the processor counts. */
export interface VisitMarks {
  page: number;
  gap_ms: number;
  entry_page: string;
  source: string;
  utm_medium: string;
  utm_campaign: string;
  /** The visit's id, when the client sent one. */
  id?: string;
}

const wellFormed = z.refine<string>(isWellFormedText, TEXT_ISSUE);
const valueSchema = z.string().check(z.minLength(1), z.maxLength(MAX_VALUE_LENGTH), wellFormed);

/** The visit marks as the processor validates them again. */
export const visitMarksSchema = z.object({
  page: intIn(0, MAX_PAGES),
  gap_ms: intIn(0, VISIT_TIMEOUT_MS),
  entry_page: z.string().check(z.minLength(1), z.maxLength(MAX_ENTRY_PAGE_LENGTH), z.startsWith('/'), wellFormed),
  source: valueSchema,
  utm_medium: valueSchema,
  utm_campaign: valueSchema,
  id: z.optional(visitIdSchema),
});

/** Any host stands in for a path-only entry, so that it parses as a URL; it never matches a referrer. */
const PATH_BASE = 'http://entry.invalid';

/** A URL, or undefined if `text` is not an absolute http(s) URL. */
function httpUrl(text: string | undefined): URL | undefined {
  if (!text) return undefined;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A host name without a leading `www.`, lower case. */
export const bareHost = (host: string): string => host.toLowerCase().replace(/^www\./, '');

/**
 * A query parameter's value, decoded (invalid UTF-8 escapes become U+FFFD), each run of control
 * characters a space, trimmed and cut to MAX_VALUE_LENGTH; undefined when absent or blank.
 */
function parameter(url: URL, name: string): string | undefined {
  const raw = url.searchParams.get(name);
  const value = raw === null ? '' : spaceControls(raw).trim();
  return value ? cutText(value, MAX_VALUE_LENGTH).trimEnd() : undefined;
}

/**
 * The visit's source: `utm_source` of the entry URL when present, else the referrer's host
 * without `www.` (a referrer on the entry page's own host is not a source), else `(direct)`.
 */
export function sourceOf(entry: URL, referrer: string | undefined): string {
  const utm = parameter(entry, 'utm_source');
  if (utm) return utm;
  const from = httpUrl(referrer);
  if (!from || !from.hostname) return DIRECT;
  const host = bareHost(from.hostname);
  // `http://www./` has a host, but nothing of it is left to name a source.
  if (!host || (entry.origin !== PATH_BASE && host === bareHost(entry.hostname))) return DIRECT;
  // The URL parser has made the host ASCII (punycode) or refused it: no control character is left.
  return cutText(host, MAX_VALUE_LENGTH);
}

/** The entry URL, absolute or a path; undefined when it is neither. */
function entryUrl(entry: string): URL | undefined {
  if (entry.startsWith('/')) {
    try {
      return new URL(entry, PATH_BASE);
    } catch {
      return undefined;
    }
  }
  return httpUrl(entry);
}

/** Why an entry is refused when it is neither an http(s) URL nor a path. */
export const ENTRY_ISSUE = 'must be an absolute http(s) URL or a path starting with "/"';
/** Why an entry is refused when its path, percent-encoded, is longer than a path may be. */
export const ENTRY_PAGE_ISSUE = `must have a path of at most ${MAX_ENTRY_PAGE_LENGTH.toLocaleString('en-US')} characters once percent-encoded`;

/** The visit's attributes, or why its entry is refused (the issue of the field `visit.entry`). */
export type VisitReading = { ok: true; marks: VisitMarks } | { ok: false; issue: string };

/** The visit's attributes from what the client sent, or why its entry is refused. */
export function readVisit(wire: VisitWire): VisitReading {
  const entry = entryUrl(wire.entry);
  if (!entry) return { ok: false, issue: ENTRY_ISSUE };
  // The pathname keeps percent-escapes, as location.pathname (the tracker's `path`) does; it is
  // checked as written, since escaping makes a path longer than the entry that held it.
  const entryPage = entry.pathname;
  if (entryPage.length > MAX_ENTRY_PAGE_LENGTH) return { ok: false, issue: ENTRY_PAGE_ISSUE };
  const marks: VisitMarks = {
    page: wire.page,
    gap_ms: wire.gap_ms,
    entry_page: entryPage,
    source: sourceOf(entry, wire.referrer),
    utm_medium: parameter(entry, 'utm_medium') ?? NONE,
    utm_campaign: parameter(entry, 'utm_campaign') ?? NONE,
  };
  if (wire.id !== undefined) marks.id = wire.id;
  return { ok: true, marks };
}

/** The visit's attributes from what the client sent; undefined when its entry is refused. */
export function visitMarks(wire: VisitWire): VisitMarks | undefined {
  const reading = readVisit(wire);
  return reading.ok ? reading.marks : undefined;
}

/** Whether a page view starts a visit (its entry page view). */
export const startsVisit = (marks: VisitMarks | undefined): boolean => marks?.page === 1;
/** Whether a page view is its visit's second, which makes the visit more than a bounce. */
export const endsBounce = (marks: VisitMarks | undefined): boolean => marks?.page === 2;
