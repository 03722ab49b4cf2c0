import { describe, expect, it } from 'vitest';
import { allSketchScopes, daysAroundRange, daysOfMonth, monthOfDay, sketchScopesByMonth } from '../../functions/domain/month-sketches.ts';
import { daysIn } from '../../functions/domain/stats.ts';

describe('month sketches', () => {
  it('knows the days of a month, leap years too', () => {
    expect(monthOfDay('2028-02-29')).toBe('2028-02');
    expect(daysOfMonth('2028-02')).toHaveLength(29);
    expect(daysOfMonth('2027-02').at(-1)).toBe('2027-02-28');
    expect(daysOfMonth('2026-12')).toHaveLength(31);
    expect(daysOfMonth('2026-04')[0]).toBe('2026-04-01');
  });

  it('finds the days of the first and last months outside a range', () => {
    expect(daysAroundRange(daysIn({ from: '2026-01-30', to: '2026-03-02' }))).toEqual([
      ...daysIn({ from: '2026-01-01', to: '2026-01-29' }),
      ...daysIn({ from: '2026-03-03', to: '2026-03-31' }),
    ]);
    expect(daysAroundRange(daysIn({ from: '2026-02-01', to: '2026-02-28' }))).toEqual([]);
    expect(daysAroundRange([])).toEqual([]);
  });

  it('reads a whole month as its month sketch, at the sum of its days’ versions, and the days of a month with data outside the range', () => {
    // Prepare: Jan 30 to Mar 2; data on Jan 29 (outside), Jan 31, Feb 10, Feb 20, Mar 1; none after Mar 2.
    const range = daysIn({ from: '2026-01-30', to: '2026-03-02' });
    const events = new Map([
      ['2026-01-29', 7],
      ['2026-01-31', 2],
      ['2026-02-10', 3],
      ['2026-02-20', 4],
      ['2026-03-01', 5],
    ]);

    // Act
    const byMonth = sketchScopesByMonth(range, events, true);

    // Assess: January has data before the range, so its day; February and March whole.
    expect(byMonth).toEqual(
      new Map([
        ['2026-01', new Map([['2026-01-31', 2]])],
        ['2026-02', new Map([['2026-02', 7]])],
        ['2026-03', new Map([['2026-03', 5]])],
      ]),
    );
    expect(allSketchScopes(byMonth)).toEqual(new Map([['2026-01-31', 2], ['2026-02', 7], ['2026-03', 5]]));
  });

  it('reads days only while the site’s month sketches are not complete, and leaves out months without data', () => {
    const range = daysIn({ from: '2026-02-01', to: '2026-04-30' });
    const events = new Map([
      ['2026-02-10', 3],
      ['2026-04-02', 1],
    ]);
    expect(sketchScopesByMonth(range, events, false)).toEqual(
      new Map([
        ['2026-02', new Map([['2026-02-10', 3]])],
        ['2026-04', new Map([['2026-04-02', 1]])],
      ]),
    );
  });
});
