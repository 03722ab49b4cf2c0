import { describe, expect, it } from 'vitest';
import { agreementOf } from '../../functions/domain/agreement.ts';

describe('agreementOf', () => {
  it('agrees when every sum equals its total', () => {
    expect(agreementOf([])).toBe('agrees');
    expect(agreementOf([[3, 3], [0, 0]])).toBe('agrees');
  });

  it('is behind when a sum is short and none is over: the read fell in the middle of a commit', () => {
    expect(agreementOf([[2, 3], [1, 1]])).toBe('behind');
  });

  it('is ahead when any sum is over, even with another short', () => {
    expect(agreementOf([[4, 3]])).toBe('ahead');
    expect(agreementOf([[2, 3], [2, 1]])).toBe('ahead');
  });
});
