// npm run record-sites: lists in GET /sites the sites whose data was counted before the
// processor recorded sites with data (once, after deploying that change; running it again
// records nothing new). Against the running npm start by default; add --table NAME (a deployed
// stack's AggregatesTableName output) for AWS with the default credentials and region.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../functions/commons/dynamodb-client.ts';
import { localDynamoDbClient } from '../local/clients.ts';
import { RUNTIME_STATE_FILE } from '../local/runtime.ts';
import { recordExistingSites } from './existing-sites.ts';
import { fail } from './queues.ts';
import { printer } from './sites-table.ts';

const { values } = parseArgs({
  options: { table: { type: 'string' }, 'state-file': { type: 'string', default: RUNTIME_STATE_FILE }, json: { type: 'boolean', default: false } },
});

function aggregatesTable(): { doc: ReturnType<typeof createDocumentClient>; table: string } {
  if (values.table) return { doc: createDocumentClient(new DynamoDBClient({})), table: values.table };
  const stateFile = values['state-file']!;
  if (!existsSync(stateFile)) fail(`No running local runtime (${stateFile} not found): start one with npm start, or give --table`);
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { dynamodbEndpoint: string; tables: Record<string, string> };
  const table = Object.entries(state.tables).find(([id]) => id.startsWith('AggregatesTable'))?.[1];
  if (!table) fail('The local runtime has no AggregatesTable');
  return { doc: createDocumentClient(localDynamoDbClient(state.dynamodbEndpoint)), table: table! };
}

const { doc, table } = aggregatesTable();
const { found, recorded } = await recordExistingSites(doc, table);
printer(values.json)({ sites: found.length, recorded }, `${found.length} sites with data, ${recorded} of them newly recorded`);
doc.destroy();
