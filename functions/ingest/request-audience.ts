import type { HttpRequest } from '../commons/http.ts';
import type { Audience } from '../domain/audience.ts';
import { countryOf, type CountryLookup } from '../domain/country.ts';
import { classifyUserAgent } from '../domain/user-agent.ts';

/**
 * The audience of a request, which every event it carries gets: device, browser and OS from its
 * User-Agent, the country of its visitor's address (first of X-Forwarded-For, else the source
 * address; CloudFront-Viewer-Country first when present). Neither the User-Agent nor the address
 * goes further than this function.
 */
export function requestAudience(request: Pick<HttpRequest, 'headers' | 'sourceIp'>, countryLookup: CountryLookup): Audience {
  return { ...classifyUserAgent(request.headers['user-agent']), country: countryOf(request, countryLookup) };
}
