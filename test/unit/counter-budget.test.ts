import { describe, expect, it } from 'vitest';
import {
  afterCommit,
  BUCKET_BUDGET_BYTES,
  budgetStateOf,
  compactionSteps,
  fitToBudget,
  isBudgeted,
  LOAD_ATTR,
  MAX_EVENT_TYPES,
  nameCost,
  overflowAttr,
  TOTALS_BUDGET_BYTES,
  type BudgetState,
} from '../../functions/domain/counter-budget.ts';

const deltaOf = (entries: Array<[string, number]>) => ({ attrs: new Map(entries) });
const empty = (): BudgetState => ({ names: new Set(), bytes: 0, stored: undefined });
/** A bucket state holding `count` paths of `length` characters and a load attribute. */
function fullBucket(count: number, length: number): BudgetState {
  const names = new Set(Array.from({ length: count }, (_, i) => `p#/${String(i).padStart(length - 1, 'x')}`));
  const bytes = [...names].reduce((sum, name) => sum + nameCost(name), 0);
  return { names, bytes, stored: bytes };
}
const sum = (attrs: Map<string, number>) => [...attrs.values()].reduce((a, b) => a + b, 0);

describe('isBudgeted', () => {
  it('bounds the event types of a totals item and every value of a bucket, never the counters or (other)', () => {
    expect(isBudgeted('totals', 't#signup')).toBe(true);
    expect(isBudgeted('totals', 'views')).toBe(false);
    expect(isBudgeted('totals', 'h07')).toBe(false);
    expect(isBudgeted('totals', 't#(other)')).toBe(false);
    expect(isBudgeted('bucket', 'p#/pricing')).toBe(true);
    expect(isBudgeted('bucket', 's#google.com')).toBe(true);
    expect(isBudgeted('bucket', 'p#(other)')).toBe(false);
    expect(isBudgeted('bucket', LOAD_ATTR)).toBe(false);
  });

  it('counts a value past the budget under its own dimension', () => {
    expect(overflowAttr('p#/a/b#c')).toBe('p#(other)');
    expect(overflowAttr('c#spring#sale')).toBe('c#(other)');
    expect(overflowAttr('t#signup')).toBe('t#(other)');
  });
});

describe('budgetStateOf', () => {
  it('reads the named values, their bytes and the stored load of an item', () => {
    const state = budgetStateOf('bucket', { pk: 'P#s#d', sk: '00', 'p#/a': 3, 's#x': 5, 'p#(other)': 4, ld: 40 });
    expect([...state.names].sort()).toEqual(['p#/a', 's#x']);
    expect(state.bytes).toBe(nameCost('p#/a') + nameCost('s#x'));
    expect(state.stored).toBe(40);
    expect(budgetStateOf('totals', undefined)).toEqual(empty());
  });
});

describe('fitToBudget', () => {
  it('names every new value while the item has room, and sets the load of an item that has none', () => {
    const fitted = fitToBudget('bucket', deltaOf([['p#/a', 2], ['s#x', 1]]), empty());
    expect(Object.fromEntries(fitted.attrs)).toEqual({ 'p#/a': 2, 's#x': 1 });
    expect(fitted.overflowed).toBe(0);
    expect(fitted.load).toEqual({ kind: 'set', load: nameCost('p#/a') + nameCost('s#x') });
  });

  it('adds to the load on the condition that it stays within the budget', () => {
    const state = { names: new Set(['p#/a']), bytes: nameCost('p#/a'), stored: 100 };
    const fitted = fitToBudget('bucket', deltaOf([['p#/a', 1], ['p#/b', 1]]), state);
    expect(fitted.load).toEqual({ kind: 'add', bytes: nameCost('p#/b'), atMost: BUCKET_BUDGET_BYTES - nameCost('p#/b') });
    expect(fitted.added).toEqual(['p#/b']);
  });

  it('needs no load update when every value is already named', () => {
    const state = { names: new Set(['p#/a']), bytes: nameCost('p#/a'), stored: 14 };
    expect(fitToBudget('bucket', deltaOf([['p#/a', 5]]), state).load).toEqual({ kind: 'none' });
  });

  it('counts new values under (other) once the bucket is full, keeps named ones exact, and adds up to the same total', () => {
    // Prepare: a bucket with room for one more short name.
    const full = fullBucket(300, 40);
    const state = { ...full, stored: BUCKET_BUDGET_BYTES - nameCost('p#/late-1') - 5 };
    const named = [...state.names][0]!;
    const delta = deltaOf([[named, 7], ['p#/late-1', 5], ['p#/late-2', 3], ['s#new-source', 2]]);
    // Act
    const fitted = fitToBudget('bucket', delta, state);
    // Assess: the largest new value still fits, the others count as (other) in their dimension.
    expect(fitted.attrs.get(named)).toBe(7);
    expect(fitted.attrs.get('p#/late-1')).toBe(5);
    expect(fitted.attrs.get('p#(other)')).toBe(3);
    expect(fitted.attrs.get('s#(other)')).toBe(2);
    expect(sum(fitted.attrs)).toBe(sum(delta.attrs));
    expect(fitted.overflowed).toBe(2);
    // Values went to (other): the update applies only if no other processor named values meanwhile.
    expect(fitted.load).toEqual({ kind: 'unchanged', stored: state.stored, bytes: nameCost('p#/late-1') });
    expect(state.stored! + nameCost('p#/late-1')).toBeLessThanOrEqual(BUCKET_BUDGET_BYTES);
  });

  it('never lets an item grow past its budget, whatever the values sent', () => {
    let state = empty();
    for (let batch = 0; batch < 40; batch++) {
      const delta = deltaOf(Array.from({ length: 50 }, (_, i) => [`p#/${batch}/${'€'.repeat(300)}/${i}`, 1] as [string, number]));
      const fitted = fitToBudget('bucket', delta, state);
      state = afterCommit(state, fitted);
      expect(state.bytes).toBeLessThanOrEqual(BUCKET_BUDGET_BYTES);
      expect(state.stored).toBeLessThanOrEqual(BUCKET_BUDGET_BYTES);
    }
    expect(state.names.size).toBeGreaterThan(0);
  });

  it('names at most MAX_EVENT_TYPES event types in a totals item, and bounds their bytes', () => {
    const types = Array.from({ length: MAX_EVENT_TYPES + 50 }, (_, i) => [`t#e${i}`, 1] as [string, number]);
    const fitted = fitToBudget('totals', deltaOf([...types, ['views', 9]]), empty());
    expect(fitted.added).toHaveLength(MAX_EVENT_TYPES);
    expect(fitted.attrs.get('t#(other)')).toBe(50);
    expect(fitted.attrs.get('views')).toBe(9);
    const long = Array.from({ length: 600 }, (_, i) => [`t#${String(i).padStart(64, 'y')}`, 1] as [string, number]);
    const bounded = fitToBudget('totals', deltaOf(long), empty());
    expect(bounded.added.reduce((bytes, name) => bytes + nameCost(name), 0)).toBeLessThanOrEqual(TOTALS_BUDGET_BYTES);
    expect(bounded.overflowed).toBeGreaterThan(0);
  });

  it('counts names DynamoDB cannot store (lone surrogates, control characters) under (other)', () => {
    const fitted = fitToBudget('bucket', deltaOf([['p#/a\ud800', 1], ['p#/b\u0007', 1], ['p#/ok', 1]]), empty());
    expect(Object.fromEntries(fitted.attrs)).toEqual({ 'p#(other)': 2, 'p#/ok': 1 });
  });

  it('counts every new value under (other) for an item DynamoDB refused to grow', () => {
    const state = { names: new Set(['p#/a']), bytes: nameCost('p#/a'), stored: undefined };
    const fitted = fitToBudget('bucket', deltaOf([['p#/a', 1], ['p#/b', 1]]), state, { overflowAll: true });
    expect(Object.fromEntries(fitted.attrs)).toEqual({ 'p#/a': 1, 'p#(other)': 1 });
    expect(fitted.load).toEqual({ kind: 'set', load: nameCost('p#/a') });
  });
});

describe('compactionSteps', () => {
  it('moves the smallest values of an item filled before budgets to (other), keeping every count', () => {
    // Prepare: 600 paths of 60 characters with counts 1..600, no load attribute.
    const item: Record<string, unknown> = { pk: 'P#s#2025-11-12', sk: '00' };
    for (let i = 1; i <= 600; i++) item[`p#/${String(i).padStart(58, '0')}`] = i;
    // Act
    const steps = compactionSteps('bucket', item, 100)!;
    // Assess: what stays fits three quarters of the budget, the largest counts first.
    const removed = steps.flatMap((step) => step.remove.map(([attr]) => attr));
    const kept = Object.keys(item).filter((attr) => attr.startsWith('p#') && !removed.includes(attr));
    expect(kept.reduce((bytes, attr) => bytes + nameCost(attr), 0)).toBeLessThanOrEqual(0.75 * BUCKET_BUDGET_BYTES);
    expect(Math.min(...kept.map((attr) => item[attr] as number))).toBeGreaterThan(Math.max(...removed.map((attr) => item[attr] as number)));
    expect(steps.every((step) => step.remove.length <= 100)).toBe(true);
    const moved = steps.reduce((sum, step) => sum + Number(step.other.get('p#(other)') ?? 0n), 0);
    expect(moved).toBe(removed.reduce((sum, attr) => sum + (item[attr] as number), 0));
  });

  it('leaves alone an item within its budget, or one that already keeps a load', () => {
    expect(compactionSteps('bucket', { 'p#/a': 1 })).toBeUndefined();
    expect(compactionSteps('totals', { [LOAD_ATTR]: 5, ...Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`t#e${i}`, 1])) })).toBeUndefined();
    expect(compactionSteps('totals', Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`t#e${i}`, 1])))).toBeDefined();
  });
});
