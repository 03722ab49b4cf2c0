import { describe, expect, it } from 'vitest';
import { lakeRecord, parseLakeKey, unitFiles, unitPrefix } from '../../functions/domain/lake.ts';
import { daysAround } from '../../functions/domain/time-zones.ts';
import { trackedEvent } from '../support/factories.ts';

describe('lake objects', () => {
  it('puts a unit’s events in one object per day, named for the unit and the number of events', () => {
    const events = [
      trackedEvent({ site_id: 'app.acme.example', event_id: 'a', day: '2026-11-30' }),
      trackedEvent({ site_id: 'app.acme.example', event_id: 'b', day: '2026-12-01' }),
      trackedEvent({ site_id: 'app.acme.example', event_id: 'c', day: '2026-11-30' }),
    ];
    const files = unitFiles('app.acme.example', 'batch-1:app.acme.example:0', events);
    expect(files.map((f) => f.key)).toEqual([
      'events/site_id=app.acme.example/date=2026-11-30/batch-1_app.acme.example_0.e2.ndjson.gz',
      'events/site_id=app.acme.example/date=2026-12-01/batch-1_app.acme.example_0.e1.ndjson.gz',
    ]);
    expect(files[0]!.body.split('\n').filter(Boolean).map((line) => JSON.parse(line).event_id)).toEqual(['a', 'c']);
    expect(files.every((f) => f.key.startsWith(unitPrefix('app.acme.example', f.day, 'batch-1:app.acme.example:0')))).toBe(true);
  });

  it('reads the day and count back from a key, and refuses keys that are not lake objects', () => {
    expect(parseLakeKey('events/site_id=s:1/date=2026-12-01/u.e42.ndjson.gz')).toEqual({ siteId: 's:1', date: '2026-12-01', events: 42 });
    expect(parseLakeKey('athena-results/x.csv')).toBeUndefined();
    expect(parseLakeKey('events/site_id=s/date=2026-12-01/u.ndjson.gz')).toBeUndefined();
  });

  it('writes the fields as accepted with the id, the receipt and the audience; never the counting day or hour', () => {
    const record = lakeRecord(trackedEvent({ event_id: 'e1', hour: 5 }));
    expect(Object.keys(record).sort()).toEqual(
      ['browser', 'country', 'device', 'event_id', 'event_type', 'os', 'path', 'received_at', 'site_id', 'timestamp', 'user_id'].sort(),
    );
  });

  it('writes the visit with its id and the custom properties when the event has them, one line each', () => {
    const visit = { page: 1, gap_ms: 0, entry_page: '/', source: '(direct)', utm_medium: '(none)', utm_campaign: '(none)', id: 'v-1_a' };
    const props = { plan: 'pro', 'source button': 'héro ✓' };
    const event = trackedEvent({ event_id: 'e1', visit, props });
    expect(lakeRecord(event)).toMatchObject({ visit, props });
    const [file] = unitFiles('site', 'unit', [event, trackedEvent({ event_id: 'e2' })]);
    const lines = file!.body.split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.visit?.id, line.props])).toEqual([['v-1_a', props], [undefined, undefined]]);
  });

  it('clears the day before and after an event’s UTC day, where other zones place it', () => {
    expect(daysAround('2026-03-01')).toEqual(['2026-02-28', '2026-03-01', '2026-03-02']);
  });
});
