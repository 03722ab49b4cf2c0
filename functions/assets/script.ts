import type { HttpResponse } from '../commons/http.ts';

/**
 * The minified beacon script (functions/assets/t.src.js). Bundling defines it as a string
 * constant (infra/tracker-script.ts), so a bundle without it fails at cold start.
 */
declare const TRACKER_SCRIPT: string;

/** GET /t.js: the beacon script, from the API's assets function or the ingestion function URL. */
export const SCRIPT_RESPONSE: HttpResponse = {
  statusCode: 200,
  headers: {
    'content-type': 'application/javascript; charset=utf-8',
    // Browsers and CDNs may keep it an hour, so a new version reaches every page within that.
    'cache-control': 'public, max-age=3600',
    'x-content-type-options': 'nosniff',
  },
  body: TRACKER_SCRIPT,
};
