import { copyFileSync, cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';

/**
 * In a prebuilt bundle's folder of the npm package: the names of the files it shares with other
 * bundles, kept once beside the bundles' folders (the country database, 7.8 MB, is in every
 * ingest bundle) and copied back into the function's asset at synth.
 */
export const SHARED_FILES_LIST = 'shared-files.json';

/**
 * Keeps each of `files` once in `bundlesDir` (the folder of the bundles' folders) instead of in
 * every bundle that has it, and lists it in those bundles' {@link SHARED_FILES_LIST}. Run when the
 * package is built (infra/package/build.ts).
 */
export function shareFiles(bundlesDir: string, files: readonly string[]): void {
  for (const file of files) {
    for (const bundle of readdirSync(bundlesDir, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
      const copy = path.join(bundlesDir, bundle.name, file);
      if (!existsSync(copy)) continue;
      const kept = path.join(bundlesDir, file);
      if (existsSync(kept)) rmSync(copy);
      else renameSync(copy, kept);
      const list = path.join(bundlesDir, bundle.name, SHARED_FILES_LIST);
      const listed = existsSync(list) ? (JSON.parse(readFileSync(list, 'utf8')) as string[]) : [];
      writeFileSync(list, JSON.stringify([...listed, file]));
    }
  }
}

/**
 * The code of a prebuilt bundle: the folder as it is, or, when it shares files, the folder with
 * them copied back in (a local bundling step that never needs Docker: it always succeeds).
 */
export function prebuiltCode(dir: string): Code {
  const list = path.join(dir, SHARED_FILES_LIST);
  if (!existsSync(list)) return Code.fromAsset(dir);
  const shared = JSON.parse(readFileSync(list, 'utf8')) as string[];
  return Code.fromAsset(dir, {
    bundling: {
      image: DockerImage.fromRegistry('scratch'),
      local: {
        tryBundle(outputDir) {
          cpSync(dir, outputDir, { recursive: true });
          rmSync(path.join(outputDir, SHARED_FILES_LIST));
          for (const file of shared) copyFileSync(path.join(path.dirname(dir), file), path.join(outputDir, file));
          return true;
        },
      },
    },
  });
}
