import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, startLocalRuntime, type LocalRuntime } from '../../runtime.ts';
import { execFileSync } from 'node:child_process';
import { apiClient } from '../../../test/support/http-client.ts';
import { beacon } from '../../../test/support/factories.ts';

// The project stack synthesized with -c restrictIngestion=true and run by the local runtime:
// the ingest function it runs (the restricted entry, its SITES_TABLE) comes from that template,
// and sites are registered with `npm run sites` through the runtime's state file.
let runtime: LocalRuntime;
const stateFile = path.join(PROJECT_ROOT, '.local', 'runtime.restricted.json');
const run = Date.now().toString(36);

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    context: { restrictIngestion: 'true', batchWindowSeconds: '1' },
    cdkOut: path.join(PROJECT_ROOT, '.local', 'cdk.out.restricted'),
    stateFile,
    log: () => {},
  });
}, 180_000);
afterAll(() => runtime?.stop());

const sites = (...args: string[]) =>
  JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'ops/sites.ts'), ...args, '--state-file', stateFile, '--json'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    }),
  );

describe('npm start -c restrictIngestion=true', () => {
  it('accepts events of sites registered with npm run sites, from their origins only', async () => {
    // Prepare
    const api = apiClient(runtime.apiUrl);
    const site = `restricted-${run}`;
    const post = (origin?: string, siteId = site) =>
      fetch(`${runtime.apiUrl}/event`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)', ...(origin ? { origin } : {}) },
        body: JSON.stringify(beacon({ site_id: siteId })),
      }).then((r) => r.status);

    // Act
    const unregistered = await post(undefined, `${site}-never`);
    const registered = sites('register', '--site', site, '--origin', 'https://www.Shop.example/');
    const shown = sites('show', '--site', site);
    const [fromOrigin, fromServer, fromElsewhere] = [await post('https://www.shop.example'), await post(), await post('https://other.example')];
    const batch = await api.post('events', JSON.stringify([beacon({ site_id: site }), beacon({ site_id: `${site}-unknown` })]));

    // Assess
    expect(unregistered).toBe(403);
    expect(registered).toMatchObject({ site_id: site, origins: ['https://www.shop.example'] });
    expect(shown).toEqual(registered);
    expect([fromOrigin, fromServer, fromElsewhere]).toEqual([202, 202, 403]);
    expect([batch.status, batch.body.error.code]).toEqual([403, 'forbidden']);
  });
});
