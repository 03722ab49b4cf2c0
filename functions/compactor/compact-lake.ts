import { randomUUID } from 'node:crypto';
import { siteFolder } from '../domain/lake.ts';
import { daysBefore, lastClosedDay } from '../domain/lake-compaction.ts';
import { listSites } from '../store/lake/compaction-objects.ts';
import { giveLeaseBack, takeLease } from '../store/lake/compaction-lease.ts';
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

/**
 * How long a run holds a site: longer than any run lasts (the compactor's timeout is 10 minutes,
 * and a run starts no day after its deadline), so a lease outlives a run that died holding it.
 */
export const LEASE_MS = 15 * 60_000;

export class OpenDayError extends Error {
  override name = 'OpenDayError';
}

/** Another run holds the site's lease (a run of one site only). */
export class SiteBusyError extends Error {
  override name = 'SiteBusyError';
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
 * time, until the deadline. A day that is not closed is refused (OpenDayError). Each site is
 * compacted under its lease (compaction-lease.ts): a site another run holds is left to it
 * (SiteBusyError for a run of that site only).
 */
export async function compactLake(context: CompactionContext, run: CompactionRun): Promise<DayCompaction[]> {
  const lastClosed = lastClosedDay(run.now, run.marginMs);
  if (run.day && run.day > lastClosed) throw new OpenDayError(`${run.day} is not closed yet: the last closed day is ${lastClosed}`);
  const from = run.day ?? daysBefore(lastClosed, run.lookbackDays - 1);
  const to = run.day ?? lastClosed;
  const sites = run.siteId ? [run.siteId] : await listSites(context.s3, context.bucket);
  const done: DayCompaction[] = [];
  const owner = randomUUID();
  for (const siteId of sites) {
    const days = await daysToCompact(context, siteId, from, to);
    if (days.length === 0) continue;
    if (!(await takeLease(context.doc, context.eventsTable, siteId, owner, run.now, run.now + LEASE_MS))) {
      if (run.siteId) throw new SiteBusyError(`another compaction of ${siteId} is running (its lease ends within ${LEASE_MS / 60_000} minutes)`);
      continue;
    }
    try {
      for (const day of days) {
        if (run.deadline !== undefined && Date.now() > run.deadline) break;
        done.push(await compactDay(context, siteId, day));
      }
    } finally {
      // A lease that cannot be given back ends by itself.
      await giveLeaseBack(context.doc, context.eventsTable, siteId, owner).catch(() => undefined);
    }
    if (run.deadline !== undefined && Date.now() > run.deadline) break;
  }
  return done;
}
