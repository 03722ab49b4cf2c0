import * as z from 'zod/mini';
import { UNKNOWN_COUNTRY } from './country.ts';
import { BROWSERS, DEVICES, OPERATING_SYSTEMS, type Browser, type Device, type Os } from './user-agent.ts';

/**
 * Who sent an event, as far as the request tells: device, browser and OS from its User-Agent,
 * country from its IP address. Found once per request at ingestion; the User-Agent and the
 * address themselves go no further.
 */
export interface Audience {
  device: Device;
  browser: Browser;
  os: Os;
  /** ISO 3166-1 alpha-2, or `XX` when unknown. */
  country: string;
}

/** What a request without a User-Agent and with an unknown address is. */
export const UNKNOWN_AUDIENCE: Audience = { device: 'desktop', browser: 'other', os: 'other', country: UNKNOWN_COUNTRY };

/** The audience fields of a queued event, each optional (events queued before they existed have none). */
export const audienceSchema = z.object({
  device: z.optional(z.enum(DEVICES)),
  browser: z.optional(z.enum(BROWSERS)),
  os: z.optional(z.enum(OPERATING_SYSTEMS)),
  country: z.optional(z.string().check(z.regex(/^[A-Z]{2}$/, 'must be two capital letters'))),
});

/**
 * The dimensions GET /stats/breakdown reports. The visit attributes (source, utm_medium,
 * utm_campaign, entry_page) count the visits that have them and those visits' page views; the
 * audience ones (country, device, browser, os) count visits by their entry page view and all
 * page views with that value, also those posted without a visit.
 */
export const DIMENSIONS = ['source', 'utm_medium', 'utm_campaign', 'entry_page', 'country', 'device', 'browser', 'os'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The dimensions that are attributes of a visit, and those of the request that sent a page view. */
export const VISIT_DIMENSIONS = ['source', 'utm_medium', 'utm_campaign', 'entry_page'] as const satisfies readonly Dimension[];
export const AUDIENCE_DIMENSIONS = ['country', 'device', 'browser', 'os'] as const satisfies readonly Dimension[];

/** Whether a dimension is an attribute of visits (counted only for page views of visits). */
export const isVisitDimension = (dimension: Dimension): boolean => (VISIT_DIMENSIONS as readonly Dimension[]).includes(dimension);
