import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DIMENSIONS } from '../../functions/domain/audience.ts';
import type { TrackedEvent } from '../../functions/domain/event.ts';
import type { LakeEngine } from '../../functions/domain/lake-query.ts';
import { lakeWriter } from '../../functions/store/lake/lake-objects.ts';
import { duckDbLake, type DuckDbLake } from '../support/duckdb-lake.ts';
import type { HttpHandler } from '../support/handlers.ts';
import { lakeLines } from '../support/lake.ts';
import { kept, tally, workload } from '../support/lake-tally.ts';
import { countingStack, processAll, type CountingStack } from '../support/processing.ts';
import { adminGets } from '../support/stats-requests.ts';
import { parseFilters } from '../../functions/domain/filters.ts';

// The stats handler answers from the lake through the engine lake-engine.ts gives it: here a
// DuckDB engine over the lake objects the processor wrote for the same events it counted.
const lakeHolder = vi.hoisted(() => ({ engine: undefined as LakeEngine | undefined }));
vi.mock('../../functions/stats/lake-engine.ts', () => ({
  lakeEngine: () => {
    if (!lakeHolder.engine) throw new Error('no lake engine yet');
    return lakeHolder.engine;
  },
}));

const run = Date.now().toString(36);
const site = `lake-counters-${run}`;
const DAY_MS = 86_400_000;
const firstDay = new Date(Date.now() - 6 * DAY_MS).toISOString().slice(0, 10);
const range = { from: firstDay, to: new Date(Date.now() - 2 * DAY_MS).toISOString().slice(0, 10) };

let stack: CountingStack;
let lake: DuckDbLake;
let stats: HttpHandler;
const { getRest } = adminGets(() => stats);

beforeAll(async () => {
  stack = await countingStack((aws) => ({ lake: lakeWriter(aws.s3, aws.lakeBucket) }));
  stats = stack.stats;
  const events: TrackedEvent[] = workload(site, 5, { users: 120, firstDay, days: 4 })
    .filter(({ date }) => date <= range.to)
    .map(({ record }) => ({ ...record, day: record.timestamp.slice(0, 10) }) as TrackedEvent);
  let batch = 0;
  await processAll(stack.aws.doc, stack.settings, events, () => `lake-${run}-${batch++}`);
  lake = await duckDbLake(await lakeLines(stack.aws.s3, stack.aws.lakeBucket, [site]));
  lakeHolder.engine = lake;
});
afterAll(() => lake?.close());

const withoutAnswerer = ({ answered_by, ...body }: Record<string, unknown>) => ({ body, answeredBy: answered_by });

describe('the lake and the counters over the same events', () => {
  it('give the same figures and top paths: the counters without filters, the lake with a filter every event passes', async () => {
    const [counters, fromLake] = await Promise.all([
      getRest('/stats', { site_id: site, ...range, limit: '100' }),
      getRest('/stats', { site_id: site, ...range, limit: '100', filters: 'event_type!=none' }),
    ]);
    const a = withoutAnswerer(counters.json);
    const b = withoutAnswerer(fromLake.json);
    expect([counters.statusCode, a.answeredBy, fromLake.statusCode, b.answeredBy]).toEqual([200, 'counters', 200, 'lake']);
    expect(b.body).toEqual(a.body);
    expect(b.body.total_events).toBeGreaterThan(100);
  });

  it('give the same breakdowns by every dimension', async () => {
    for (const dimension of DIMENSIONS) {
      const query = { site_id: site, ...range, dimension, limit: '100' };
      const [counters, fromLake] = await Promise.all([getRest('/stats/breakdown', query), getRest('/stats/breakdown', { ...query, filters: 'event_type!=none' })]);
      expect(withoutAnswerer(fromLake.json)).toEqual({ ...withoutAnswerer(counters.json), answeredBy: 'lake' });
    }
  });

  it('give the same time series by the day and by the hour', async () => {
    const day = { site_id: site, ...range };
    const hour = { site_id: site, interval: 'hour', date: range.to };
    for (const query of [day, hour]) {
      const [counters, fromLake] = await Promise.all([getRest('/stats/timeseries', query), getRest('/stats/timeseries', { ...query, filters: 'event_type!=none' })]);
      expect(withoutAnswerer(fromLake.json)).toEqual({ ...withoutAnswerer(counters.json), answeredBy: 'lake' });
    }
  });
});

describe('GET /stats with filters', () => {
  it('answers the figures of the kept events from the lake', async () => {
    const filters = 'source==google.com|bing.com;device!=mobile';
    const { statusCode, json } = await getRest('/stats', { site_id: site, ...range, filters });
    const parsed = parseFilters(filters);
    const lines = await lakeLines(stack.aws.s3, stack.aws.lakeBucket, [site]);
    const sum = tally(kept(lines, parsed.ok ? parsed.value : []));
    expect(statusCode).toBe(200);
    expect(json).toMatchObject({ answered_by: 'lake', total_views: sum.views, total_events: sum.events, unique_users: sum.users, visits: sum.visits });
  });

  it('answers 400 invalid_query naming a bad filter', async () => {
    const { statusCode, json } = await getRest('/stats', { site_id: site, ...range, filters: 'planet==mars' });
    expect(statusCode).toBe(400);
    expect(json.error).toMatchObject({ code: 'invalid_query', details: [{ field: 'filters', message: expect.stringContaining('planet==mars') }] });
  });
});
