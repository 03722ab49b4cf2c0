// A handler that only answers the caller's country: bundled with the country database by
// test/unit/infra/geo-database.test.ts, the way the ingest function is.
import { countryDatabasePath, openCountryDatabase } from '../../functions/commons/country-database.ts';
import { json, readRequest, type HttpResponse, type ProxyEventLike } from '../../functions/commons/http.ts';
import { countryOf } from '../../functions/domain/country.ts';

const lookup = openCountryDatabase(countryDatabasePath(import.meta.url));

export const handler = async (event: ProxyEventLike): Promise<HttpResponse> => json(200, { country: countryOf(readRequest(event), lookup) });
