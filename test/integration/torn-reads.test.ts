import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pathAttr, pathBucketKey, totalsKey, VIEWS_ATTR, EVENTS_ATTR } from '../../functions/domain/keys.ts';
import { readAggregates, readScopeAggregates } from '../../functions/store/site-aggregates.ts';
import { AGREEMENT_ATTEMPTS } from '../../functions/store/agreeing-read.ts';
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

/** A client that counts path queries and, after the first, completes the commit (the bucket reaches 5). */
function completingAfterFirstPathRead(site: string, scope: string): { doc: DynamoDBDocumentClient; pathQueries: () => number } {
  let queries = 0;
  const doc = new Proxy(aws.doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return async (command: unknown) => {
        const out = await target.send(command as never);
        if (command instanceof QueryCommand && String(command.input.ExpressionAttributeValues?.[':pk']).startsWith('P#')) {
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
    await tornState(site, 'ALL');
    const { doc, pathQueries } = completingAfterFirstPathRead(site, 'ALL');

    const result = await readScopeAggregates(doc, aws.tables.aggregates, site, 'ALL');

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
    const first = await readAggregates(counting, aws.tables.aggregates, site, ['2025-10-01', '2025-10-02']);
    const queriesFirst = queries;
    const second = await readAggregates(counting, aws.tables.aggregates, site, ['2025-10-01', '2025-10-02']);

    // Assess: day 1 agreed on its second read and was cached; day 2 was tried AGREEMENT_ATTEMPTS
    // times each call and never cached.
    expect(first.views).toBe(10);
    expect(first.pathViews.get('/a')).toBe(5 + 3);
    expect(queriesFirst).toBe(2 + AGREEMENT_ATTEMPTS);
    expect(queries - queriesFirst).toBe(AGREEMENT_ATTEMPTS);
    expect(second.pathViews.get('/a')).toBe(8);
  });
});
