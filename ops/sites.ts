// npm run sites -- register --site S [--origin https://www.example.com ... | --any-origin] [--timezone Europe/Berlin]
//     register S, or change what is given: its allowed origins, the time zone its days are counted in
// npm run sites -- show --site S          S's registration
// npm run sites -- unregister --site S    refuse S's events again (with restrictIngestion); its days are UTC again
// npm run sites -- goal add|list|remove --site S ...   S's goals (ops/goals.ts)
// Origins only matter with -c restrictIngestion=true; the time zone always does. Against the
// running npm start by default; add --table NAME (a deployed stack's SitesTableName output) for AWS.
import { parseArgs } from 'node:util';
import { normalizeOrigin, type SiteChange, type SiteRegistration } from '../functions/domain/sites.ts';
import { canonicalTimeZone } from '../functions/domain/time-zones.ts';
import { deleteSite, readSites, saveSite } from '../functions/store/sites/registrations.ts';
import { fail, printer } from './cli.ts';
import { GOAL_OPTIONS, GOAL_USAGE, goalCommand } from './goals.ts';
import { siteOption, sitesTable, TABLE_OPTIONS, TABLE_USAGE } from './sites-table.ts';

const USAGE = `usage: npm run sites -- register --site S [--origin URL ... | --any-origin] [--timezone ZONE] | show --site S | unregister --site S | ${GOAL_USAGE}
options: ${TABLE_USAGE}`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      site: { type: 'string' },
      origin: { type: 'string', multiple: true },
      'any-origin': { type: 'boolean', default: false },
      timezone: { type: 'string' },
      ...GOAL_OPTIONS,
      ...TABLE_OPTIONS,
    },
  });
  const [command, action] = positionals;
  if (!command || !['register', 'show', 'unregister', 'goal'].includes(command)) fail(USAGE);
  const site = siteOption(values.site, USAGE);
  if (command === 'goal') {
    const target = sitesTable(values);
    await goalCommand(action, site, values, target);
    target.doc.destroy();
    return;
  }
  const origins = (values.origin ?? []).map((value) => normalizeOrigin(value) ?? fail(`--origin ${value} is not an origin like https://www.example.com`));
  if (origins.length > 0 && values['any-origin']) fail('--origin and --any-origin exclude each other');
  const timeZone =
    values.timezone === undefined
      ? undefined
      : (canonicalTimeZone(values.timezone) ?? fail(`--timezone ${values.timezone} is not an IANA time zone name like Europe/Berlin or America/New_York`));
  const { doc, table } = sitesTable(values);
  const print = printer(values.json);

  if (command === 'register') {
    // Origins and zone left out keep their values; --any-origin clears the origins.
    const change: SiteChange = { origins: values['any-origin'] ? [] : origins.length > 0 ? [...new Set(origins)] : undefined, timeZone };
    const saved = await saveSite(doc, table, site, change);
    print(
      asJson(saved),
      `Registered ${saved.siteId}: events accepted ${saved.origins.length ? `from ${saved.origins.join(', ')} and from servers` : 'from any origin'}; days in ${saved.timeZone}`,
    );
  } else if (command === 'show') {
    const found = (await readSites(doc, table, [site])).get(site);
    if (!found) fail(`${site} is not registered`);
    print(asJson(found!), `${found!.siteId}: origins ${found!.origins.join(', ') || 'any'}, days in ${found!.timeZone} (since ${found!.createdAt})`);
  } else {
    if (!(await deleteSite(doc, table, site))) fail(`${site} is not registered`);
    print({ site_id: site, unregistered: true }, `Unregistered ${site}`);
  }
  doc.destroy();
}

function asJson(site: SiteRegistration): Record<string, unknown> {
  return { site_id: site.siteId, origins: site.origins, timezone: site.timeZone, created_at: site.createdAt };
}

await main();
