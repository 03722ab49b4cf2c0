import { describe, expect, it } from 'vitest';
import { WeightedLru } from '../../functions/commons/weighted-lru.ts';

describe('WeightedLru', () => {
  it('evicts the least recently used values once the weight is over the limit', () => {
    // Prepare
    const lru = new WeightedLru<string, number>(10);
    lru.set('a', 1, 4);
    lru.set('b', 2, 4);
    lru.get('a');

    // Act
    lru.set('c', 3, 4);

    // Assess
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual([1, undefined, 3]);
    expect(lru.weight).toBe(8);
  });

  it('replaces a value under the same key and counts only the new weight', () => {
    const lru = new WeightedLru<string, string>(10);
    lru.set('a', 'old', 6);
    lru.set('a', 'new', 3);
    expect(lru.get('a')).toBe('new');
    expect({ size: lru.size, weight: lru.weight }).toEqual({ size: 1, weight: 3 });
  });

  it('does not keep a value heavier than the limit, nor evict others for it', () => {
    const lru = new WeightedLru<string, string>(10);
    lru.set('a', 'kept', 5);
    lru.set('big', 'dropped', 11);
    expect([lru.get('a'), lru.get('big')]).toEqual(['kept', undefined]);
  });
});
