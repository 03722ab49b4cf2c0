// A folder that mirrors the lake's objects in the local S3, for DuckDB to read (it has no S3
// reader here): each sync lists the prefix, downloads the objects it has not seen (by key and
// ETag), removes the files of objects that are gone and hands the change to `apply` (which loads
// it into DuckDB) before the next sync begins. Keys map to paths one to one, so the Hive folders
// (site_id=S/date=D) are the same as in the bucket. `follow` syncs in the background as well,
// so a query's own sync finds little left to fetch.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { mapLimit } from '../../functions/commons/map-limit.ts';

/** What a sync changed: files (absolute paths) written anew or replaced, and files removed. */
export interface MirrorChange {
  added: string[];
  removed: string[];
}

/** The partitions a query reads: one site's day folders from `from` to `to` (dates, both included). */
export interface MirrorScope {
  siteId: string;
  from: string;
  to: string;
}

export interface LakeMirror {
  /** The mirror's root: an object `events/a/b.gz` is the file `<dir>/events/a/b.gz`. */
  readonly dir: string;
  /**
   * Brings the folder up to date with the bucket (with `scope`, only the folders of those
   * partitions) and applies the change; returns how many objects it listed.
   */
  sync(scope?: MirrorScope): Promise<number>;
  /**
   * Syncs now, then again `everyMs` (or four times the last sync's duration, if longer) after each
   * sync ends, until stopped (a failed sync is tried again at the next; a query's own sync reports
   * the failure). `stop` waits for a sync under way.
   */
  follow(everyMs: number): { stop(): Promise<void> };
}

/**
 * Whether an object holds table data as Athena reads a table's location: files whose names start
 * with `_` or `.` are skipped (Hive's hidden files), such as the compactor's manifests
 * (`_compacted-<id>.sources.json`), which are not gzipped NDJSON.
 */
const isDataKey = (key: string): boolean => !key.endsWith('/') && !/^[_.]/.test(key.slice(key.lastIndexOf('/') + 1));

/** Most day folders a scoped sync lists (a longer range lists every folder). */
const MAX_SCOPE_DAYS = 400;

/** Whether a key is in a scope's day folders. */
function scopeTest(prefix: string, scope: MirrorScope): (key: string) => boolean {
  const site = `${prefix}site_id=${scope.siteId}/date=`;
  return (key) => {
    if (!key.startsWith(site)) return false;
    const day = key.slice(site.length, site.length + 10);
    return day >= scope.from && day <= scope.to;
  };
}

/** Downloads under way at once (3,000 small objects from the S3 emulator: about 10 s at 8, 7 s at 32). */
const DOWNLOADS_AT_ONCE = 32;
/** Folder listings under way at once. */
const LISTINGS_AT_ONCE = 8;

export function lakeMirror(options: {
  s3: S3Client;
  bucket: string;
  prefix: string;
  dir: string;
  /** Loads a change; until it succeeds the change's objects count as not mirrored (the next sync tries again). */
  apply: (change: MirrorChange) => Promise<void>;
}): LakeMirror {
  const { s3, bucket, prefix, dir } = options;
  /** ETag of each mirrored key. */
  const mirrored = new Map<string, string>();
  const fileOf = (key: string): string => {
    const file = path.resolve(dir, key);
    if (!file.startsWith(path.resolve(dir) + path.sep)) throw new Error(`Object key ${key} leaves the mirror folder`);
    return file;
  };

  /** The objects (key to ETag) right under `folder`, and the folders under it. */
  async function listFolder(folder: string, objects: Map<string, string>): Promise<string[]> {
    const folders: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: folder, Delimiter: '/', ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key && isDataKey(object.Key)) objects.set(object.Key, object.ETag ?? '');
      for (const sub of page.CommonPrefixes ?? []) if (sub.Prefix) folders.push(sub.Prefix);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return folders;
  }

  /**
   * Every object under the prefix, listed folder by folder (site, then day): the S3 emulator sorts
   * every key under a listing's prefix for each page it returns, so a flat listing of 38,000
   * objects (39 pages) took 9 s, folder by folder well under one.
   */
  async function listAll(): Promise<Map<string, string>> {
    const objects = new Map<string, string>();
    let folders = [prefix];
    while (folders.length) folders = (await mapLimit(folders, LISTINGS_AT_ONCE, (folder) => listFolder(folder, objects))).flat();
    return objects;
  }

  /** The day folders of a scope: a query's partitions, listed one by one. */
  async function listScope(scope: MirrorScope): Promise<Map<string, string>> {
    const objects = new Map<string, string>();
    const days: string[] = [];
    for (let day = Date.parse(`${scope.from}T00:00:00Z`); day <= Date.parse(`${scope.to}T00:00:00Z`) && days.length <= MAX_SCOPE_DAYS; day += 86_400_000) {
      days.push(new Date(day).toISOString().slice(0, 10));
    }
    await mapLimit(days, LISTINGS_AT_ONCE, (day) => listFolder(`${prefix}site_id=${scope.siteId}/date=${day}/`, objects));
    return objects;
  }

  async function download(key: string): Promise<string> {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = await object.Body!.transformToByteArray();
    const file = fileOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Written beside and renamed: a query reading the folder never sees half a file.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, body);
    await rename(partial, file);
    return file;
  }

  /** One sync: of every folder, or of a scope's folders only (keys outside them are left as they are). */
  async function syncOnce(scope?: MirrorScope): Promise<number> {
    const objects = scope ? await listScope(scope) : await listAll();
    const inScope = scope ? scopeTest(prefix, scope) : () => true;
    const gone = [...mirrored.keys()].filter((key) => inScope(key) && !objects.has(key));
    for (const key of gone) await rm(fileOf(key), { force: true });
    const changed = [...objects].filter(([key, etag]) => mirrored.get(key) !== etag);
    const added = await mapLimit(changed, DOWNLOADS_AT_ONCE, ([key]) => download(key));
    if (added.length || gone.length) await options.apply({ added, removed: gone.map(fileOf) });
    for (const key of gone) mirrored.delete(key);
    for (const [key, etag] of changed) mirrored.set(key, etag);
    return objects.size;
  }

  // One sync at a time: a query arriving during one waits for the next, which lists the bucket
  // after it arrived and so sees its objects. Every caller until that next sync begins shares it
  // (a dashboard view's dozen queries wait for one listing, not a dozen in a row).
  // A query that names its partitions syncs those alone, in turn with the others: a large lake's
  // full listing (every site's every day folder) takes seconds, a month of one site's a fraction.
  let latest: Promise<number> = Promise.resolve(0);
  let queued: Promise<number> | undefined;
  function sync(scope?: MirrorScope): Promise<number> {
    if (scope) {
      const next = latest.catch(() => 0).then(() => syncOnce(scope));
      latest = next;
      return next;
    }
    if (!queued) {
      queued = latest
        .catch(() => 0)
        .then(() => {
          queued = undefined;
          return syncOnce();
        });
      latest = queued;
    }
    return queued;
  }

  return {
    dir,
    sync,
    follow(everyMs) {
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let current: Promise<void> = Promise.resolve();
      const tick = (): void => {
        const started = performance.now();
        current = sync().then(
          () => undefined,
          () => undefined,
        );
        void current.then(() => {
          if (stopped) return;
          // A large lake takes seconds to list: the background syncs take at most a fifth of the time.
          timer = setTimeout(tick, Math.max(everyMs, 4 * (performance.now() - started)));
          timer.unref();
        });
      };
      tick();
      return {
        async stop() {
          stopped = true;
          clearTimeout(timer);
          await current;
        },
      };
    },
  };
}
