// npm run backfill-months: builds the month sketches of data counted before the processor kept
// them, so ranges read whole months as one sketch (once, after deploying that change and once
// no processor of the version before runs; running it again builds nothing). Against the running
// npm start by default; add --table NAME (a deployed stack's AggregatesTableName output) for AWS
// with the default credentials and region.
//
// This migration (this folder) can be deleted once every deployment has run it after its
// processor started keeping month sketches; it runs the record-sites migration first, so that
// one goes with it or after it.
import { parseArgs } from 'node:util';
import { printer } from '../../cli.ts';
import { TABLE_OPTIONS, tableTarget } from '../../stack.ts';
import { backfillMonthSketches } from './backfill-months.ts';

const { values } = parseArgs({ options: TABLE_OPTIONS });
const { doc, table } = tableTarget('aggregatesTable', values);
const result = await backfillMonthSketches(doc, table);
printer(values.json)(
  result,
  `${result.sites} sites with data: month sketches built for ${result.built} (${result.months} months, ${result.shards} shards written), the others had them`,
);
doc.destroy();
