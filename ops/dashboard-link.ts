/**
 * The dashboard's address for one site and key: `<api base>/dashboard#site=S&key=K`. The key
 * travels in the fragment, which browsers never send to a server, so it stays out of access
 * logs; the page reads it from there.
 */
export function dashboardLink(apiBase: string, siteId: string, key: string): string {
  const fragment = new URLSearchParams({ site: siteId, key });
  return `${apiBase.replace(/\/+$/, '')}/dashboard#${fragment}`;
}
