import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { siteRegistrationKey } from '../../functions/domain/table-schema.ts';
import { deleteSite, readSites, saveSite } from '../../functions/store/sites/registrations.ts';
import { stackResources, type StackResources } from '../support/aws.ts';
import { sitesCli as runSitesCli } from '../support/sites-cli.ts';

let aws: StackResources;
const run = Date.now().toString(36);

beforeAll(async () => {
  aws = await stackResources();
});

/** `npm run sites -- <args>` on the emulated sites table. */
const sitesCli = (...args: string[]) => runSitesCli(['--table', aws.tables.sites], ...args);

describe('site registrations (store, against DynamoDB Local)', () => {
  it('registers a site in UTC with any origin, unless told otherwise', async () => {
    const site = `tz-new-${run}`;
    const saved = await saveSite(aws.doc, aws.tables.sites, site, {}, new Date('2026-01-01T00:00:00Z'));
    expect(saved).toEqual({ siteId: site, origins: [], timeZone: 'UTC', createdAt: '2026-01-01T00:00:00.000Z' });
    expect((await readSites(aws.doc, aws.tables.sites, [site])).get(site)).toEqual(saved);
  });

  it('changes only what registering again gives, keeping the first registration time', async () => {
    const site = `tz-again-${run}`;
    await saveSite(aws.doc, aws.tables.sites, site, { origins: ['https://a.example'], timeZone: 'Europe/Berlin' }, new Date('2026-01-01T00:00:00Z'));
    const zoned = await saveSite(aws.doc, aws.tables.sites, site, { timeZone: 'America/New_York' }, new Date('2026-02-01T00:00:00Z'));
    const opened = await saveSite(aws.doc, aws.tables.sites, site, { origins: [] });
    expect(zoned).toEqual({ siteId: site, origins: ['https://a.example'], timeZone: 'America/New_York', createdAt: '2026-01-01T00:00:00.000Z' });
    expect(opened).toMatchObject({ origins: [], timeZone: 'America/New_York' });
  });

  it('reads a registration stored before sites had a zone as UTC', async () => {
    const site = `tz-old-${run}`;
    const item = { ...siteRegistrationKey(site), site_id: site, origins: [], created_at: '2025-06-01T00:00:00.000Z' };
    await aws.doc.send(new PutCommand({ TableName: aws.tables.sites, Item: item }));
    expect((await readSites(aws.doc, aws.tables.sites, [site])).get(site)?.timeZone).toBe('UTC');
  });

  it('forgets the zone with the registration', async () => {
    const site = `tz-gone-${run}`;
    await saveSite(aws.doc, aws.tables.sites, site, { timeZone: 'Europe/Berlin' });
    expect(await deleteSite(aws.doc, aws.tables.sites, site)).toBe(true);
    expect((await readSites(aws.doc, aws.tables.sites, [site])).get(site)).toBeUndefined();
  });
});

describe('npm run sites -- register --timezone', () => {
  it('stores the zone, changes it on a second register, and show prints it', () => {
    const site = `tz-cli-${run}`;
    const first = sitesCli('register', '--site', site, '--origin', 'https://www.Shop.example/', '--timezone', 'europe/berlin');
    const second = sitesCli('register', '--site', site, '--timezone', 'Asia/Kathmandu');
    const shown = sitesCli('show', '--site', site);
    expect(first.json).toMatchObject({ site_id: site, origins: ['https://www.shop.example'], timezone: 'Europe/Berlin' });
    expect(second.json).toMatchObject({ site_id: site, origins: ['https://www.shop.example'], timezone: 'Asia/Kathmandu' });
    expect(shown.json).toEqual(second.json);
  });

  it('refuses a name that is not an IANA time zone, registering nothing', () => {
    const site = `tz-bad-${run}`;
    const refused = sitesCli('register', '--site', site, '--timezone', 'Europe/Atlantis');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('--timezone Europe/Atlantis is not an IANA time zone name');
    expect(sitesCli('show', '--site', site).status).not.toBe(0);
  });
});
