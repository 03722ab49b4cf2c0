// npm run compact -- [--site S] [--date YYYY-MM-DD]
// Compacts the lake's closed days as the hourly compactor does (docs/lake.md#compaction): every
// site's closed days of the last 31, or one site's, or one site's day. Against the running npm
// start by default; --bucket NAME and --events-table NAME (a deployed stack's LakeBucketName and
// EventsTableName outputs) act on AWS with the default credentials and region. Do not run it for
// days a scheduled run is compacting at the same moment.
import { parseArgs } from 'node:util';
import { compactLake } from '../functions/compactor/compact-lake.ts';
import { RUNTIME_STATE_FILE } from '../local/runtime.ts';
import { fail } from './cli.ts';
import { operatorStack, required } from './stack.ts';

const USAGE = `usage: npm run compact -- [--site S] [--date YYYY-MM-DD] [--margin-minutes N]
options: [--bucket NAME --events-table NAME] (a deployed stack's LakeBucketName and EventsTableName; default: the running npm start) [--state-file FILE]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      site: { type: 'string' },
      date: { type: 'string' },
      'margin-minutes': { type: 'string', default: '13' },
      bucket: { type: 'string' },
      'events-table': { type: 'string' },
      'state-file': { type: 'string', default: RUNTIME_STATE_FILE },
    },
  });
  if (values.date && !/^\d{4}-\d{2}-\d{2}$/.test(values.date)) fail(`--date must be YYYY-MM-DD\n${USAGE}`);
  if (values.date && !values.site) fail(`--date needs --site\n${USAGE}`);
  const margin = Number(values['margin-minutes']);
  if (!Number.isInteger(margin) || margin < 0) fail(`--margin-minutes must be a whole number\n${USAGE}`);
  const stack = operatorStack({
    given: { lakeBucket: values.bucket, eventsTable: values['events-table'] },
    stateFile: values['state-file'],
    hint: ', or give --bucket and --events-table',
  });
  const context = { s3: stack.s3, bucket: required(stack, 'lakeBucket'), doc: stack.doc, eventsTable: required(stack, 'eventsTable') };
  // Days start for 10 minutes at most, as in the compactor, so the sites' leases outlive the run.
  const now = Date.now();
  const days = await compactLake(context, { now, marginMs: margin * 60_000, lookbackDays: 31, siteId: values.site, day: values.date, deadline: now + 10 * 60_000 });
  for (const day of days) {
    const what = day.folded > 0 ? `${day.folded} objects -> 1 (${day.events} events)` : 'nothing to fold';
    console.log(`${day.siteId} ${day.day}: ${what}; ${day.finished} left by an earlier run removed; ${day.uncommitted} of uncommitted units left`);
  }
  console.error(`${days.length} days compacted`);
}

main().catch((error: unknown) => fail(`compaction failed: ${(error as Error).message}`));
