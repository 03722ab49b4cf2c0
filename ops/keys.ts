// npm run keys -- create --site S              a new key for site S (shown once; stored as its hash)
// npm run keys -- list --site S                the ids and creation times of S's keys
// npm run keys -- revoke --site S --key-id ID  the key stops working at once
// Against the running npm start by default; add --table NAME (a deployed stack's SitesTableName
// output) to use AWS with the default credentials and region, and --api-url URL (its ApiUrl
// output) for create to print the key's dashboard link as it does locally.
import { parseArgs } from 'node:util';
import { hashApiKey, newApiKey } from '../functions/domain/api-keys.ts';
import { deleteApiKey, listApiKeys, saveApiKey } from '../functions/store/sites/api-keys.ts';
import { dashboardLink } from './dashboard-link.ts';
import { fail, printer } from './cli.ts';
import { siteOption, sitesTable, TABLE_OPTIONS, TABLE_USAGE } from './sites-table.ts';

const USAGE = `usage: npm run keys -- create --site S | list --site S | revoke --site S --key-id ID
options: ${TABLE_USAGE} [--api-url URL] (with --table: the stack's ApiUrl, for the dashboard link)`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { site: { type: 'string' }, 'key-id': { type: 'string' }, 'api-url': { type: 'string' }, ...TABLE_OPTIONS },
  });
  const [command] = positionals;
  if (!command || !['create', 'list', 'revoke'].includes(command)) fail(USAGE);
  const site = siteOption(values.site, USAGE);
  const { doc, table, apiUrl } = sitesTable(values);
  const print = printer(values.json);

  if (command === 'create') {
    const key = newApiKey();
    const record = await saveApiKey(doc, table, site, hashApiKey(key));
    const link = apiUrl === undefined ? undefined : dashboardLink(apiUrl, site, key);
    print(
      { site_id: site, key_id: record.keyId, key, created_at: record.createdAt, ...(link ? { dashboard_url: link } : {}) },
      `New key for ${site} (id ${record.keyId}). It is shown only now; keep it secret:\n${key}\n` +
        (link ? `Dashboard (the key is in the link: share it as you would the key):\n${link}` : 'Dashboard link: add --api-url URL (the stack\'s ApiUrl output)'),
    );
  } else if (command === 'list') {
    const keys = await listApiKeys(doc, table, site);
    print(
      keys.map((k) => ({ key_id: k.keyId, created_at: k.createdAt })),
      keys.length ? keys.map((k) => `${k.keyId}  created ${k.createdAt}`).join('\n') : `No keys for ${site}`,
    );
  } else {
    const keyId = values['key-id'];
    if (!keyId) fail(`revoke needs --key-id (see list)\n${USAGE}`);
    const revoked = await deleteApiKey(doc, table, site, keyId!);
    if (!revoked) fail(`No key ${keyId} for ${site}`);
    print({ site_id: site, key_id: keyId, revoked: true }, `Revoked key ${keyId} of ${site}`);
  }
  doc.destroy();
}

await main();
