// Which sites table `npm run keys` and `npm run sites` act on: the running `npm start` (default),
// or a deployed stack's table given by name (its SitesTableName output).
import { existsSync, readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../functions/commons/dynamodb-client.ts';
import { isSiteId } from '../functions/domain/event.ts';
import { localDynamoDbClient } from '../local/clients.ts';
import { RUNTIME_STATE_FILE } from '../local/runtime.ts';
import { fail } from './queues.ts';

export const TABLE_OPTIONS = {
  table: { type: 'string' },
  'state-file': { type: 'string', default: RUNTIME_STATE_FILE },
  json: { type: 'boolean', default: false },
} as const;

export const TABLE_USAGE = `[--table NAME] (a deployed stack's SitesTableName; default: the running npm start) [--state-file FILE] [--json]`;

/** The `--site` value, or exit with `usage` when it is missing or not a site id. */
export function siteOption(site: string | undefined, usage: string): string {
  if (!site || !isSiteId(site)) fail(`--site must be a site id (1-64 letters, digits, ".", "_", ":" or "-")\n${usage}`);
  return site!;
}

/** Prints `json` with --json, else `text`. */
export function printer(json: boolean): (value: unknown, text: string) => void {
  return (value, text) => console.log(json ? JSON.stringify(value) : text);
}

export interface SitesTable {
  doc: DynamoDBDocumentClient;
  table: string;
  /** The base URL of the API serving the table's stack, when known: the running npm start's, or `--api-url`. */
  apiUrl?: string;
}

export function sitesTable(values: { table?: string; 'state-file'?: string; 'api-url'?: string }): SitesTable {
  if (values.table) return { doc: createDocumentClient(new DynamoDBClient({})), table: values.table, apiUrl: values['api-url'] };
  const stateFile = values['state-file'] ?? RUNTIME_STATE_FILE;
  if (!existsSync(stateFile)) fail(`No running local runtime (${stateFile} not found): start one with npm start, or give --table`);
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { apiUrl?: string; dynamodbEndpoint: string; tables: Record<string, string> };
  const table = Object.entries(state.tables).find(([id]) => id.startsWith('SitesTable'))?.[1];
  if (!table) fail('The local runtime has no SitesTable');
  return { doc: createDocumentClient(localDynamoDbClient(state.dynamodbEndpoint)), table: table!, apiUrl: values['api-url'] ?? (state.apiUrl || undefined) };
}
