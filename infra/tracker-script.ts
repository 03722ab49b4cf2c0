import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { localEsbuild, PROJECT_ROOT } from './analytics-function.ts';
import { dashboardDefines } from './dashboard-assets.ts';

/** The beacon script served as GET /t.js, relative to the repository root. */
export const TRACKER_SOURCE = 'functions/assets/t.src.js';

/** The global the assets handler reads the minified script from (an esbuild `define`). */
export const TRACKER_SCRIPT_GLOBAL = 'TRACKER_SCRIPT';

/**
 * The beacon script minified by esbuild, for browsers of the last several years (ES2017). Done at
 * synth time and put into the assets function's bundle as a constant, so the function reads no files.
 */
export function minifyTrackerScript(): string {
  const source = readFileSync(path.join(PROJECT_ROOT, TRACKER_SOURCE), 'utf8');
  const { code } = localEsbuild().transformSync(source, { loader: 'js', minify: true, target: 'es2017', legalComments: 'none' });
  return code.trim();
}

/** Bundling options that give the assets handler the script and the dashboard's files. */
export function assetsBundling(): { define: Record<string, string> } {
  return { define: { [TRACKER_SCRIPT_GLOBAL]: JSON.stringify(minifyTrackerScript()), ...dashboardDefines() } };
}

/** Bundling options that give a handler the beacon script only (the function-URL ingest entry). */
export function trackerBundling(): { define: Record<string, string> } {
  return { define: { [TRACKER_SCRIPT_GLOBAL]: JSON.stringify(minifyTrackerScript()) } };
}
