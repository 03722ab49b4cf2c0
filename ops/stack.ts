// The stack an operator command acts on: the running `npm start` (found through its state
// file, the default), or a deployed stack whose resources the command line names (from the
// stack's outputs; AWS with the default credentials and region).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RUNTIME_STATE_FILE } from '../local/runtime.ts';
import { deployedStack, ROLE_PREFIXES, runningStack, type ResourceRole, type StackHandle } from '../local/stack-handle.ts';
import { fail } from './cli.ts';

/** Options of a command on one table: --table NAME (deployed), --state-file FILE (local), --json. */
export const TABLE_OPTIONS = {
  table: { type: 'string' },
  'state-file': { type: 'string', default: RUNTIME_STATE_FILE },
  json: { type: 'boolean', default: false },
} as const;

/**
 * The deployed stack when any resource is `given`, else the running local runtime of
 * `stateFile`, or exit (`hint` follows the message, e.g. ", or give --table").
 */
export function operatorStack(options: { given: Partial<Record<ResourceRole, string | undefined>>; stateFile?: string; apiUrl?: string; hint: string }): StackHandle {
  const given = Object.fromEntries(Object.entries(options.given).filter(([, value]) => value)) as Partial<Record<ResourceRole, string>>;
  if (Object.keys(given).length > 0) return deployedStack(given, options.apiUrl);
  const stateFile = options.stateFile ?? RUNTIME_STATE_FILE;
  return runningStack(stateFile) ?? fail(`No running local runtime (${stateFile} not found): start one with npm start${options.hint}`);
}

/** The stack's resource of `role`, or exit saying the local runtime has none. */
export function required(stack: StackHandle, role: ResourceRole, note = ''): string {
  return stack.find(role) ?? fail(`The local runtime has no ${ROLE_PREFIXES[role]}${note}`);
}

export interface TableTarget {
  doc: DynamoDBDocumentClient;
  table: string;
  /** The base URL of the API serving the table's stack, when known: `--api-url`, else the running npm start's. */
  apiUrl?: string;
}

/** The table of `role` a command works on: `--table` (a deployed stack's), else the running npm start's. */
export function tableTarget(role: ResourceRole, values: { table?: string; 'state-file'?: string; 'api-url'?: string }): TableTarget {
  const stack = operatorStack({ given: { [role]: values.table }, stateFile: values['state-file'], apiUrl: values['api-url'], hint: ', or give --table' });
  const table = required(stack, role);
  return { doc: stack.doc, table, apiUrl: values['api-url'] ?? stack.apiUrl };
}
