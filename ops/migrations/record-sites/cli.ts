// npm run record-sites: lists in GET /sites the sites whose data was counted before the
// processor recorded sites with data, and gives records made before the processor kept sites'
// first and last days those days, so GET /sites reads them from the record (once, after deploying
// either change; running it again records and fills nothing new). Against the running npm start
// by default; add --table NAME (a deployed stack's AggregatesTableName output) for AWS with the
// default credentials and region.
//
// This migration (this folder) can be deleted once every deployment has run it after its
// processor started recording sites with data and their first and last days.
import { parseArgs } from 'node:util';
import { printer } from '../../cli.ts';
import { TABLE_OPTIONS, tableTarget } from '../../stack.ts';
import { recordExistingSites } from './record-sites.ts';

const { values } = parseArgs({ options: TABLE_OPTIONS });
const { doc, table } = tableTarget('aggregatesTable', values);
const { found, recorded, filled } = await recordExistingSites(doc, table);
printer(values.json)(
  { sites: found.length, recorded, filled },
  `${found.length} sites with data, ${recorded} of them newly recorded, ${filled} given their first and last days`,
);
doc.destroy();
