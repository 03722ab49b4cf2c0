// `npm run bench`: the sizes of the counter items at the end of a run, as DynamoDB Local bills them.
import { CreateTableCommand, PutItemCommand, ScanCommand, type AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import { DIMENSION_CODES } from '../../functions/domain/table-schema.ts';
import { localDynamoDbClient } from '../../local/clients.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { itemBytes, standardWriteUnits, valueBytes, WRITE_UNIT_BYTES, type WireItem } from '../lib/billing.ts';

/** What a counter item is: a site's totals or one of its path buckets, of a day or of all time. */
export type CounterKind = 'totals, day' | 'totals, all time' | 'path buckets, day' | 'path buckets, all time';
export const COUNTER_KINDS: readonly CounterKind[] = ['totals, day', 'totals, all time', 'path buckets, day', 'path buckets, all time'];

/** The kind of the counter item with this key (undefined: not a counter item). */
export function counterKind(pk: string, sk: string): CounterKind | undefined {
  if (pk.startsWith('S#')) return sk === 'T#ALL' ? 'totals, all time' : 'totals, day';
  if (pk.startsWith('P#')) return pk.endsWith('#ALL') ? 'path buckets, all time' : 'path buckets, day';
  return undefined;
}

const DIMENSION_OF_CODE = new Map<string, string>(Object.entries(DIMENSION_CODES).map(([dimension, code]) => [code, dimension]));

/**
 * What an attribute of a counter item counts: paths, event types, hours, views and events, the
 * visit totals, one of the breakdown dimensions, or the key.
 */
export function attributeFamily(name: string): string {
  if (name === 'pk' || name === 'sk') return 'key';
  if (name.startsWith('p#')) return 'paths';
  if (name.startsWith('t#')) return 'event types';
  if (/^h(v|e)?\d\d$/.test(name)) return 'hours';
  if (name === 'views' || name === 'events') return 'views, events';
  if (name === 'visits' || name === 'visits_multi' || name === 'visit_ms' || name === 'visit_views') return 'visit totals';
  const code = /^([a-z])#/.exec(name)?.[1];
  const dimension = code ? DIMENSION_OF_CODE.get(code) : undefined;
  return dimension ?? 'other';
}

/** The counter items of one kind at the end of a run: how many, their bytes and units, and bytes by attribute family. */
export interface KindSizes {
  items: number;
  bytes: number;
  maxBytes: number;
  /** Units of one standard write of each, summed. */
  units: number;
  bytesByFamily: Record<string, number>;
}

export interface ItemSizeReport {
  /** table|pk|sk -> billed units of one standard write of the item at the end, as DynamoDB Local reports them. */
  unitsByItem: Map<string, number>;
  counterItems: number;
  overOneKb: Array<{ pk: string; sk: string; bytes: number; units: number }>;
  maxBytes: number;
  /** Items where this module's size rule and DynamoDB Local disagree on units. */
  ruleDisagreements: number;
  byKind: Record<CounterKind, KindSizes>;
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
  const byKind = Object.fromEntries(COUNTER_KINDS.map((kind) => [kind, { items: 0, bytes: 0, maxBytes: 0, units: 0, bytesByFamily: {} }])) as Record<CounterKind, KindSizes>;
  const report: ItemSizeReport = { unitsByItem: new Map(), counterItems: 0, overOneKb: [], maxBytes: 0, ruleDisagreements: 0, byKind };
  let startKey: Record<string, SdkAttributeValue> | undefined;
  do {
    const page = await ddb.send(new ScanCommand({ TableName: aggregatesTable, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      const pk = item.pk?.S ?? '';
      const sk = item.sk?.S ?? '';
      const kind = counterKind(pk, sk);
      if (!kind) continue;
      report.counterItems++;
      const put = await ddb.send(new PutItemCommand({ TableName: scratch, Item: item, ReturnConsumedCapacity: 'TOTAL' }));
      const units = put.ConsumedCapacity?.CapacityUnits ?? NaN;
      const bytes = itemBytes(item as unknown as WireItem);
      if (standardWriteUnits(bytes) !== units) report.ruleDisagreements++;
      report.unitsByItem.set(`${aggregatesTable}|${pk}|${sk}`, units);
      report.maxBytes = Math.max(report.maxBytes, bytes);
      if (units > 1 || bytes > WRITE_UNIT_BYTES) report.overOneKb.push({ pk, sk, bytes, units });
      const sizes = byKind[kind];
      sizes.items++;
      sizes.bytes += bytes;
      sizes.maxBytes = Math.max(sizes.maxBytes, bytes);
      sizes.units += units;
      for (const [name, value] of Object.entries(item as unknown as WireItem)) {
        const family = attributeFamily(name);
        sizes.bytesByFamily[family] = (sizes.bytesByFamily[family] ?? 0) + Buffer.byteLength(name) + valueBytes(value);
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  ddb.destroy();
  report.overOneKb.sort((a, b) => b.bytes - a.bytes);
  return report;
}
