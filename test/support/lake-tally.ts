// What the lake's queries must answer, tallied in plain TypeScript from the lines themselves, and
// seeded workloads of visits with sources, countries, devices and custom events to tally.
import { isPropDimension, propKey, type Filter, type FilterDimension } from '../../functions/domain/filters.ts';
import { formatGoal, goalOf, type Goal } from '../../functions/domain/goals.ts';
import type { LakeRecord } from '../../functions/domain/lake.ts';
import { startOfLocalDay } from '../../functions/domain/time-zones.ts';
import { seeded } from './counters.ts';
import type { DatedRecord } from './duckdb-lake.ts';

function valueOf(record: LakeRecord, dimension: FilterDimension): string | undefined {
  if (isPropDimension(dimension)) return record.props && Object.hasOwn(record.props, propKey(dimension)) ? record.props[propKey(dimension)] : undefined;
  switch (dimension) {
    case 'page':
      return record.path;
    case 'entry_page':
    case 'source':
    case 'utm_medium':
    case 'utm_campaign':
      return record.visit?.[dimension];
    case 'goal':
      return undefined;
    default:
      return record[dimension];
  }
}

function holds(record: LakeRecord, { dimension, operator, values }: Filter): boolean {
  const value = valueOf(record, dimension);
  const is = value !== undefined && values.includes(value);
  if (operator === '==') return is;
  if (operator === '!=') return !is;
  return value !== undefined && values.some((text) => value.includes(text));
}

/** Whether a path matches a page goal's pattern: `*` any run of characters, `/` included; anything else itself. */
export function pathMatches(pattern: string, path: string): boolean {
  const parts = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[\\s\\S]*')}$`).test(path);
}

/** Whether an event completes a goal. */
export const completes = (record: LakeRecord, goal: Goal): boolean =>
  goal.kind === 'event' ? record.event_type === goal.name : record.event_type === 'page_view' && pathMatches(goal.pattern, record.path);

/** The users with a line that completes one of the goals. */
const convertedUsers = (lines: readonly DatedRecord[], goals: readonly Goal[]): Set<string> =>
  new Set(lines.filter(({ record }) => goals.some((goal) => completes(record, goal))).map(({ record }) => record.user_id));

/** The lines every filter keeps (`lines` being the period's: a goal filter keeps the users who completed the goal among them). */
export function kept(lines: readonly DatedRecord[], filters: readonly Filter[]): DatedRecord[] {
  const converted = filters.map((filter) => (filter.dimension === 'goal' ? convertedUsers(lines, filter.values.map(goalOf)) : undefined));
  return lines.filter(({ record }) =>
    filters.every((filter, index) => {
      const users = converted[index];
      if (!users) return holds(record, filter);
      return users.has(record.user_id) === (filter.operator === '==');
    }),
  );
}

/** What GET /stats/goals answers for `lines` (the kept events of the period). */
export function tallyGoals(lines: readonly DatedRecord[], goals: readonly Goal[]) {
  const uniqueUsers = new Set(lines.map(({ record }) => record.user_id)).size;
  return {
    uniqueUsers,
    goals: goals.map((goal) => {
      const done = lines.filter(({ record }) => completes(record, goal));
      const visitors = new Set(done.map(({ record }) => record.user_id)).size;
      const rate = uniqueUsers > 0 ? Math.round((visitors / uniqueUsers) * 10_000) / 10_000 : 0;
      return { goal: formatGoal(goal), visitors, completions: done.length, conversion_rate: rate };
    }),
  };
}

const isView = (record: LakeRecord): boolean => record.event_type === 'page_view';

export interface Tally {
  views: number;
  events: number;
  users: number;
  visits: number;
  multiViewVisits: number;
  visitMs: number;
  visitViews: number;
  eventsByType: Record<string, number>;
  pathViews: Map<string, number>;
}

export function tally(lines: readonly DatedRecord[]): Tally {
  const sum: Tally = { views: 0, events: 0, users: 0, visits: 0, multiViewVisits: 0, visitMs: 0, visitViews: 0, eventsByType: {}, pathViews: new Map() };
  const users = new Set<string>();
  for (const { record } of lines) {
    sum.events++;
    users.add(record.user_id);
    sum.eventsByType[record.event_type] = (sum.eventsByType[record.event_type] ?? 0) + 1;
    if (record.visit && record.visit.gap_ms > 0) sum.visitMs += record.visit.gap_ms;
    if (!isView(record)) continue;
    sum.views++;
    sum.pathViews.set(record.path, (sum.pathViews.get(record.path) ?? 0) + 1);
    if (!record.visit) continue;
    sum.visitViews++;
    if (record.visit.page === 1) sum.visits++;
    if (record.visit.page === 2) sum.multiViewVisits++;
  }
  sum.users = users.size;
  return sum;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Breakdown rows of a dimension over page views with a value: visits, then views, descending, then value. */
export function tallyBreakdown(lines: readonly DatedRecord[], dimension: FilterDimension): Array<{ value: string; visits: number; views: number }> {
  const rows = new Map<string, { visits: number; views: number }>();
  for (const { record } of lines) {
    const value = valueOf(record, dimension);
    if (!isView(record) || value === undefined) continue;
    const row = rows.get(value) ?? { visits: 0, views: 0 };
    row.views++;
    if (record.visit?.page === 1) row.visits++;
    rows.set(value, row);
  }
  return [...rows]
    .map(([value, row]) => ({ value, ...row }))
    .sort((a, b) => b.visits - a.visits || b.views - a.views || byText(a.value, b.value));
}

/** Property breakdown rows of a key over every line: events and distinct users by value (`(none)` without the key), by users, events, value. */
export function tallyPropBreakdown(lines: readonly DatedRecord[], key: string): Array<{ value: string; events: number; visitors: number }> {
  const groups = Map.groupBy(lines, ({ record }) => valueOf(record, `prop:${key}`) ?? '(none)');
  return [...groups]
    .map(([value, group]) => ({ value, events: group.length, visitors: new Set(group.map(({ record }) => record.user_id)).size }))
    .sort((a, b) => b.visitors - a.visitors || b.events - a.events || byText(a.value, b.value));
}

/** Views, events, visits and users by a key of each line (its date, its month, its hour). */
export function tallyBy(lines: readonly DatedRecord[], key: (line: DatedRecord) => string): Map<string, { views: number; events: number; visits: number; users: number }> {
  const groups = Map.groupBy(lines, key);
  return new Map([...groups].map(([name, group]) => {
    const { views, events, visits, users } = tally(group);
    return [name, { views, events, visits, users }];
  }));
}

/** The hour of its local day a line counts in, as the processor places it. */
export const localHourOf = (line: DatedRecord, timeZone: string): number =>
  Math.floor((Date.parse(line.record.timestamp) - startOfLocalDay(line.date, timeZone)) / 3_600_000);

export const SOURCES = ['google.com', 'bing.com', '(direct)', 'news.example', 'a;b|c\\d'];
export const COUNTRIES = ['DE', 'FR', 'US', 'XX'];
export const DEVICES = ['desktop', 'mobile', 'tablet'];
export const PATHS = ['/', '/pricing', '/blog/one', '/blog/two', '/docs/a|b', '/docs;c'];
/** Values of the custom properties `plan` and `source button`, escapes included. */
export const PLANS = ['pro', 'free', 'a;b|c\\d'];
export const BUTTONS = ['hero', 'footer'];

/**
 * Visits of `users` users over the UTC days from `firstDay` (`days` of them): each visit has a
 * source, campaign, country and device, page views (pages 1, 2, ...) and custom events between
 * them; some events come without a visit. Dated by their UTC day (a UTC site's local date).
 */
export function workload(siteId: string, seed: number, options: { users: number; firstDay: string; days: number }): DatedRecord[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  // Properties draw from their own sequence, so the rest of the workload is as without them.
  const propRandom = seeded(seed + 1_000);
  const propsOf = (custom: boolean): Pick<LakeRecord, 'props'> => {
    if (propRandom() >= (custom ? 0.6 : 0.1)) return {};
    const plan = PLANS[Math.floor(propRandom() * PLANS.length)]!;
    return { props: propRandom() < 0.5 ? { plan } : { plan, 'source button': BUTTONS[Math.floor(propRandom() * BUTTONS.length)]! } };
  };
  const lines: DatedRecord[] = [];
  let id = 0;
  const push = (record: Omit<LakeRecord, 'event_id' | 'site_id' | 'received_at'>) => {
    const full: LakeRecord = { event_id: `e${seed}-${id++}`, site_id: siteId, received_at: record.timestamp, ...record };
    lines.push({ date: record.timestamp.slice(0, 10), record: full });
  };
  const start = Date.parse(`${options.firstDay}T00:00:00Z`);
  for (let user = 0; user < options.users; user++) {
    const audience = { device: pick(DEVICES), browser: pick(['Chrome', 'Firefox', 'Safari']), os: pick(['Linux', 'iOS', 'Windows']), country: pick(COUNTRIES) };
    const visits = 1 + Math.floor(random() * 3);
    for (let v = 0; v < visits; v++) {
      let at = start + Math.floor(random() * options.days * 86_400_000 - 3_600_000);
      at = Math.max(start, at);
      const entry = pick(PATHS);
      const marks = { entry_page: entry, source: pick(SOURCES), utm_medium: pick(['(none)', 'cpc', 'email']), utm_campaign: pick(['(none)', 'spring', 'x~y']) };
      let page = 0;
      const steps = 1 + Math.floor(random() * 5);
      for (let step = 0; step < steps; step++) {
        const gap = step === 0 ? 0 : Math.floor(random() * 600_000);
        at += gap;
        const view = step === 0 || random() < 0.7;
        if (view) page++;
        const path = step === 0 ? entry : pick(PATHS);
        const visit = { page, gap_ms: gap, ...marks, id: `v${seed}-${user}-${v}` };
        push({ event_type: view ? 'page_view' : pick(['signup', 'click']), path, user_id: `u${user}`, timestamp: new Date(at).toISOString(), ...audience, visit, ...propsOf(!view) });
      }
    }
    if (random() < 0.2) push({ event_type: pick(['page_view', 'purchase']), path: pick(PATHS), user_id: `u${user}`, timestamp: new Date(start + Math.floor(random() * options.days * 86_400_000)).toISOString(), ...audience });
  }
  return lines;
}
