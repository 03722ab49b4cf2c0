import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, hoursOfLocalDay, isTimeZone, localDate, localIsoTime, offsetMinutes } from '../../functions/domain/time-zones.ts';

describe('localDate', () => {
  it.each([
    // Europe/Berlin: +01:00 in winter, +02:00 from 2026-03-29T01:00Z to 2026-10-25T01:00Z.
    ['2026-01-14T22:59:59Z', 'Europe/Berlin', '2026-01-14'],
    ['2026-01-14T23:30:00Z', 'Europe/Berlin', '2026-01-15'],
    ['2026-03-28T23:00:00Z', 'Europe/Berlin', '2026-03-29'],
    ['2026-03-29T21:59:59Z', 'Europe/Berlin', '2026-03-29'],
    ['2026-03-29T22:00:00Z', 'Europe/Berlin', '2026-03-30'],
    ['2026-10-24T21:59:59Z', 'Europe/Berlin', '2026-10-24'],
    ['2026-10-24T22:00:00Z', 'Europe/Berlin', '2026-10-25'],
    ['2026-10-25T22:59:59Z', 'Europe/Berlin', '2026-10-25'],
    ['2026-10-25T23:00:00Z', 'Europe/Berlin', '2026-10-26'],
    // America/New_York: -05:00, -04:00 from 2026-03-08T07:00Z to 2026-11-01T06:00Z.
    ['2026-03-08T04:59:59Z', 'America/New_York', '2026-03-07'],
    ['2026-03-08T05:00:00Z', 'America/New_York', '2026-03-08'],
    ['2026-03-09T03:59:59Z', 'America/New_York', '2026-03-08'],
    ['2026-03-09T04:00:00Z', 'America/New_York', '2026-03-09'],
    ['2026-11-01T03:59:59Z', 'America/New_York', '2026-10-31'],
    ['2026-11-01T04:00:00Z', 'America/New_York', '2026-11-01'],
    ['2026-11-02T04:59:59Z', 'America/New_York', '2026-11-01'],
    ['2026-11-02T05:00:00Z', 'America/New_York', '2026-11-02'],
    // Asia/Kathmandu: +05:45 all year.
    ['2026-01-01T18:14:59Z', 'Asia/Kathmandu', '2026-01-01'],
    ['2026-01-01T18:15:00Z', 'Asia/Kathmandu', '2026-01-02'],
    // Pacific/Kiritimati: +14:00, a day ahead of UTC for most of it.
    ['2026-01-01T09:59:59Z', 'Pacific/Kiritimati', '2026-01-01'],
    ['2026-01-01T10:00:00Z', 'Pacific/Kiritimati', '2026-01-02'],
    ['2026-01-01T23:59:59.999Z', 'UTC', '2026-01-01'],
    ['2026-01-02T00:00:00Z', 'UTC', '2026-01-02'],
  ])('counts %s on its date in %s: %s', (timestamp, zone, expected) => {
    expect(localDate(timestamp, zone)).toBe(expected);
    expect(localDate(new Date(timestamp), zone)).toBe(expected);
  });

  it('agrees with the UTC day for an offset timestamp', () => {
    expect(localDate('2025-11-12T23:30:00-05:00', 'UTC')).toBe('2025-11-13');
    expect(localDate('2025-11-12T23:30:00-05:00', 'America/New_York')).toBe('2025-11-12');
  });
});

describe('offsetMinutes and localIsoTime', () => {
  it.each([
    ['2026-01-15T12:00:00Z', 'Europe/Berlin', 60, '2026-01-15T13:00:00+01:00'],
    ['2026-07-15T12:00:00Z', 'Europe/Berlin', 120, '2026-07-15T14:00:00+02:00'],
    ['2026-07-15T12:00:00Z', 'America/New_York', -240, '2026-07-15T08:00:00-04:00'],
    ['2026-07-15T12:00:00Z', 'Asia/Kathmandu', 345, '2026-07-15T17:45:00+05:45'],
    ['2026-07-15T12:00:00Z', 'Pacific/Kiritimati', 840, '2026-07-16T02:00:00+14:00'],
    ['2026-07-15T12:00:00Z', 'UTC', 0, '2026-07-15T12:00:00+00:00'],
  ])('%s in %s: offset %i, %s', (timestamp, zone, offset, iso) => {
    expect(offsetMinutes(timestamp, zone)).toBe(offset);
    expect(localIsoTime(timestamp, zone)).toBe(iso);
  });
});

describe('canonicalTimeZone and isTimeZone', () => {
  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    ['America/New_York', 'America/New_York'],
    ['Asia/Kathmandu', 'Asia/Kathmandu'],
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    ['Etc/GMT+5', 'Etc/GMT+5'],
  ])('knows %s as %s', (name, canonical) => {
    expect(canonicalTimeZone(name)).toBe(canonical);
    expect(isTimeZone(name)).toBe(true);
  });

  it.each(['Mars/Olympus_Mons', 'Europe/Berlinn', '+01:00', '-0500', '', 'Europe/Berlin ', 'Europe Berlin'])('refuses %j', (name) => {
    expect(canonicalTimeZone(name)).toBeUndefined();
    expect(isTimeZone(name)).toBe(false);
  });
});

describe('hoursOfLocalDay', () => {
  const labels = (date: string, zone: string) => hoursOfLocalDay(date, zone).map((h) => h.hour);

  it('has 24 hours on an ordinary day', () => {
    const hours = hoursOfLocalDay('2026-01-15', 'Europe/Berlin');
    expect(hours).toHaveLength(24);
    expect(hours[0]).toEqual({ start: Date.parse('2026-01-14T23:00:00Z'), hour: '2026-01-15T00:00:00+01:00' });
    expect(hours[23]!.hour).toBe('2026-01-15T23:00:00+01:00');
  });

  it('has 23 hours when Berlin moves its clocks forward, skipping 02:00', () => {
    const hours = labels('2026-03-29', 'Europe/Berlin');
    expect(hours).toHaveLength(23);
    expect(hours.slice(0, 3)).toEqual(['2026-03-29T00:00:00+01:00', '2026-03-29T01:00:00+01:00', '2026-03-29T03:00:00+02:00']);
    expect(hours.at(-1)).toBe('2026-03-29T23:00:00+02:00');
  });

  it('has 25 hours when Berlin moves its clocks back, 02:00 twice', () => {
    const hours = labels('2026-10-25', 'Europe/Berlin');
    expect(hours).toHaveLength(25);
    expect(hours.slice(1, 5)).toEqual([
      '2026-10-25T01:00:00+02:00',
      '2026-10-25T02:00:00+02:00',
      '2026-10-25T02:00:00+01:00',
      '2026-10-25T03:00:00+01:00',
    ]);
    expect(hours.at(-1)).toBe('2026-10-25T23:00:00+01:00');
  });

  it('has 23 and 25 hours on New York\'s change days', () => {
    const spring = labels('2026-03-08', 'America/New_York');
    expect(spring).toHaveLength(23);
    expect(spring.slice(1, 3)).toEqual(['2026-03-08T01:00:00-05:00', '2026-03-08T03:00:00-04:00']);
    const autumn = labels('2026-11-01', 'America/New_York');
    expect(autumn).toHaveLength(25);
    expect(autumn.slice(1, 3)).toEqual(['2026-11-01T01:00:00-04:00', '2026-11-01T01:00:00-05:00']);
  });

  it.each([
    ['Asia/Kathmandu', '2026-01-01T18:15:00Z', '2026-01-02T00:00:00+05:45'],
    ['Pacific/Kiritimati', '2026-01-01T10:00:00Z', '2026-01-02T00:00:00+14:00'],
    ['UTC', '2026-01-02T00:00:00Z', '2026-01-02T00:00:00+00:00'],
  ])('has 24 hours in %s, starting at local midnight', (zone, start, first) => {
    const hours = hoursOfLocalDay('2026-01-02', zone);
    expect(hours).toHaveLength(24);
    expect(hours[0]).toEqual({ start: Date.parse(start), hour: first });
    expect(hours[1]!.start - hours[0]!.start).toBe(3_600_000);
  });
});
