// npm run export -- --site S --from YYYY-MM-DD --to YYYY-MM-DD [--format ndjson|csv] [--out FILE]
// Writes a site's raw events of those days (dates in the site's time zone) from the lake: one
// line per counted event, by day. Against the running npm start by default; --bucket NAME (a
// deployed stack's LakeBucketName output) reads AWS with the default credentials and region.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { parseRangeQuery } from '../functions/domain/stats.ts';
import { readLakeObject } from '../functions/store/lake/lake-objects.ts';
import { listLakeObjects } from '../functions/store/lake/lake-listing.ts';
import { RUNTIME_STATE_FILE } from '../local/runtime.ts';
import { csvHeader, csvRow, EXPORT_FORMATS, ndjsonLine, type ExportFormat } from './export-format.ts';
import { fail } from './cli.ts';
import { operatorStack, required } from './stack.ts';

const USAGE = `usage: npm run export -- --site S --from YYYY-MM-DD --to YYYY-MM-DD [--format ndjson|csv] [--out FILE]
options: [--bucket NAME] (a deployed stack's LakeBucketName; default: the running npm start) [--state-file FILE]`;

function lake(values: { bucket?: string; 'state-file'?: string }): { s3: S3Client; bucket: string } {
  const stack = operatorStack({ given: { lakeBucket: values.bucket }, stateFile: values['state-file'], hint: ', or give --bucket' });
  return { s3: stack.s3, bucket: required(stack, 'lakeBucket', ': restart npm start') };
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      site: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string', default: 'ndjson' },
      out: { type: 'string' },
      bucket: { type: 'string' },
      'state-file': { type: 'string', default: RUNTIME_STATE_FILE },
    },
  });
  const query = parseRangeQuery({ site_id: values.site, from: values.from, to: values.to });
  if (!query.ok) {
    const option = (field: string) => (field === 'site_id' ? '--site' : `--${field}`);
    fail(`${query.issues.map((issue) => `${option(issue.field)} ${issue.message}`).join('\n')}\n${USAGE}`);
  }
  const format = values.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) fail(`--format must be one of ${EXPORT_FORMATS.join(', ')}\n${USAGE}`);
  const { siteId, range } = query.value;
  const { s3, bucket } = lake(values);

  const out: Writable = values.out ? createWriteStream(values.out) : process.stdout;
  const line = format === 'csv' ? csvRow : ndjsonLine;
  if (format === 'csv') await write(out, csvHeader());
  const { objects } = await listLakeObjects(s3, bucket, siteId, range);
  let events = 0;
  for (const { key } of objects) {
    for (const record of await readLakeObject(s3, bucket, key)) {
      await write(out, line(record));
      events++;
    }
  }
  if (values.out) {
    out.end();
    await once(out, 'finish');
  }
  console.error(`${events} events of ${siteId} from ${range.from} to ${range.to} (${objects.length} files)${values.out ? ` written to ${values.out}` : ''}`);
}

main().catch((error: unknown) => fail(`export failed: ${(error as Error).message}`));
