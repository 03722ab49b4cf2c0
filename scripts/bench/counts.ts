// `npm run bench`: checks GET /stats answers against the workload's ground truth.
import { expectedTopPaths, type ScopeTruth } from './workload.ts';

export interface StatsBody {
  total_views: number;
  unique_users: number;
  total_events: number;
  events_by_type: Record<string, number>;
  top_paths: Array<{ path: string; views: number }>;
}

export const EMPTY_SCOPE: ScopeTruth = { views: 0, events: 0, byType: new Map(), paths: new Map(), users: new Set() };

export function compareScope(label: string, expected: ScopeTruth, actual: StatsBody): string[] {
  const problems: string[] = [];
  if (actual.total_views !== expected.views) problems.push(`${label}: total_views expected ${expected.views}, got ${actual.total_views}`);
  if (actual.total_events !== expected.events) problems.push(`${label}: total_events expected ${expected.events}, got ${actual.total_events}`);
  const types = new Set([...expected.byType.keys(), ...Object.keys(actual.events_by_type ?? {})]);
  for (const type of [...types].sort()) {
    const want = expected.byType.get(type) ?? 0;
    const got = actual.events_by_type?.[type] ?? 0;
    if (want !== got) problems.push(`${label}: events_by_type.${type} expected ${want}, got ${got}`);
  }
  const top = expectedTopPaths(expected.paths, 100);
  const gotTop = actual.top_paths ?? [];
  if (top.length !== gotTop.length) problems.push(`${label}: top_paths has ${gotTop.length} entries, expected ${top.length}`);
  for (let i = 0; i < Math.max(top.length, gotTop.length); i++) {
    const want = top[i];
    const got = gotTop[i];
    if (want?.path !== got?.path || want?.views !== got?.views) {
      problems.push(`${label}: top_paths[${i}] expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
      break;
    }
  }
  const users = expected.users.size;
  if (users < 1000) {
    if (actual.unique_users !== users) problems.push(`${label}: unique_users expected exactly ${users}, got ${actual.unique_users}`);
  } else if (Math.abs(actual.unique_users - users) / users > 0.02) {
    problems.push(`${label}: unique_users expected ${users} within 2%, got ${actual.unique_users} (${((100 * (actual.unique_users - users)) / users).toFixed(2)}%)`);
  }
  return problems;
}
