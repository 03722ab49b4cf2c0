import { describe, expect, it } from 'vitest';
import { unitFiles } from '../../functions/domain/lake.ts';
import {
  compactedKey,
  isCompacted,
  isManifest,
  lastClosedDay,
  manifestKey,
  manifestSources,
  encodeManifest,
  unitOfKey,
} from '../../functions/domain/lake-compaction.ts';
import { trackedEvent } from '../support/factories.ts';

const site = 'site:a.b-1';
const keyOf = (unitId: string) => unitFiles(site, unitId, [trackedEvent({ site_id: site, timestamp: '2026-11-02T10:00:00.000Z' })])[0]!.key;

describe('compacted objects and their manifests', () => {
  it('names a compaction by its sources, whatever their order, and sorts it before every unit object of the day', () => {
    const sources = [keyOf('b1:site:a.b-1:0'), keyOf('b2:site:a.b-1:3')];
    const key = compactedKey(site, '2026-11-02', sources, 2);
    expect(key).toBe(compactedKey(site, '2026-11-02', [...sources].reverse(), 2));
    expect(key).not.toBe(compactedKey(site, '2026-11-02', sources.slice(1), 1));
    expect(key).toMatch(/^events\/site_id=site:a\.b-1\/date=2026-11-02\/!compacted-[0-9a-f]{20}\.e2\.ndjson\.gz$/);
    expect(isCompacted(key)).toBe(true);
    expect(sources.some(isCompacted)).toBe(false);
    expect([...sources, key].sort()[0]).toBe(key);
  });

  it('keeps the manifest beside its object, hidden (a leading underscore) and not a lake object', () => {
    const sources = [keyOf('b1:site:a.b-1:0')];
    const key = compactedKey(site, '2026-11-02', sources, 1);
    const manifest = manifestKey(key);
    expect(manifest).toMatch(/^events\/site_id=site:a\.b-1\/date=2026-11-02\/_compacted-[0-9a-f]{20}\.sources\.json$/);
    expect(isManifest(manifest)).toBe(true);
    expect(isManifest(key)).toBe(false);
    expect(manifestSources(key, encodeManifest(key, sources))).toEqual(sources);
  });

  it('reads back the unit of a unit’s object, and none of a compacted one', () => {
    expect(unitOfKey(site, keyOf('0d9c-41fe:site:a.b-1:12'))).toBe('0d9c-41fe:site:a.b-1:12');
    expect(unitOfKey('other', keyOf('b1:site:a.b-1:0'))).toBeUndefined();
    expect(unitOfKey(site, compactedKey(site, '2026-11-02', [keyOf('b1:site:a.b-1:0')], 1))).toBeUndefined();
  });
});

describe('closed days', () => {
  const hour = 3_600_000;
  it('closes a day once it is over at UTC-12 and the margin has passed', () => {
    // 2026-11-02 ends at UTC-12 at 2026-11-03T12:00Z.
    expect(lastClosedDay(Date.parse('2026-11-03T12:59:59Z'), hour)).toBe('2026-11-01');
    expect(lastClosedDay(Date.parse('2026-11-03T13:00:00Z'), hour)).toBe('2026-11-02');
  });
});
