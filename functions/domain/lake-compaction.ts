import { createHash } from 'node:crypto';
import { dayFolder, parseLakeKey } from './lake.ts';

/**
 * Compaction of the lake: a site's objects of a closed day (one per commit unit) are rewritten
 * into one object, exactly once. See docs/lake.md#compaction.
 *
 *   events/site_id=S/date=D/!compacted-<hash>.e<events>.ndjson.gz   the compacted object
 *   events/site_id=S/date=D/_compacted-<hash>.sources.json          its sources (the manifest)
 *
 * `<hash>` is taken from the sorted names of the sources, so a run repeated after a crash over the
 * same sources writes the same keys. `!` sorts before every character of a unit's object name,
 * so a listing meets a day's compacted objects before its other objects; the manifest begins with
 * `_`, which Athena treats as a hidden file, and does not end in `.ndjson.gz`, so no listing of
 * lake objects shows it. Neither name holds `_` after its first character, so neither begins with
 * a unit's prefix (unit names always do: `<batch>_<site>_<n>.e`).
 */
const COMPACTED = '!compacted-';
const MANIFEST = '_compacted-';
const MANIFEST_END = '.sources.json';

/** The last part of a key. */
export const baseName = (key: string): string => key.slice(key.lastIndexOf('/') + 1);

/** A compacted object's key is recognised by its name. */
export const isCompacted = (key: string): boolean => baseName(key).startsWith(COMPACTED);

/** A manifest's key, likewise. */
export const isManifest = (key: string): boolean => baseName(key).startsWith(MANIFEST) && key.endsWith(MANIFEST_END);

/** Where a day's compacted objects begin (for a listing of them alone). */
export const compactedPrefix = (siteId: string, day: string): string => `${dayFolder(siteId, day)}${COMPACTED}`;

/** The hash a compaction of these sources names its objects by. */
function sourcesHash(sources: readonly string[]): string {
  return createHash('sha256')
    .update([...sources].map(baseName).sort().join('\n'))
    .digest('hex')
    .slice(0, 20);
}

/** The compacted object of `sources` (keys of one site's day), holding `events` lines. */
export const compactedKey = (siteId: string, day: string, sources: readonly string[], events: number): string =>
  `${compactedPrefix(siteId, day)}${sourcesHash(sources)}.e${events}.ndjson.gz`;

/** The manifest of a compacted object: the same folder, hidden from Athena and from listings. */
export function manifestKey(compacted: string): string {
  const name = baseName(compacted);
  const hash = name.slice(COMPACTED.length, name.indexOf('.'));
  return `${compacted.slice(0, compacted.length - name.length)}${MANIFEST}${hash}${MANIFEST_END}`;
}

/** A manifest: the names (in the compacted object's folder) of the objects it was made of. */
export interface Manifest {
  object: string;
  sources: string[];
}

export const encodeManifest = (compacted: string, sources: readonly string[]): string =>
  JSON.stringify({ object: baseName(compacted), sources: sources.map(baseName).sort() } satisfies Manifest);

/** The keys of a manifest's sources, in the folder of `compacted`. */
export function manifestSources(compacted: string, text: string): string[] {
  const folder = compacted.slice(0, compacted.length - baseName(compacted).length);
  return (JSON.parse(text) as Manifest).sources.map((name) => `${folder}${name}`);
}

/** The unit whose commit counted an object's events, from its key (`<batch>_<site>_<n>.e...`, see lake.ts). */
export function unitOfKey(siteId: string, key: string): string | undefined {
  const parsed = parseLakeKey(key);
  if (!parsed || parsed.siteId !== siteId || isCompacted(key)) return undefined;
  const name = baseName(key);
  const stem = name.slice(0, name.lastIndexOf('.e', name.length - '.ndjson.gz'.length));
  const site = `_${siteId.replace(/[^A-Za-z0-9._-]/g, '_')}_`;
  const at = stem.lastIndexOf(site);
  const index = stem.slice(at + site.length);
  if (at <= 0 || !/^\d+$/.test(index)) return undefined;
  // Batch ids are request ids (letters, digits and `-`), which the object name keeps as they are.
  return `${stem.slice(0, at)}:${siteId}:${index}`;
}

const DAY_MS = 86_400_000;
/** A day is over everywhere 36 hours after it began in UTC (at UTC-12, the last zone to end it). */
const DAY_OVER_EVERYWHERE_MS = 36 * 3_600_000;

/**
 * The last day (YYYY-MM-DD) that is closed at `now`: over in every time zone, and for `marginMs`
 * more, so that a message in flight when it ended has been processed or redelivered.
 */
export function lastClosedDay(now: number, marginMs: number): string {
  const latestStart = now - marginMs - DAY_OVER_EVERYWHERE_MS;
  return new Date(Math.floor(latestStart / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** The day `days` days before `day`. */
export const daysBefore = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
