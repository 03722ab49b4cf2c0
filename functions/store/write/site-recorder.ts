import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../../commons/map-limit.ts';
import { logger } from '../../commons/observability.ts';
import { TtlCache } from '../../commons/ttl-cache.ts';
import type { SiteRecord } from '../../domain/site-list.ts';
import { lowerFirstDay, raiseLastDay, readSiteRecords, recordSiteWithData, type DaySpan } from '../sites/sites-with-data.ts';

/** Sites remembered as recorded per function instance. */
const RECORDED_CACHE_ENTRIES = 10_000;
const WRITE_CONCURRENCY = 4;

/** An event as the recorder sees it: its site and the local day it counts on. */
export interface DayOfSite {
  site_id: string;
  day: string;
}

/**
 * Makes sure the sites of these events are recorded as sites with data, with first and last days
 * that span the events' days; resolves to the sites that could not be (their events must wait,
 * so that every site with counted events is listed, with its days).
 */
export type SiteRecorder = (events: readonly DayOfSite[]) => Promise<ReadonlySet<string>>;

/**
 * What an instance knows of a site's record: its first day is `first` or earlier, its last day
 * `last` or later. Undefined: not known, to be written if needed.
 */
interface KnownDays {
  first?: string;
  last?: string;
}

/** Each site's first and last day among the events. */
function daySpans(events: readonly DayOfSite[]): Map<string, DaySpan> {
  const spans = new Map<string, DaySpan>();
  for (const { site_id, day } of events) {
    const span = spans.get(site_id);
    if (!span) spans.set(site_id, { first: day, last: day });
    else if (day < span.first) span.first = day;
    else if (day > span.last) span.last = day;
  }
  return spans;
}

/**
 * Records sites with data at the cost of nothing per batch: what a site's record holds is
 * remembered for the life of the instance (a record is never removed, and its days only widen),
 * so the table is read only for sites this instance has not seen (one BatchGetItem), and written
 * only for a site never recorded (a conditional put with its first days), or for a day past its
 * known last day (or before its first): one conditional update, at most once per site and new
 * day per instance. Two instances doing the same at once both try, and the second write fails its
 * condition harmlessly.
 */
export function siteRecorder(doc: DynamoDBDocumentClient, table: string): SiteRecorder {
  // Never read again: a record is never removed, and its days only widen.
  const known = new TtlCache<string, KnownDays>({ maxEntries: RECORDED_CACHE_ENTRIES, ttlMs: Infinity });

  /** Makes the record of one site span `span`, starting from what is known of it; resolves to what is known after. */
  async function widen(siteId: string, span: DaySpan, record: SiteRecord | undefined, days: KnownDays | undefined): Promise<KnownDays> {
    if (!days) {
      if (!record) {
        if (await recordSiteWithData(doc, table, siteId, { monthSketches: true, days: span })) return { ...span };
        days = {}; // recorded meanwhile by another instance, with days not known here
      } else {
        // A record made before days were kept has no first day. None is set here, as the days
        // counted before are not known (npm run record-sites fills it in); once it has one, an
        // event of this instance before these days lowers it.
        days = { first: record.first_day ?? span.first, last: record.last_day };
      }
    }
    const next = { ...days };
    if (days.last === undefined || span.last > days.last) {
      await raiseLastDay(doc, table, siteId, span.last);
      next.last = span.last;
    }
    if (days.first === undefined || span.first < days.first) {
      await lowerFirstDay(doc, table, siteId, span.first);
      next.first = span.first;
    }
    return next;
  }

  return async (events) => {
    const spans = daySpans(events);
    const failed = new Set<string>();
    const unknown = [...spans.keys()].filter((id) => !known.get(id));
    let records = new Map<string, SiteRecord>();
    if (unknown.length > 0) {
      try {
        records = await readSiteRecords(doc, table, unknown);
      } catch (error) {
        logger.error('sites with data unreadable', error as Error);
        for (const id of unknown) failed.add(id);
      }
    }
    await mapLimit([...spans].filter(([id]) => !failed.has(id)), WRITE_CONCURRENCY, async ([id, span]) => {
      try {
        known.set(id, await widen(id, span, records.get(id), known.get(id)));
      } catch (error) {
        logger.error('site with data not recorded', error as Error);
        failed.add(id);
      }
    });
    return failed;
  };
}
