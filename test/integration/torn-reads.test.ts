import { beforeAll, describe, expect, it } from 'vitest';
import { BatchGetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pathAttr, pathBucketKey, totalsKey, VIEWS_ATTR, EVENTS_ATTR } from '../../functions/domain/table-schema.ts';
import { readSiteStats, readScopeStats } from '../../functions/store/read/site-stats.ts';
import { AGREEMENT_ATTEMPTS } from '../../functions/store/read/agreeing-read.ts';
import { stackResources, type StackResources } from '../support/aws.ts';

// A commit writes a scope's totals and its path buckets in one transaction; a read that falls
// between the two (DynamoDB Local applies transaction items one at a time) sees the new totals
// and the old paths. These tests write such a torn state directly, then let the "rest of the
// commit" land after the first read of the paths.
let aws: StackResources;
const run = Date.now().toString(36);
beforeAll(async () => {
  aws = await stackResources();
});

/** The first commit's half: totals say 5 views, the only bucket says 3. */
async function tornState(site: string, scope: string): Promise<void> {
  const table = aws.tables.aggregates;
  await aws.doc.send(new PutCommand({ TableName: table, Item: { ...totalsKey(site, scope), [VIEWS_ATTR]: 5, [EVENTS_ATTR]: 5 } }));
  await aws.doc.send(new PutCommand({ TableName: table, Item: { ...pathBucketKey(site, scope, 0), [pathAttr('/a')]: 3 } }));
}

const readsPaths = (command: unknown): boolean =>
  (command instanceof QueryCommand && String(command.input.ExpressionAttributeValues?.[':pk']).startsWith('P#')) ||
  (command instanceof BatchGetCommand &&
    Object.values(command.input.RequestItems ?? {}).some((request) => request.Keys?.some((key) => String(key.pk).startsWith('P#'))));

/**
 * A client that counts path reads (queries of a path partition, or batched reads of path
 * buckets) and, after the first, completes the commit (the bucket reaches 5).
 */
function completingAfterFirstPathRead(site: string, scope: string): { doc: DynamoDBDocumentClient; pathQueries: () => number } {
  let queries = 0;
  const doc = new Proxy(aws.doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return async (command: unknown) => {
        const out = await target.send(command as never);
        if (readsPaths(command)) {
          if (++queries === 1) {
            await target.send(new PutCommand({ TableName: aws.tables.aggregates, Item: { ...pathBucketKey(site, scope, 0), [pathAttr('/a')]: 5 } }));
          }
        }
        return out;
      };
    },
  });
  return { doc, pathQueries: () => queries };
}

describe('reads that fall in the middle of a commit', () => {
  it('GET /stats of one scope reads again until the paths agree with the view counter', async () => {
    const site = `torn-one-${run}`;
    await tornState(site, '2025-09-30');
    const { doc, pathQueries } = completingAfterFirstPathRead(site, '2025-09-30');

    const result = await readScopeStats(doc, aws.tables.aggregates, site, '2025-09-30', 4);

    expect(result.views).toBe(5);
    expect(Object.fromEntries(result.pathViews)).toEqual({ '/a': 5 });
    expect(pathQueries()).toBe(2);
  });

  it('a range reads a torn day again, and never caches paths that disagree', async () => {
    // Prepare: two days; the second stays torn (its commit never completes).
    const site = `torn-range-${run}`;
    await tornState(site, '2025-10-01');
    await tornState(site, '2025-10-02');
    const { doc } = completingAfterFirstPathRead(site, '2025-10-01');
    let queries = 0;
    const counting = new Proxy(doc, {
      get: (target, prop, receiver) =>
        prop === 'send'
          ? (command: unknown) => {
              if (command instanceof QueryCommand && String(command.input.ExpressionAttributeValues?.[':pk']).startsWith('P#')) queries++;
              return target.send(command as never);
            }
          : Reflect.get(target, prop, receiver),
    });

    // Act
    const first = await readSiteStats(counting, aws.tables.aggregates, site, ['2025-10-01', '2025-10-02'], { pathBuckets: 4, monthsComplete: async () => false });
    const queriesFirst = queries;
    const second = await readSiteStats(counting, aws.tables.aggregates, site, ['2025-10-01', '2025-10-02'], { pathBuckets: 4, monthsComplete: async () => false });

    // Assess: both days were torn in the batched read of the range; day 1 agreed when its
    // partition was queried and was cached; day 2 was queried AGREEMENT_ATTEMPTS times each call
    // and never cached.
    expect(first.views).toBe(10);
    expect(first.pathViews.get('/a')).toBe(5 + 3);
    expect(queriesFirst).toBe(1 + AGREEMENT_ATTEMPTS);
    expect(queries - queriesFirst).toBe(AGREEMENT_ATTEMPTS);
    expect(second.pathViews.get('/a')).toBe(8);
  });

  it('a range finds path buckets beyond the count it reads by key (written under a larger PATH_BUCKETS)', async () => {
    // Prepare: two days whose paths sit in bucket 07 alone, as a bucket count of 8 left them.
    const site = `wide-buckets-${run}`;
    const table = aws.tables.aggregates;
    for (const day of ['2025-10-01', '2025-10-02']) {
      await aws.doc.send(new PutCommand({ TableName: table, Item: { ...totalsKey(site, day), [VIEWS_ATTR]: 4, [EVENTS_ATTR]: 4 } }));
      await aws.doc.send(new PutCommand({ TableName: table, Item: { ...pathBucketKey(site, day, 7), [pathAttr('/far')]: 4 } }));
    }

    // Act: read with 4 buckets a day, buckets 00-03.
    const result = await readSiteStats(aws.doc, table, site, ['2025-10-01', '2025-10-02'], { pathBuckets: 4, monthsComplete: async () => false });

    // Assess: the days disagreed with their view counters, so their partitions were queried whole.
    expect(result.views).toBe(8);
    expect(Object.fromEntries(result.pathViews)).toEqual({ '/far': 8 });
  });
});
