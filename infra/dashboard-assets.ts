import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { localEsbuild, PROJECT_ROOT } from './analytics-function.ts';

/** The dashboard's sources (browser code), relative to the repository root. */
export const DASHBOARD_DIR = 'web/dashboard';

/** The globals the assets handler reads the dashboard's files from (esbuild `define`s). */
export const DASHBOARD_GLOBALS = { html: 'DASHBOARD_HTML', js: 'DASHBOARD_JS', css: 'DASHBOARD_CSS' } as const;

/** The dashboard as served: one HTML page, one script, one stylesheet. */
export interface DashboardAssets {
  readonly html: string;
  readonly js: string;
  readonly css: string;
}

/** Bundles and minifies one entry (uPlot comes from node_modules), keeping licence comments at the end. */
function bundle(entry: string): string {
  const result = localEsbuild().buildSync({
    entryPoints: [path.join(PROJECT_ROOT, DASHBOARD_DIR, entry)],
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    legalComments: 'eof',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text.trim();
}

/** The dashboard built at synth time, as `t.js` is, so the function reads no files. */
export function buildDashboard(): DashboardAssets {
  return {
    html: readFileSync(path.join(PROJECT_ROOT, DASHBOARD_DIR, 'index.html'), 'utf8'),
    js: bundle('app.ts'),
    css: bundle('app.css'),
  };
}

/** Bundling `define`s that give the assets handler the dashboard's files. */
export function dashboardDefines(assets: DashboardAssets = buildDashboard()): Record<string, string> {
  return {
    [DASHBOARD_GLOBALS.html]: JSON.stringify(assets.html),
    [DASHBOARD_GLOBALS.js]: JSON.stringify(assets.js),
    [DASHBOARD_GLOBALS.css]: JSON.stringify(assets.css),
  };
}
