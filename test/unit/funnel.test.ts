import { describe, expect, it } from 'vitest';
import { funnelQuery, funnelSteps, parseFunnelQuery, splitSteps } from '../../functions/domain/funnel.ts';
import { goalOf, type Goal } from '../../functions/domain/goals.ts';
import type { LakeRecord } from '../../functions/domain/lake.ts';
import type { DatedRecord } from '../support/duckdb-lake.ts';
import { filtersOf, lakeOfTests } from '../support/lake-fixture.ts';
import { kept, workload } from '../support/lake-tally.ts';

// GET /stats/funnel's query over DuckDB equals a tally of the visits in TypeScript: per visit
// (its id, or its user and day without one), the earliest event of each step later than the one
// that entered the step before.
const SITE = 'funnel';
const RANGE = { from: '2026-06-02', to: '2026-06-20' };
const lines = workload(SITE, 50, { users: 500, firstDay: '2026-06-01', days: 21 });
const inRange = lines.filter(({ date }) => date >= RANGE.from && date <= RANGE.to);
const lake = lakeOfTests(lines);

const meets = (record: LakeRecord, goal: Goal): boolean => {
  if (goal.kind === 'event') return record.event_type === goal.name;
  const pattern = new RegExp(`^${goal.pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`, 's');
  return record.event_type === 'page_view' && pattern.test(record.path);
};

function tally(records: readonly DatedRecord[], steps: readonly Goal[]): number[] {
  const visits = Map.groupBy(records, ({ date, record }) => record.visit?.id ?? `${record.user_id}/${date}`);
  const entered = steps.map(() => 0);
  for (const events of visits.values()) {
    let after = '';
    for (const [i, step] of steps.entries()) {
      const times = events.filter(({ record }) => meets(record, step) && record.timestamp > after).map(({ record }) => record.timestamp);
      if (times.length === 0) break;
      after = times.sort()[0]!;
      entered[i]!++;
    }
  }
  return entered;
}

const FUNNELS = [
  ['page:/', 'page:/pricing'],
  ['page:/pricing', 'event:signup', 'page:/blog/*'],
  ['page:/blog/*', 'page:/pricing', 'page:/docs*', 'event:click'],
  ['page:/docs;c', 'page:/docs;c', 'event:signup'],
  ['page:/', 'page:/pricing', 'page:/', 'page:/pricing', 'page:/', 'page:/pricing', 'page:/', 'event:purchase'],
];

describe.each(FUNNELS.map((steps) => [steps.join(' > '), steps] as const))('the funnel %s', (_name, texts) => {
  const steps = texts.map(goalOf);

  it.each(['', 'device!=tablet', 'source==google.com|bing.com;country!=XX'])('counts the visits a tally counts, with filters "%s"', async (filters) => {
    const rows = await lake().run(funnelQuery(SITE, RANGE, filtersOf(filters), steps));
    const expected = tally(kept(inRange, filtersOf(filters)), steps);
    const answer = funnelSteps(steps, rows);
    expect(answer.map((step) => step.visits)).toEqual(expected);
    expect(answer.map((step) => step.step)).toEqual(texts);
    expect(expected[0]).toBeGreaterThan(0);
    expect(answer[0]).toMatchObject({ conversion_rate: 1, dropoff: 0 });
    for (const [i, step] of answer.entries()) {
      expect(step.conversion_rate).toBe(Math.round((expected[i]! / expected[0]!) * 10_000) / 10_000);
      if (i > 0) expect(step.dropoff).toBe(expected[i - 1]! - expected[i]!);
    }
  });
});

describe('a funnel of visits that repeat, skip and reverse steps', () => {
  const at = (minute: number) => `2026-07-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
  const event = (visit: string | undefined, user: string, minute: number, type: string, path: string): DatedRecord => ({
    date: '2026-07-01',
    record: { event_id: `${visit}-${minute}`, site_id: 'funnel-cases', event_type: type, path, user_id: user, timestamp: at(minute), received_at: at(minute), device: 'desktop', browser: 'Chrome', os: 'Linux', country: 'DE', ...(visit ? { visit: { page: 1, gap_ms: 0, entry_page: '/', source: '(direct)', utm_medium: '(none)', utm_campaign: '(none)', id: visit } } : {}) },
  });
  const cases = [
    // In order: all three steps.
    event('a', 'u1', 1, 'page_view', '/'), event('a', 'u1', 2, 'page_view', '/pricing'), event('a', 'u1', 3, 'signup', '/pricing'),
    // Reversed: the signup before the pricing page counts for neither the second nor the third.
    event('b', 'u2', 1, 'page_view', '/'), event('b', 'u2', 2, 'signup', '/'), event('b', 'u2', 3, 'page_view', '/pricing'),
    // Skips the pricing page: the first step only.
    event('c', 'u3', 1, 'page_view', '/'), event('c', 'u3', 2, 'signup', '/'),
    // Repeats the first step, then goes on: all three.
    event('d', 'u4', 1, 'page_view', '/'), event('d', 'u4', 2, 'page_view', '/'), event('d', 'u4', 3, 'page_view', '/pricing'), event('d', 'u4', 4, 'page_view', '/'), event('d', 'u4', 5, 'signup', '/'),
    // Without a visit id: the user's events of the day are one visit.
    event(undefined, 'u5', 1, 'page_view', '/'), event(undefined, 'u5', 7, 'page_view', '/pricing'),
    // A second visit of u1 that starts on the pricing page: no first step.
    event('e', 'u1', 8, 'page_view', '/pricing'), event('e', 'u1', 9, 'signup', '/pricing'),
  ];
  const caseLake = lakeOfTests(cases);

  it('counts each visit by the earliest event of each step after the previous one', async () => {
    const steps = ['page:/', 'page:/pricing', 'event:signup'].map(goalOf);
    const rows = await caseLake().run(funnelQuery('funnel-cases', { from: '2026-07-01', to: '2026-07-01' }, [], steps));
    expect(funnelSteps(steps, rows)).toEqual([
      { step: 'page:/', visits: 5, conversion_rate: 1, dropoff: 0 },
      { step: 'page:/pricing', visits: 4, conversion_rate: 0.8, dropoff: 1 },
      { step: 'event:signup', visits: 2, conversion_rate: 0.4, dropoff: 2 },
    ]);
    expect(tally(cases, steps)).toEqual([5, 4, 2]);
  });
});

describe('the funnel query', () => {
  it('splits steps at commas not escaped', () => {
    expect(splitSteps('page:/a,event:x')).toEqual(['page:/a', 'event:x']);
    expect(splitSteps('page:/a\\,b,page:/c\\\\')).toEqual(['page:/a,b', 'page:/c\\']);
  });

  it('parses a range and 2 to 8 steps, naming what is wrong', () => {
    const ok = parseFunnelQuery({ site_id: 's', from: '2026-01-01', to: '2026-01-31', steps: 'page:/pricing,event:signup' });
    expect(ok).toEqual({ ok: true, value: { siteId: 's', range: { from: '2026-01-01', to: '2026-01-31' }, steps: [goalOf('page:/pricing'), goalOf('event:signup')] } });
    for (const [steps, message] of [
      [undefined, /is required/],
      ['page:/a', /2 to 8 steps/],
      [Array(9).fill('page:/a').join(','), /not 9/],
      ['page:/a,click', /step 2 "click" must be event:NAME or page:PATTERN/],
      ['page:/a,event:', /step 2 "event:" event goal must be/],
    ] as const) {
      const parsed = parseFunnelQuery({ site_id: 's', from: '2026-01-01', to: '2026-01-31', ...(steps === undefined ? {} : { steps }) });
      expect(parsed.ok, String(steps)).toBe(false);
      if (!parsed.ok) expect(parsed.issues).toEqual([{ field: 'steps', message: expect.stringMatching(message) }]);
    }
  });

  it('binds every step and filter value, in the WHERE clause', () => {
    const query = funnelQuery("x'y", RANGE, filtersOf('source==a'), [goalOf("page:/it's*"), goalOf('event:signup')]);
    expect(query.params).toEqual(["x'y", RANGE.from, RANGE.to, 'a', "/it's%", 'signup']);
    expect(query.sql).not.toContain("it's");
    expect(query.sql.split('?').length - 1).toBe(query.params.length);
  });
});
