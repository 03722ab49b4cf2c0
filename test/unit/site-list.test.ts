import { describe, expect, it } from 'vitest';
import { shapeSites, visibleSites, type SiteSummary } from '../../functions/domain/site-list.ts';

const site = (site_id: string, views: number): SiteSummary => ({ site_id, first_day: '2026-01-01', last_day: '2026-01-31', views });

describe('visibleSites', () => {
  it('lists every site with data for the admin key', async () => {
    expect(await visibleSites({ kind: 'admin' }, async () => ['a', 'b'])).toEqual(['a', 'b']);
  });

  it('lists only its own site for a site key, without reading the list', async () => {
    const listed = async (): Promise<string[]> => {
      throw new Error('a site key must not read the list of sites');
    };
    expect(await visibleSites({ kind: 'site', siteId: 'own', keyId: 'k1' }, listed)).toEqual(['own']);
  });
});

describe('shapeSites', () => {
  it('orders sites by views, most first, then by id, and leaves out sites without data', () => {
    // Act
    const shaped = shapeSites([site('b', 5), undefined, site('c', 9), site('a', 5)]);

    // Assess
    expect(shaped.sites.map((s) => s.site_id)).toEqual(['c', 'a', 'b']);
  });

  it('answers an empty list when no site has data', () => {
    expect(shapeSites([])).toEqual({ sites: [] });
  });
});
