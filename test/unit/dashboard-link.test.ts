import { describe, expect, it } from 'vitest';
import { dashboardLink } from '../../ops/dashboard-link.ts';

describe('dashboardLink', () => {
  it('puts the site and key in the fragment of <api base>/dashboard', () => {
    expect(dashboardLink('http://127.0.0.1:3000', 'site-abc-123', 'bak_A-b_9')).toBe('http://127.0.0.1:3000/dashboard#site=site-abc-123&key=bak_A-b_9');
  });

  it('joins a base that ends in a slash or a stage without doubling the slash', () => {
    expect(dashboardLink('https://abc.execute-api.eu-west-1.amazonaws.com/v1/', 's', 'k')).toBe(
      'https://abc.execute-api.eu-west-1.amazonaws.com/v1/dashboard#site=s&key=k',
    );
  });

  it('puts the dashboard at the root of a custom domain (ApiUrl https://<domainName>/)', () => {
    expect(dashboardLink('https://analytics.example.com/', 's', 'k')).toBe('https://analytics.example.com/dashboard#site=s&key=k');
  });

  it('gives back the site id and key when the page parses its fragment', () => {
    const link = new URL(dashboardLink('http://127.0.0.1:3000', 'shop:eu.1', 'bak_x'));
    const params = new URLSearchParams(link.hash.slice(1));
    expect([params.get('site'), params.get('key')]).toEqual(['shop:eu.1', 'bak_x']);
  });
});
