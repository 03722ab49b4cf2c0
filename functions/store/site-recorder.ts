import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../commons/map-limit.ts';
import { logger } from '../commons/observability.ts';
import { WeightedLru } from '../commons/weighted-lru.ts';
import { readRecordedSites, recordSiteWithData } from './sites-with-data.ts';

/** Sites remembered as recorded per function instance. */
const RECORDED_CACHE_ENTRIES = 10_000;
const WRITE_CONCURRENCY = 4;

/**
 * Makes sure these sites are recorded as sites with data; resolves to the ones that could not be
 * (their events must wait, so that every site with counted events is listed).
 */
export type SiteRecorder = (siteIds: readonly string[]) => Promise<ReadonlySet<string>>;

/**
 * Records sites with data at the cost of nothing per batch: a site known to be recorded is
 * remembered for the life of the instance (a record is never removed), so the table is read
 * only for sites this instance has not seen (one BatchGetItem), and written only for sites
 * never recorded (a conditional put; two instances meeting a new site at once both try, and
 * the second put fails its condition harmlessly).
 */
export function siteRecorder(doc: DynamoDBDocumentClient, table: string): SiteRecorder {
  const recorded = new WeightedLru<string, true>(RECORDED_CACHE_ENTRIES);
  return async (siteIds) => {
    const unknown = [...new Set(siteIds)].filter((id) => !recorded.get(id));
    const failed = new Set<string>();
    if (unknown.length === 0) return failed;
    let found: Set<string>;
    try {
      found = await readRecordedSites(doc, table, unknown);
    } catch (error) {
      logger.error('sites with data unreadable', error as Error);
      return new Set(unknown);
    }
    await mapLimit(unknown, WRITE_CONCURRENCY, async (id) => {
      try {
        if (!found.has(id)) await recordSiteWithData(doc, table, id, { monthSketches: true });
        recorded.set(id, true, 1);
      } catch (error) {
        logger.error('site with data not recorded', error as Error);
        failed.add(id);
      }
    });
    return failed;
  };
}
