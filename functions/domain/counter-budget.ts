import type { ItemDelta } from './counter-units.ts';

/**
 * Every counter item has a budget for the values a client can make unbounded: the event types
 * of a totals item (`t#<type>`), the paths and breakdown values of a path bucket (`p#<path>`,
 * `<code>#<value>`). An update is billed by the item's size and DynamoDB refuses items over
 * 400 KB, so once an item's named values fill its budget, a value it does not hold yet is counted
 * under its dimension's `(other)` attribute (`p#(other)`, `s#(other)`, `t#(other)`) in the same
 * item instead. Values already named keep counting exactly, and named values plus `(other)`
 * still add up to the totals, so the readers need no change.
 *
 * The item keeps an upper bound of its named values' bytes in LOAD_ATTR, added to in the same
 * update that adds the names, on a condition that keeps it within the budget: concurrent
 * processors cannot overfill an item. A processor that sends a value to `(other)` does so on the
 * condition that the item gained no name since it read it, so a value named by another processor
 * in the meantime is never split between its name and `(other)`.
 */

/** The name under which values past an item's budget are counted, in each dimension. */
export const OTHER = '(other)';

/** Upper bound of the bytes of an item's named values (absent on items written before budgets). */
export const LOAD_ATTR = 'ld';

/**
 * Bytes of named values a path bucket may hold (4 buckets a day). A batch that touches a full
 * bucket pays its size in write units, twice in a transaction: 16 KB keeps that at 32 units.
 */
export const BUCKET_BUDGET_BYTES = 16 * 1024;

/** Bytes of event type names a totals item may hold (day or all time). */
export const TOTALS_BUDGET_BYTES = 24 * 1024;

/** Distinct event types a totals item may name (a day, or all time). */
export const MAX_EVENT_TYPES = 1_000;

/** What one named value is taken to cost in the item besides its name's UTF-8 bytes: its number. */
const NUMBER_BYTES = 10;

export type CounterKind = 'totals' | 'bucket';

const TYPE_PREFIX = 't#';

/** The dimension prefix of a counter attribute: `p#` of `p#/pricing`, `s#` of `s#google.com`. */
export const prefixOf = (attr: string): string => attr.slice(0, attr.indexOf('#') + 1);

/** The `(other)` attribute of a value's dimension. */
export const overflowAttr = (attr: string): string => prefixOf(attr) + OTHER;

/** Whether an attribute is one of the named values an item's budget bounds. */
export function isBudgeted(kind: CounterKind, attr: string): boolean {
  if (attr === LOAD_ATTR) return false;
  const prefix = prefixOf(attr);
  if (prefix === '' || attr === prefix + OTHER) return false;
  return kind === 'bucket' || prefix === TYPE_PREFIX;
}

/** The bytes a named value is taken to occupy. */
export const nameCost = (attr: string): number => Buffer.byteLength(attr, 'utf8') + NUMBER_BYTES;

/** What a processor knows of a counter item: the named values it holds, and its load. */
export interface BudgetState {
  names: Set<string>;
  /** Bytes of `names` (nameCost each). */
  bytes: number;
  /** The item's LOAD_ATTR as read; undefined when the item has none (absent, or written before budgets). */
  stored: number | undefined;
}

/** The budget state of an item as read (undefined: no item). */
export function budgetStateOf(kind: CounterKind, item: Record<string, unknown> | undefined): BudgetState {
  const names = new Set<string>();
  let bytes = 0;
  for (const attr of Object.keys(item ?? {})) {
    if (!isBudgeted(kind, attr)) continue;
    names.add(attr);
    bytes += nameCost(attr);
  }
  const raw = item?.[LOAD_ATTR];
  return { names, bytes, stored: raw === undefined ? undefined : Number(raw) };
}

/** Whether an item, as last known, has room for one more name. */
export const roomFor = (kind: CounterKind, state: BudgetState, attr: string): boolean =>
  hasRoom(kind, loadOf(state), state.names.size, nameCost(attr));

/** The bytes of names an item of `kind` may hold. */
const budgetOf = (kind: CounterKind): number => (kind === 'totals' ? TOTALS_BUDGET_BYTES : BUCKET_BUDGET_BYTES);

/** The load an item is taken to have: its stored bound, or what its names add up to if more. */
const loadOf = (state: BudgetState): number => Math.max(state.stored ?? 0, state.bytes);

/** Whether an item with `load` bytes of `names` names has room for one more name of `cost` bytes. */
const hasRoom = (kind: CounterKind, load: number, names: number, cost: number): boolean =>
  load + cost <= budgetOf(kind) && (kind !== 'totals' || names < MAX_EVENT_TYPES);

/** How an update keeps an item's load attribute, and on what condition it may apply. */
export type LoadUpdate =
  | { kind: 'none' }
  /** The item has no load attribute yet: set it, provided none was set meanwhile. */
  | { kind: 'set'; load: number }
  /** Add the new names' bytes, provided the load stays within the budget. */
  | { kind: 'add'; bytes: number; atMost: number }
  /** The update counts values under `(other)`: provided the item gained no name since it was read. */
  | { kind: 'unchanged'; stored: number; bytes: number };

/** One counter item's update once fitted to its budget. */
export interface BudgetedDelta {
  attrs: Map<string, number>;
  load: LoadUpdate;
  /** Names this update adds to the item. */
  added: string[];
  /** How many values were counted under `(other)` because the item had no room for them. */
  overflowed: number;
  /** Those values, as attribute and increment (what a heavy-hitter summary follows). */
  spilled: Array<[attr: string, by: number]>;
}

/** Whether a string can be stored as a DynamoDB attribute name: well-formed UTF-16, no control characters. */
// eslint-disable-next-line no-control-regex
const storable = (name: string): boolean => name.isWellFormed() && !/[\u0000-\u001f\u007f-\u009f]/.test(name);

/**
 * Fits one item's increments to its budget: names the item holds keep counting; new names are
 * added, largest increments first, while they fit; the rest count under `(other)`. With
 * `overflowAll`, every new name counts under `(other)` (an item DynamoDB refused to grow).
 */
export function fitToBudget(
  kind: CounterKind,
  delta: Pick<ItemDelta, 'attrs'>,
  state: BudgetState,
  { overflowAll = false }: { overflowAll?: boolean } = {},
): BudgetedDelta {
  const attrs = new Map<string, number>();
  const add = (attr: string, by: number) => attrs.set(attr, (attrs.get(attr) ?? 0) + by);
  const candidates: Array<[string, number]> = [];
  for (const [attr, by] of delta.attrs) {
    if (!isBudgeted(kind, attr) || state.names.has(attr)) add(attr, by);
    else candidates.push([attr, by]);
  }
  candidates.sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  const load = loadOf(state);
  let bytes = 0;
  const spilled: Array<[string, number]> = [];
  const added: string[] = [];
  for (const [attr, by] of candidates) {
    const cost = nameCost(attr);
    if (!overflowAll && storable(attr) && hasRoom(kind, load + bytes, state.names.size + added.length, cost)) {
      add(attr, by);
      added.push(attr);
      bytes += cost;
    } else {
      add(overflowAttr(attr), by);
      spilled.push([attr, by]);
    }
  }
  return { attrs, added, overflowed: spilled.length, spilled, load: loadUpdate(state, load, bytes, spilled.length > 0, budgetOf(kind)) };
}

function loadUpdate(state: BudgetState, load: number, bytes: number, overflowed: boolean, limit: number): LoadUpdate {
  if (bytes === 0 && !overflowed) return { kind: 'none' };
  if (state.stored === undefined) return { kind: 'set', load: load + bytes };
  if (overflowed) return { kind: 'unchanged', stored: state.stored, bytes };
  return { kind: 'add', bytes, atMost: limit - bytes };
}

/** The state of an item after an update fitted by fitToBudget committed. */
export function afterCommit(state: BudgetState, update: BudgetedDelta): BudgetState {
  const names = new Set(state.names);
  let bytes = state.bytes;
  for (const attr of update.added) {
    if (names.has(attr)) continue;
    names.add(attr);
    bytes += nameCost(attr);
  }
  const { load } = update;
  const stored =
    load.kind === 'set' ? load.load : load.kind === 'add' || load.kind === 'unchanged' ? (state.stored ?? 0) + load.bytes : state.stored;
  return { names, bytes, stored };
}

/** What an item written before budgets keeps when it is brought within its budget: this share of it. */
const COMPACTED_SHARE = 0.75;

/** One step of bringing an item within its budget: names to remove, with the counts they held, added to `(other)`. */
export interface CompactionStep {
  remove: Array<[attr: string, count: number | bigint]>;
  /** `(other)` attribute -> what it gains. */
  other: Map<string, bigint>;
}

/**
 * How an item written before budgets (no LOAD_ATTR) and fuller than its budget is brought
 * within it: its values with the largest counts stay named, up to COMPACTED_SHARE of the budget
 * (so new values still find room), and the others move to their dimension's `(other)`, in steps
 * of at most `perStep` names. Counts are moved, never changed: named values plus `(other)` add up
 * as before. Undefined when the item needs none.
 */
export function compactionSteps(kind: CounterKind, item: Record<string, unknown>, perStep = 100): CompactionStep[] | undefined {
  const state = budgetStateOf(kind, item);
  const limit = budgetOf(kind);
  const tooMany = kind === 'totals' && state.names.size > MAX_EVENT_TYPES;
  if (state.stored !== undefined || (state.bytes <= limit && !tooMany)) return undefined;
  const count = (attr: string) => BigInt(String(item[attr]));
  const byCount = [...state.names].sort((a, b) => {
    const [x, y] = [count(a), count(b)];
    return x === y ? (a < b ? -1 : 1) : x > y ? -1 : 1;
  });
  let kept = 0;
  let bytes = 0;
  const moved: string[] = [];
  for (const attr of byCount) {
    if (bytes + nameCost(attr) <= limit * COMPACTED_SHARE && kept < MAX_EVENT_TYPES * COMPACTED_SHARE) {
      bytes += nameCost(attr);
      kept++;
    } else moved.push(attr);
  }
  const steps: CompactionStep[] = [];
  for (let i = 0; i < moved.length; i += perStep) {
    const remove = moved.slice(i, i + perStep).map((attr) => [attr, item[attr] as number | bigint] as [string, number | bigint]);
    const other = new Map<string, bigint>();
    for (const [attr] of remove) other.set(overflowAttr(attr), (other.get(overflowAttr(attr)) ?? 0n) + count(attr));
    steps.push({ remove, other });
  }
  return steps;
}
