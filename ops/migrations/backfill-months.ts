// npm run backfill-months: builds the month sketches of data counted before the processor kept
// them, so ranges read whole months as one sketch (once, after deploying that change and once
// no processor of the version before runs; running it again builds nothing). Against the running
// npm start by default; add --table NAME (a deployed stack's AggregatesTableName output) for AWS
// with the default credentials and region.
import { parseArgs } from 'node:util';
import { RUNTIME_STATE_FILE } from '../../local/runtime.ts';
import { aggregatesTable } from '../aggregates-table.ts';
import { backfillMonthSketches } from './month-backfill.ts';
import { printer } from '../sites-table.ts';

const { values } = parseArgs({
  options: { table: { type: 'string' }, 'state-file': { type: 'string', default: RUNTIME_STATE_FILE }, json: { type: 'boolean', default: false } },
});

const { doc, table } = aggregatesTable(values.table, values['state-file']!);
const result = await backfillMonthSketches(doc, table);
printer(values.json)(
  result,
  `${result.sites} sites with data: month sketches built for ${result.built} (${result.months} months, ${result.shards} shards written), the others had them`,
);
doc.destroy();
