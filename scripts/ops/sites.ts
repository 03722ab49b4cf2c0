// npm run sites -- register --site S [--origin https://www.example.com ...]   accept S's events (from these origins)
// npm run sites -- show --site S                                             S's registration
// npm run sites -- unregister --site S                                       refuse S's events again
// Only matters with -c restrictIngestion=true. Against the running npm start by default; add
// --table NAME (a deployed stack's SitesTableName output) for AWS.
import { parseArgs } from 'node:util';
import { normalizeOrigin } from '../../functions/domain/sites.ts';
import { deleteSite, readSites, saveSite } from '../../functions/store/sites.ts';
import { fail } from './queues.ts';
import { printer, siteOption, sitesTable, TABLE_OPTIONS, TABLE_USAGE } from './sites-table.ts';

const USAGE = `usage: npm run sites -- register --site S [--origin URL ...] | show --site S | unregister --site S
options: ${TABLE_USAGE}`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { site: { type: 'string' }, origin: { type: 'string', multiple: true }, ...TABLE_OPTIONS },
  });
  const [command] = positionals;
  if (!command || !['register', 'show', 'unregister'].includes(command)) fail(USAGE);
  const site = siteOption(values.site, USAGE);
  const origins = (values.origin ?? []).map((value) => normalizeOrigin(value) ?? fail(`--origin ${value} is not an origin like https://www.example.com`));
  const { doc, table } = sitesTable(values);
  const print = printer(values.json);

  if (command === 'register') {
    const saved = await saveSite(doc, table, site, [...new Set(origins)]);
    print(
      { site_id: saved.siteId, origins: saved.origins, created_at: saved.createdAt },
      `Registered ${saved.siteId}: events accepted ${saved.origins.length ? `from ${saved.origins.join(', ')} and from servers` : 'from any origin'}`,
    );
  } else if (command === 'show') {
    const found = (await readSites(doc, table, [site])).get(site);
    if (!found) fail(`${site} is not registered`);
    print({ site_id: found!.siteId, origins: found!.origins, created_at: found!.createdAt }, `${found!.siteId}: origins ${found!.origins.join(', ') || 'any'} (since ${found!.createdAt})`);
  } else {
    if (!(await deleteSite(doc, table, site))) fail(`${site} is not registered`);
    print({ site_id: site, unregistered: true }, `Unregistered ${site}`);
  }
  doc.destroy();
}

await main();
