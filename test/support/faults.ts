// Fault injection for processor tests: a DynamoDB client whose k-th call fails. Only tests
// build it; deployed code has no such hook.
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/commons/dynamodb-client.ts';
import { localDynamoDbClient } from '../../scripts/local/clients.ts';

export type FaultMode =
  /** The process dies before call k is sent: call k and every later call fail unsent. */
  | 'crash-before'
  /** Call k reaches DynamoDB and applies, its response is lost, and the process dies. */
  | 'crash-after'
  /** Call k alone fails with throttling (after the SDK's own retries gave up). */
  | 'throttle-once'
  /** Every other BatchGetItem returns only its first item; the rest come back as UnprocessedKeys. */
  | 'partial-batch-get';

export interface FaultyClient {
  doc: DynamoDBDocumentClient;
  /** Calls made so far. */
  calls(): number;
  /** Keys withheld as UnprocessedKeys so far ('partial-batch-get'). */
  withheld(): number;
}

export class InjectedCrash extends Error {
  override name = 'InjectedCrash';
}

/** A document client that fails as `mode` says at call `k` (1-based); k = Infinity never fails. */
export function faultyClient(endpoint: string, mode: FaultMode, k: number): FaultyClient {
  const client = localDynamoDbClient(endpoint);
  let count = 0;
  let withheld = 0;
  let batchGets = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const call = ++count;
      if (mode === 'partial-batch-get') {
        const result = await next(args);
        if (!/^BatchGet/.test(String(context.commandName)) || batchGets++ % 2 === 1) return result;
        const output = withholdAllButFirst(result.output as BatchGetOutput);
        for (const { Keys = [] } of Object.values(output.UnprocessedKeys ?? {})) withheld += Keys.length;
        return { ...result, output: output as typeof result.output };
      }
      if (call < k) return next(args);
      if (mode === 'throttle-once') {
        if (call === k) {
          throw new ProvisionedThroughputExceededException({ message: 'injected throttling', $metadata: {} });
        }
        return next(args);
      }
      if (mode === 'crash-after' && call === k) {
        await next(args);
      }
      throw new InjectedCrash(`injected crash at call ${call}`);
    },
    { step: 'initialize', name: 'injectFault', priority: 'high' },
  );
  return { doc: createDocumentClient(client), calls: () => count, withheld: () => withheld };
}

type Item = Record<string, unknown>;
interface BatchGetOutput {
  Responses?: Record<string, Item[]>;
  UnprocessedKeys?: Record<string, { Keys?: Item[] }>;
}

/** Keeps the first item of each table's response and reports the others' keys as unprocessed. */
function withholdAllButFirst<T extends BatchGetOutput>(output: T): T {
  const responses: Record<string, Item[]> = {};
  const unprocessed: Record<string, { Keys: Item[] }> = {};
  for (const [table, items] of Object.entries(output.Responses ?? {})) {
    responses[table] = items.slice(0, 1);
    if (items.length > 1) unprocessed[table] = { Keys: items.slice(1).map((item) => ({ pk: item.pk, sk: item.sk })) };
  }
  return { ...output, Responses: responses, UnprocessedKeys: unprocessed };
}
