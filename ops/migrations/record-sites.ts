// npm run record-sites: lists in GET /sites the sites whose data was counted before the
// processor recorded sites with data, and gives records made before the processor kept sites'
// first and last days those days, so GET /sites reads them from the record (once, after deploying
// either change; running it again records and fills nothing new). Against the running npm start by default; add --table NAME (a deployed
// stack's AggregatesTableName output) for AWS with the default credentials and region.
import { parseArgs } from 'node:util';
import { RUNTIME_STATE_FILE } from '../../local/runtime.ts';
import { aggregatesTable } from '../aggregates-table.ts';
import { recordExistingSites } from './existing-sites.ts';
import { printer } from '../sites-table.ts';

const { values } = parseArgs({
  options: { table: { type: 'string' }, 'state-file': { type: 'string', default: RUNTIME_STATE_FILE }, json: { type: 'boolean', default: false } },
});

const { doc, table } = aggregatesTable(values.table, values['state-file']!);
const { found, recorded, filled } = await recordExistingSites(doc, table);
printer(values.json)(
  { sites: found.length, recorded, filled },
  `${found.length} sites with data, ${recorded} of them newly recorded, ${filled} given their first and last days`,
);
doc.destroy();
