/** A tiny client for the public API, used by the end-to-end tests and scripts. */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * The User-Agent of a visitor's browser. The API drops events from bots, crawlers and HTTP tools
 * (Node's fetch sends `node`), so clients that stand in for visitors send this one.
 */
export const BROWSER_USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/** A client for the API; `apiKey` goes with every GET as `Authorization: Bearer <key>`. */
export function apiClient(baseUrl: string, userAgent = BROWSER_USER_AGENT, apiKey?: string) {
  const url = (path: string) => new URL(path.replace(/^\//, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const read = async (response: Response): Promise<ApiResponse> => {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the assertion on the body will say so
    }
    return { status: response.status, headers: response.headers, body };
  };
  return {
    /** POST a raw body to a path; `extraHeaders` as a server posting for a visitor sends them (`x-forwarded-for`). */
    async post(
      path: string,
      body: string,
      contentType: string | undefined = 'application/json',
      extraHeaders: Record<string, string> = {},
    ): Promise<ApiResponse> {
      const headers: Record<string, string> = { 'user-agent': userAgent, ...(contentType ? { 'content-type': contentType } : {}), ...extraHeaders };
      return read(await fetch(url(path), { method: 'POST', headers, body }));
    },
    async postEvent(event: Record<string, unknown>, contentType = 'application/json', extraHeaders: Record<string, string> = {}): Promise<ApiResponse> {
      return this.post('event', JSON.stringify(event), contentType, extraHeaders);
    },
    async get(path: string, query: Record<string, string> = {}): Promise<ApiResponse> {
      const target = url(path);
      for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
      const headers: Record<string, string> = { 'user-agent': userAgent, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
      return read(await fetch(target, { headers }));
    },
  };
}

/** Polls `probe` until `done` holds or the deadline passes; returns the last value. */
export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
