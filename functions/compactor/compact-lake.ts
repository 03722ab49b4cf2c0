import { siteFolder } from '../domain/lake.ts';
import { daysBefore, lastClosedDay } from '../domain/lake-compaction.ts';
import { listSites } from '../store/lake/compaction-objects.ts';
import { lakeObjectsUnder } from '../store/lake/lake-listing.ts';
import { compactDay, type CompactionContext, type DayCompaction } from './compact-day.ts';

export interface CompactionRun {
  /** Epoch ms the run counts days from. */
  now: number;
  /** How long a day stays open after it ended everywhere (longer than a message's redelivery). */
  marginMs: number;
  /** How many closed days back a run looks for days to compact (late objects arrive within them). */
  lookbackDays: number;
  /** One site only (default: every site with a folder in the lake). */
  siteId?: string;
  /** One day only (default: the closed days of the lookback). */
  day?: string;
  /** When (epoch ms) to stop starting days; the rest is left to the next run. */
  deadline?: number;
}

export class OpenDayError extends Error {
  override name = 'OpenDayError';
}

/** The days from..to of a site's folder that hold more than one object. */
async function daysToCompact(context: CompactionContext, siteId: string, from: string, to: string): Promise<string[]> {
  const folder = siteFolder(siteId);
  const counts = new Map<string, number>();
  for await (const { date } of lakeObjectsUnder(context.s3, context.bucket, folder, `${folder}date=${from}`)) {
    if (date > to) break;
    counts.set(date, (counts.get(date) ?? 0) + 1);
  }
  return [...counts].filter(([, objects]) => objects > 1).map(([day]) => day);
}

/**
 * Compacts the closed days of the lake (all sites, or one site, or one site's day), a day at a
 * time, until the deadline. A day that is not closed is refused (OpenDayError).
 */
export async function compactLake(context: CompactionContext, run: CompactionRun): Promise<DayCompaction[]> {
  const lastClosed = lastClosedDay(run.now, run.marginMs);
  if (run.day && run.day > lastClosed) throw new OpenDayError(`${run.day} is not closed yet: the last closed day is ${lastClosed}`);
  const from = run.day ?? daysBefore(lastClosed, run.lookbackDays - 1);
  const to = run.day ?? lastClosed;
  const sites = run.siteId ? [run.siteId] : await listSites(context.s3, context.bucket);
  const done: DayCompaction[] = [];
  for (const siteId of sites) {
    for (const day of await daysToCompact(context, siteId, from, to)) {
      if (run.deadline !== undefined && Date.now() > run.deadline) return done;
      done.push(await compactDay(context, siteId, day));
    }
  }
  return done;
}
