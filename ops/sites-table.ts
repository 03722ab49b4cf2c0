// Which sites table `npm run keys` and `npm run sites` act on: the running `npm start` (default),
// or a deployed stack's table given by name (its SitesTableName output).
import { isSiteId } from '../functions/domain/event.ts';
import { fail } from './cli.ts';
import { tableTarget, type TableTarget } from './stack.ts';

export { TABLE_OPTIONS } from './stack.ts';

export const TABLE_USAGE = `[--table NAME] (a deployed stack's SitesTableName; default: the running npm start) [--state-file FILE] [--json]`;

/** The `--site` value, or exit with `usage` when it is missing or not a site id. */
export function siteOption(site: string | undefined, usage: string): string {
  if (!site || !isSiteId(site)) fail(`--site must be a site id (1-64 letters, digits, ".", "_", ":" or "-")\n${usage}`);
  return site!;
}

export type SitesTable = TableTarget;

export function sitesTable(values: { table?: string; 'state-file'?: string; 'api-url'?: string }): SitesTable {
  return tableTarget('sitesTable', values);
}
