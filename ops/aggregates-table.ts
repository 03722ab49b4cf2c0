import { existsSync, readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../functions/commons/dynamodb-client.ts';
import { localDynamoDbClient } from '../local/clients.ts';
import { fail } from './queues.ts';

/**
 * The aggregates table an operator's one-off works on: `table` (a deployed stack's
 * AggregatesTableName output, with the default credentials and region), else the running
 * `npm start`'s, found through its state file.
 */
export function aggregatesTable(table: string | undefined, stateFile: string): { doc: ReturnType<typeof createDocumentClient>; table: string } {
  if (table) return { doc: createDocumentClient(new DynamoDBClient({})), table };
  if (!existsSync(stateFile)) fail(`No running local runtime (${stateFile} not found): start one with npm start, or give --table`);
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { dynamodbEndpoint: string; tables: Record<string, string> };
  const local = Object.entries(state.tables).find(([id]) => id.startsWith('AggregatesTable'))?.[1];
  if (!local) fail('The local runtime has no AggregatesTable');
  return { doc: createDocumentClient(localDynamoDbClient(state.dynamodbEndpoint)), table: local! };
}
