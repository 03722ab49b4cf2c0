// Fault injection for processor tests: a DynamoDB client whose k-th call fails. Only tests
// build it; deployed code has no such hook.
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/commons/clients.ts';
import { localDynamoDbClient } from '../../scripts/local/clients.ts';

export type FaultMode =
  /** The process dies before call k is sent: call k and every later call fail unsent. */
  | 'crash-before'
  /** Call k reaches DynamoDB and applies, its response is lost, and the process dies. */
  | 'crash-after'
  /** Call k alone fails with throttling (after the SDK's own retries gave up). */
  | 'throttle-once';

export interface FaultyClient {
  doc: DynamoDBDocumentClient;
  /** Calls made so far. */
  calls(): number;
}

export class InjectedCrash extends Error {
  override name = 'InjectedCrash';
}

/** A document client that fails as `mode` says at call `k` (1-based); k = Infinity never fails. */
export function faultyClient(endpoint: string, mode: FaultMode, k: number): FaultyClient {
  const client = localDynamoDbClient(endpoint);
  let count = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      const call = ++count;
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
  return { doc: createDocumentClient(client), calls: () => count };
}
