// The backfill-months migration (cli.ts runs it): month sketches of data counted before the
// processor kept them. Delete this folder once every deployment has run it (see cli.ts).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../../../functions/commons/map-limit.ts';
import { monthOfDay } from '../../../functions/domain/month-sketches.ts';
import { unionSketches } from '../../../functions/domain/stats.ts';
import { mergeSketchStates } from '../../../functions/store/write/sketch-merges.ts';
import { readSketch } from '../../../functions/store/read/sketches.ts';
import { hasMonthSketches, listSitesWithData, markMonthSketches } from '../../../functions/store/sites/sites-with-data.ts';
import { readSiteDays } from '../../../functions/store/read/totals.ts';
import { recordExistingSites } from '../record-sites/record-sites.ts';

const DAY_READS = 8;

export interface MonthBackfill {
  /** Sites with data. */
  sites: number;
  /** Sites whose months were built now (the others had complete month sketches already). */
  built: number;
  months: number;
  /** Month sketch shards written. */
  shards: number;
}

/**
 * Gives every site with data complete month sketches, for data counted before the processor
 * merged users into month sketches (once, after deploying that change, when no processor of
 * the version before runs any more): records sites not yet recorded (see ../record-sites),
 * then for each site not yet marked, merges each month's day sketches into its month sketch
 * (a max-merge with conditional writes, so processors merging new events meanwhile lose
 * nothing) and marks the site, after which ranges read its whole months from month sketches.
 * Running it again builds nothing.
 */
export async function backfillMonthSketches(doc: DynamoDBDocumentClient, table: string): Promise<MonthBackfill> {
  await recordExistingSites(doc, table);
  const sites = await listSitesWithData(doc, table);
  const result: MonthBackfill = { sites: sites.length, built: 0, months: 0, shards: 0 };
  for (const siteId of sites) {
    if (await hasMonthSketches(doc, table, siteId)) continue;
    const days = await readSiteDays(doc, table, siteId);
    for (const [month, monthDays] of Map.groupBy(days.keys(), monthOfDay)) {
      const sketches = await mapLimit(monthDays, DAY_READS, (day) => readSketch(doc, table, siteId, day, { consistent: true }));
      result.shards += await mergeSketchStates(doc, table, siteId, month, unionSketches(sketches));
      result.months++;
    }
    await markMonthSketches(doc, table, siteId);
    result.built++;
  }
  return result;
}
