import { describe, expect, it } from 'vitest';
import { parseSitesQuery, shapeSites, siteCursor, visibleSites, type SiteSummary, type SitesPage } from '../../functions/domain/site-list.ts';

const site = (site_id: string, views: number): SiteSummary => ({ site_id, first_day: '2026-01-01', last_day: '2026-01-31', views });
const page = (ids: string[], more = false): SitesPage => ({ records: ids.map((site_id) => ({ site_id })), more });

describe('visibleSites', () => {
  const own = async (siteId: string) => ({ site_id: siteId, first_day: '2026-01-01', last_day: '2026-01-02' });

  it('reads a page of every site with data for the admin key', async () => {
    expect(await visibleSites({ kind: 'admin' }, async () => page(['a', 'b'], true), own)).toEqual(page(['a', 'b'], true));
  });

  it('reads only its own site for a site key, on one page, without reading the list', async () => {
    const listed = async (): Promise<SitesPage> => {
      throw new Error('a site key must not read the list of sites');
    };
    expect(await visibleSites({ kind: 'site', siteId: 'own', keyId: 'k1' }, listed, own)).toEqual({
      records: [{ site_id: 'own', first_day: '2026-01-01', last_day: '2026-01-02' }],
      more: false,
    });
  });
});

describe('parseSitesQuery', () => {
  it('takes 100 sites from the start without parameters', () => {
    expect(parseSitesQuery({})).toEqual({ ok: true, value: { limit: 100, after: undefined } });
  });

  it('takes a limit up to 1000 and a cursor of GET /sites', () => {
    expect(parseSitesQuery({ limit: '1000', cursor: siteCursor('site-abc.1:x_y') })).toEqual({ ok: true, value: { limit: 1000, after: 'site-abc.1:x_y' } });
  });

  it.each([['0'], ['1001'], ['-1'], ['1.5'], ['ten'], ['']])('refuses the limit %j', (limit) => {
    expect(parseSitesQuery({ limit })).toEqual({ ok: false, issues: [{ field: 'limit', message: 'must be an integer from 1 to 1000' }] });
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['no site id inside', Buffer.from('not a site id!').toString('base64url')],
    ['a site id longer than 64', siteCursor('x'.repeat(65))],
    ['empty', ''],
    ['not canonical', `${siteCursor('ab')}A`],
  ])('refuses a cursor that is %s', (_name, cursor) => {
    expect(parseSitesQuery({ cursor })).toEqual({ ok: false, issues: [{ field: 'cursor', message: 'must be a next_cursor of GET /sites' }] });
  });

  it('names both when both are bad', () => {
    const parsed = parseSitesQuery({ limit: '0', cursor: '!' });
    expect(parsed.ok ? [] : parsed.issues.map((issue) => issue.field)).toEqual(['limit', 'cursor']);
  });
});

describe('shapeSites', () => {
  it('keeps the page order (site ids), leaves out sites without data, and gives the cursor of the last site read when more follow', () => {
    // Act
    const shaped = shapeSites(page(['a', 'b', 'c'], true), [site('a', 5), site('b', 9), undefined]);

    // Assess: the cursor goes past `c` too, though it had no data to list.
    expect(shaped).toEqual({ sites: [site('a', 5), site('b', 9)], next_cursor: siteCursor('c') });
    expect(parseSitesQuery({ cursor: shaped.next_cursor })).toEqual({ ok: true, value: { limit: 100, after: 'c' } });
  });

  it('has no cursor on the last page, and an empty list when no site has data', () => {
    expect(shapeSites(page(['a']), [site('a', 1)])).toEqual({ sites: [site('a', 1)] });
    expect(shapeSites(page([]), [])).toEqual({ sites: [] });
  });
});
