import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SITES_WITH_DATA, siteWithDataKey } from '../../domain/table-schema.ts';
import type { SitesPage, SitesQuery, SiteRecord } from '../../domain/site-list.ts';
import { batchGetAll } from '../dynamodb/batch-get.ts';
import { queryPartition } from '../dynamodb/query-partition.ts';

// The sites with data, in the aggregates table: `SITES` / `<site_id>`, one item per site ever.

/**
 * Set on a site's record when its month sketches hold every event of their months: the site was
 * recorded by a processor that merges users into month sketches before counting any of its
 * events, or `npm run backfill-months` built its months from its days. Ranges read a whole
 * month's users from its month sketch only then (see month-sketches.ts).
 */
const MONTH_SKETCHES_ATTR = 'month_sketches';
/**
 * The first and last local days the site's events were counted on, kept by the processor before
 * it counts them (GET /sites reads them instead of the site's days). Records made before these
 * were kept lack them until `npm run record-sites` fills them in.
 */
const FIRST_DAY_ATTR = 'first_day';
const LAST_DAY_ATTR = 'last_day';

/** The first and last days of some events. */
export interface DaySpan {
  first: string;
  last: string;
}

/** A conditional write whose condition failed is `false`; any other failure throws. */
async function conditional(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Records a site as having data unless it already is (a conditional put: the first record
 * stays, with the time it was made). `monthSketches`: the recording processor merges users into
 * month sketches, so every month of the site has them. `days`: the days of the events about to
 * count, its first ones. True if this call recorded it.
 */
export async function recordSiteWithData(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  { monthSketches = false, now = new Date(), days }: { monthSketches?: boolean; now?: Date; days?: DaySpan } = {},
): Promise<boolean> {
  const item = {
    ...siteWithDataKey(siteId),
    site_id: siteId,
    recorded_at: now.toISOString(),
    ...(monthSketches ? { [MONTH_SKETCHES_ATTR]: true } : {}),
    ...(days ? { [FIRST_DAY_ATTR]: days.first, [LAST_DAY_ATTR]: days.last } : {}),
  };
  return conditional(doc.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })));
}

function siteRecord(item: Record<string, unknown>): SiteRecord {
  const [first, last] = [item[FIRST_DAY_ATTR], item[LAST_DAY_ATTR]];
  return { site_id: String(item.sk), ...(typeof first === 'string' ? { first_day: first } : {}), ...(typeof last === 'string' ? { last_day: last } : {}) };
}

/** The records of these sites that exist, by site id (BatchGetItem). */
export async function readSiteRecords(doc: DynamoDBDocumentClient, table: string, siteIds: readonly string[]): Promise<Map<string, SiteRecord>> {
  const items = await batchGetAll(doc, table, [...new Set(siteIds)].map(siteWithDataKey));
  return new Map(items.map((item) => [String(item.sk), siteRecord(item)]));
}

/**
 * Raises a recorded site's last day to `day` unless it is that late already (set when absent).
 * One conditional update; true if it wrote. Either way the record's last day is `day` or later after it.
 */
export async function raiseLastDay(doc: DynamoDBDocumentClient, table: string, siteId: string, day: string): Promise<boolean> {
  return conditional(
    doc.send(
      new UpdateCommand({
        TableName: table,
        Key: siteWithDataKey(siteId),
        UpdateExpression: 'SET #last = :day',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#last) OR #last < :day)',
        ExpressionAttributeNames: { '#last': LAST_DAY_ATTR },
        ExpressionAttributeValues: { ':day': day },
      }),
    ),
  );
}

/**
 * Lowers a recorded site's first day to `day` if it is later. A record without a first day keeps
 * none (the days counted before it are not known here), unless `orSet`: for `npm run
 * record-sites`, which read them all. One conditional update; true if it wrote.
 */
export async function lowerFirstDay(doc: DynamoDBDocumentClient, table: string, siteId: string, day: string, { orSet = false } = {}): Promise<boolean> {
  const lower = '#first > :day';
  return conditional(
    doc.send(
      new UpdateCommand({
        TableName: table,
        Key: siteWithDataKey(siteId),
        UpdateExpression: 'SET #first = :day',
        ConditionExpression: `attribute_exists(pk) AND ${orSet ? `(attribute_not_exists(#first) OR ${lower})` : lower}`,
        ExpressionAttributeNames: { '#first': FIRST_DAY_ATTR },
        ExpressionAttributeValues: { ':day': day },
      }),
    ),
  );
}

/** Whether a site's month sketches hold every event of their months (false for a site not recorded). */
export async function hasMonthSketches(doc: DynamoDBDocumentClient, table: string, siteId: string): Promise<boolean> {
  const { Item } = await doc.send(new GetCommand({ TableName: table, Key: siteWithDataKey(siteId) }));
  return Item?.[MONTH_SKETCHES_ATTR] === true;
}

/** Marks a recorded site's month sketches complete (after its months were built from its days). */
export async function markMonthSketches(doc: DynamoDBDocumentClient, table: string, siteId: string): Promise<void> {
  await doc.send(
    new UpdateCommand({
      TableName: table,
      Key: siteWithDataKey(siteId),
      UpdateExpression: 'SET #flag = :true',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#flag': MONTH_SKETCHES_ATTR },
      ExpressionAttributeValues: { ':true': true },
    }),
  );
}

/**
 * One page of the sites with data, in id order, after `query.after`: a Query of the `SITES`
 * partition for `limit + 1` records (the one past the page says whether more follow), with
 * their first and last days.
 */
export async function readSitesPage(doc: DynamoDBDocumentClient, table: string, query: SitesQuery): Promise<SitesPage> {
  const records: SiteRecord[] = [];
  let startKey: Record<string, unknown> | undefined = query.after === undefined ? undefined : { ...siteWithDataKey(query.after) };
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': SITES_WITH_DATA },
        ExpressionAttributeNames: { '#first': FIRST_DAY_ATTR, '#last': LAST_DAY_ATTR },
        ProjectionExpression: 'sk, #first, #last',
        ExclusiveStartKey: startKey,
        Limit: query.limit + 1 - records.length,
      }),
    );
    records.push(...(page.Items ?? []).map(siteRecord));
    startKey = page.LastEvaluatedKey;
  } while (startKey && records.length <= query.limit);
  return { records: records.slice(0, query.limit), more: records.length > query.limit };
}

/** Every site recorded as having data, in id order (a Query of one partition, page by page; for operators' commands). */
export async function listSitesWithData(doc: DynamoDBDocumentClient, table: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const item of queryPartition(doc, table, SITES_WITH_DATA)) ids.push(String(item.sk));
  return ids;
}
