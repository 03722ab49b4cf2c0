import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Capacity units DynamoDB reported, per operation, for one unit of work (a batch, a request),
 * plus `TransactItems`: the number of items written in transactions (DynamoDB Local reports
 * transaction capacity per table, not per item, so a cost model needs the item count).
 */
export type CapacityUsage = Record<string, number>;

const scope = new AsyncLocalStorage<CapacityUsage>();

interface ConsumedCapacity {
  CapacityUnits?: number;
}

const unitsOf = (consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): number =>
  Array.isArray(consumed) ? consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0) : (consumed?.CapacityUnits ?? 0);

/**
 * Asks DynamoDB to report consumed capacity on every call (free of charge) and adds it to the
 * usage of the current `meterCapacity` scope, if any. Install once per client.
 */
export function reportCapacity(client: DynamoDBClient): DynamoDBClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string; TransactItems?: unknown[] };
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const result = await next(args);
      const usage = scope.getStore();
      if (usage) {
        const output = result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] };
        const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        usage[operation] = (usage[operation] ?? 0) + unitsOf(output.ConsumedCapacity);
        if (input.TransactItems) usage.TransactItems = (usage.TransactItems ?? 0) + input.TransactItems.length;
      }
      return result;
    },
    { step: 'initialize', name: 'reportCapacity' },
  );
  return client;
}

/** Runs `work` and returns its result with the capacity its DynamoDB calls consumed. */
export async function meterCapacity<T>(work: () => Promise<T>): Promise<{ result: T; capacity: CapacityUsage }> {
  const capacity: CapacityUsage = {};
  const result = await scope.run(capacity, work);
  return { result, capacity };
}
