// Fault injection for processor tests: DynamoDB and S3 clients whose k-th call (of both) fails.
// Only tests build it; deployed code has no such hook.
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/commons/dynamodb-client.ts';
import { localDynamoDbClient, localS3Client } from '../../local/clients.ts';
import { S3ServiceException, type S3Client } from '@aws-sdk/client-s3';

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
  /** An S3 client whose calls count with the DynamoDB client's (the lake's writes fail alike). */
  s3: S3Client;
  /** Calls made so far, DynamoDB and S3 together. */
  calls(): number;
  /** Keys withheld as UnprocessedKeys so far ('partial-batch-get'). */
  withheld(): number;
}

export class InjectedCrash extends Error {
  override name = 'InjectedCrash';
}

/**
 * A DynamoDB document client and an S3 client that fail as `mode` says at call `k` (1-based,
 * counting the calls of both); k = Infinity never fails.
 */
export function faultyClient(endpoint: string, mode: FaultMode, k: number, s3Endpoint: string = endpoint): FaultyClient {
  const client = localDynamoDbClient(endpoint);
  const s3 = localS3Client(s3Endpoint);
  let count = 0;
  let withheld = 0;
  let batchGets = 0;
  const inject = (throttled: () => Error): never =>
    ((next: (args: unknown) => Promise<{ output: unknown }>, context: { commandName?: string }) => async (args: unknown) => {
      const call = ++count;
      if (mode === 'partial-batch-get') {
        const result = await next(args);
        if (!/^BatchGet/.test(String(context.commandName)) || batchGets++ % 2 === 1) return result;
        const output = withholdAllButFirst(result.output as BatchGetOutput);
        for (const { Keys = [] } of Object.values(output.UnprocessedKeys ?? {})) withheld += Keys.length;
        return { ...result, output };
      }
      if (call < k) return next(args);
      if (mode === 'throttle-once') {
        if (call === k) throw throttled();
        return next(args);
      }
      if (mode === 'crash-after' && call === k) {
        await next(args);
      }
      throw new InjectedCrash(`injected crash at call ${call}`);
    }) as never;
  const options = { step: 'initialize' as const, name: 'injectFault', priority: 'high' as const };
  client.middlewareStack.add(inject(() => new ProvisionedThroughputExceededException({ message: 'injected throttling', $metadata: {} })), options);
  s3.middlewareStack.add(
    inject(() => Object.assign(new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 } }), { message: 'injected throttling' })),
    options,
  );
  return { doc: createDocumentClient(client), s3, calls: () => count, withheld: () => withheld };
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
