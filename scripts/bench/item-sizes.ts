// `npm run bench`: the sizes of the counter items at the end of a run, as DynamoDB Local bills them.
import { CreateTableCommand, PutItemCommand, ScanCommand, type AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import { localDynamoDbClient } from '../local/clients.ts';
import type { LocalRuntime } from '../local/runtime.ts';
import { itemBytes, standardWriteUnits, WRITE_UNIT_BYTES, type WireItem } from './billing.ts';

export interface ItemSizeReport {
  /** table|pk|sk -> billed units of one standard write of the item at the end, as DynamoDB Local reports them. */
  unitsByItem: Map<string, number>;
  counterItems: number;
  overOneKb: Array<{ pk: string; sk: string; bytes: number; units: number }>;
  maxBytes: number;
  /** Items where this module's size rule and DynamoDB Local disagree on units. */
  ruleDisagreements: number;
}

/**
 * Sizes of the counter items (site totals S#, path buckets P#) at the end of the run: each is
 * copied into a scratch table with ReturnConsumedCapacity, so DynamoDB Local itself says how many
 * write units one write of it costs (1 per started KB), and checked against billing.ts's rule.
 */
export async function measureCounterItems(runtime: LocalRuntime, aggregatesTable: string): Promise<ItemSizeReport> {
  const ddb = localDynamoDbClient(runtime.dynamodbEndpoint);
  const scratch = `bench-item-sizes-${Date.now()}`;
  await ddb.send(
    new CreateTableCommand({
      TableName: scratch,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  const report: ItemSizeReport = { unitsByItem: new Map(), counterItems: 0, overOneKb: [], maxBytes: 0, ruleDisagreements: 0 };
  let startKey: Record<string, SdkAttributeValue> | undefined;
  do {
    const page = await ddb.send(new ScanCommand({ TableName: aggregatesTable, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      const pk = item.pk?.S ?? '';
      const sk = item.sk?.S ?? '';
      if (!pk.startsWith('S#') && !pk.startsWith('P#')) continue;
      report.counterItems++;
      const put = await ddb.send(new PutItemCommand({ TableName: scratch, Item: item, ReturnConsumedCapacity: 'TOTAL' }));
      const units = put.ConsumedCapacity?.CapacityUnits ?? NaN;
      const bytes = itemBytes(item as unknown as WireItem);
      if (standardWriteUnits(bytes) !== units) report.ruleDisagreements++;
      report.unitsByItem.set(`${aggregatesTable}|${pk}|${sk}`, units);
      report.maxBytes = Math.max(report.maxBytes, bytes);
      if (units > 1 || bytes > WRITE_UNIT_BYTES) report.overOneKb.push({ pk, sk, bytes, units });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  ddb.destroy();
  report.overOneKb.sort((a, b) => b.bytes - a.bytes);
  return report;
}
