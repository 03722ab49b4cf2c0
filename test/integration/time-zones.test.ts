import { beforeAll, describe, expect, it } from 'vitest';
import { toQueueMessage } from '../../functions/domain/queue-codec.ts';
import { saveSite } from '../../functions/store/sites/registrations.ts';
import { ADMIN_AUTH, stackResources, type StackResources } from '../support/aws.ts';
import { lambdaContext, restEvent, sqsEvent, sqsRecord } from '../support/events.ts';
import { trackedEvent } from '../support/factories.ts';
import { loadProcessor, loadStats, type HttpHandler, type SqsHandler } from '../support/handlers.ts';

let aws: StackResources;
let processor: SqsHandler;
let stats: HttpHandler;
const run = Date.now().toString(36);
const berlin = `tz-berlin-${run}`;
const unregistered = `tz-utc-${run}`;

beforeAll(async () => {
  aws = await stackResources();
  processor = await loadProcessor(aws);
  stats = await loadStats(aws);

  // One batch, as the event source delivers it, of both sites' events.
  await saveSite(aws.doc, aws.tables.sites, berlin, { timeZone: 'Europe/Berlin' });
  const events = [
    trackedEvent({ site_id: berlin, timestamp: '2026-01-14T23:30:00.000Z' }), // 00:30 on Jan 15 in Berlin (+01:00)
    trackedEvent({ site_id: unregistered, timestamp: '2026-01-14T23:30:00.000Z' }),
    trackedEvent({ site_id: berlin, timestamp: '2026-03-29T00:30:00.000Z' }), // 01:30+01:00, before the clocks go forward
    trackedEvent({ site_id: berlin, timestamp: '2026-03-29T21:59:00.000Z' }), // 23:59+02:00, the short day's last minute
    trackedEvent({ site_id: berlin, timestamp: '2026-03-29T22:00:00.000Z' }), // 00:00+02:00 on Mar 30
  ];
  const result = await processor(
    sqsEvent(events.map((event) => sqsRecord(toQueueMessage(event), { messageId: event.event_id }))),
    lambdaContext('processor'),
  );
  expect(result).toEqual({ batchItemFailures: [] });
});

const get = async (path: '/stats' | '/stats/timeseries', query: Record<string, string>) => {
  const response = await stats(restEvent({ method: 'GET', path, query, headers: ADMIN_AUTH }), lambdaContext());
  return { status: response.statusCode, json: JSON.parse(response.body) };
};

describe('days in a site\'s time zone (processor and stats handlers with the stack environment)', () => {
  it('counts an event at 23:30 UTC on a winter day on the next date in Berlin, and says so', async () => {
    const [before, after] = [await get('/stats', { site_id: berlin, date: '2026-01-14' }), await get('/stats', { site_id: berlin, date: '2026-01-15' })];
    expect(before.json).toMatchObject({ timezone: 'Europe/Berlin', date: '2026-01-14', total_events: 0 });
    expect(after.json).toMatchObject({ timezone: 'Europe/Berlin', date: '2026-01-15', total_events: 1, unique_users: 1 });
  });

  it('keeps an unregistered site\'s days UTC', async () => {
    const day = await get('/stats', { site_id: unregistered, date: '2026-01-14' });
    expect([day.status, day.json.timezone, day.json.total_events]).toEqual([200, 'UTC', 1]);
    expect((await get('/stats', { site_id: unregistered, date: '2026-01-15' })).json.total_events).toBe(0);
  });

  it('gives the days around the change to summer time by local date, with the zone', async () => {
    const { status, json } = await get('/stats/timeseries', { site_id: berlin, from: '2026-03-28', to: '2026-03-30' });
    expect(status).toBe(200);
    expect(json.timezone).toBe('Europe/Berlin');
    expect(json.points.map((point: { date: string; events: number }) => [point.date, point.events])).toEqual([
      ['2026-03-28', 0],
      ['2026-03-29', 2],
      ['2026-03-30', 1],
    ]);
    const range = await get('/stats', { site_id: berlin, from: '2026-01-01', to: '2026-03-31' });
    expect(range.json).toMatchObject({ timezone: 'Europe/Berlin', total_events: 4 });
  });

  it('gives the short day by the hour: 23 hours, each event in the local hour it happened in', async () => {
    const { status, json } = await get('/stats/timeseries', { site_id: berlin, interval: 'hour', date: '2026-03-29' });
    expect(status).toBe(200);
    expect(json).toMatchObject({ site_id: berlin, timezone: 'Europe/Berlin', date: '2026-03-29' });
    expect(json.points).toHaveLength(23);
    const counted = json.points.filter((point: { events: number }) => point.events > 0);
    expect(counted).toEqual([
      { hour: '2026-03-29T01:00:00+01:00', views: 1, visits: 0, events: 1 },
      { hour: '2026-03-29T23:00:00+02:00', views: 1, visits: 0, events: 1 },
    ]);
    expect(json.points[2].hour).toBe('2026-03-29T03:00:00+02:00');
  });
});
