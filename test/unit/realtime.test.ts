import { describe, expect, it } from 'vitest';
import { parseRealtimeQuery, realtimeQuery, shapeRealtime, CURRENT_MS, RECENT_MS } from '../../functions/domain/realtime.ts';
import { localDate } from '../../functions/domain/time-zones.ts';
import type { DatedRecord } from '../support/duckdb-lake.ts';
import { lakeOfTests } from '../support/lake-fixture.ts';
import { workload } from '../support/lake-tally.ts';

// GET /stats/realtime's query over DuckDB: the users of the last 5 minutes and the last 30
// minutes' page views by page and source equal a tally of the lines, across midnight.
const SITE = 'realtime';
const NOW = Date.parse('2026-03-30T00:10:00.000Z');
const ZONES = ['UTC', 'Europe/Berlin'];
const siteOf = (zone: string) => `${SITE}-${zone.replace('/', '.')}`;

/** The workload's events spread over the hour before NOW (and a few after it, sent from a clock ahead), each on its local date. */
function lines(zone: string): DatedRecord[] {
  const records = workload(SITE, 40, { users: 60, firstDay: '2026-03-29', days: 1 }).map(({ record }) => record);
  return records.map((record, i) => {
    const timestamp = new Date(NOW - 3_600_000 + Math.floor((i * 3_660_000) / records.length)).toISOString();
    return { date: localDate(timestamp, zone), record: { ...record, site_id: siteOf(zone), timestamp } };
  });
}

function tally(all: readonly DatedRecord[], limit: number) {
  const since = (ms: number) => all.filter(({ record }) => Date.parse(record.timestamp) >= NOW - ms);
  const rows = (key: (record: DatedRecord['record']) => string | undefined) => {
    const counts = new Map<string, number>();
    for (const { record } of since(RECENT_MS)) {
      const value = key(record);
      if (record.event_type === 'page_view' && value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    return [...counts].map(([value, views]) => ({ value, views })).sort((a, b) => b.views - a.views || (a.value < b.value ? -1 : 1)).slice(0, limit);
  };
  return {
    current_visitors: new Set(since(CURRENT_MS).map(({ record }) => record.user_id)).size,
    pages: rows((record) => record.path),
    sources: rows((record) => record.visit?.source),
  };
}

describe.each(ZONES)('the realtime query in %s', (zone) => {
  const all = lines(zone);
  const lake = lakeOfTests(all);

  it('gives the current visitors and the last 30 minutes\' top pages and sources', async () => {
    // In UTC the 30 minutes span two dates (two partitions); in Berlin, one.
    const dates = new Set(all.filter(({ record }) => Date.parse(record.timestamp) >= NOW - RECENT_MS).map(({ date }) => date));
    expect(dates.size).toBe(zone === 'UTC' ? 2 : 1);
    for (const limit of [3, 100]) {
      const query = { siteId: siteOf(zone), limit };
      const rows = await lake().run(realtimeQuery(query.siteId, NOW, zone, limit));
      const answer = shapeRealtime(query, rows, NOW, zone, 30);
      const expected = tally(all, limit);
      expect(expected.current_visitors).toBeGreaterThan(0);
      expect(answer).toEqual({ site_id: query.siteId, timezone: zone, at: new Date(NOW).toISOString(), lag_s: 30, ...expected });
    }
  });
});

describe('the realtime query', () => {
  it('names the site, its dates and the start of the 30 minutes as parameters', () => {
    const query = realtimeQuery("x'; DROP TABLE events; --", NOW, 'UTC', 10);
    expect(query.params).toEqual(["x'; DROP TABLE events; --", '2026-03-29', '2026-03-30', '2026-03-29T23:40:00.000Z']);
    expect(query.sql).not.toContain('DROP');
    expect(query.sql.split('?').length - 1).toBe(query.params.length);
  });

  it('parses site_id and limit, naming what is wrong', () => {
    expect(parseRealtimeQuery({ site_id: 'a', limit: '5' })).toEqual({ ok: true, value: { siteId: 'a', limit: 5 } });
    const bad = parseRealtimeQuery({ limit: '500' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues.map((issue) => issue.field).sort()).toEqual(['limit', 'site_id']);
  });
});
