import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Scope } from '../../domain/table-schema.ts';
import { daysAroundRange, sketchScopesByMonth } from '../../domain/month-sketches.ts';
import { eventsByScope, type SiteTotals } from '../../domain/stats.ts';
import { readTotals } from './totals.ts';

/** The totals of a range's days with data, and the sketch scopes that make up each month's users. */
export interface RangeTotals {
  totals: Map<Scope, SiteTotals>;
  /** By month of the range: the days or the month whose sketches hold its users, each at its version. */
  sketchScopes: Map<Scope, Map<Scope, number>>;
}

/**
 * The totals of a range's days (BatchGetItem), read together with those of the days around it in
 * its first and last months and the site's month-sketch flag, so a month whose days outside the
 * range have no data is read as one month sketch (see month-sketches.ts).
 */
export async function readRangeTotals(
  doc: DynamoDBDocumentClient,
  table: string,
  siteId: string,
  days: readonly Scope[],
  monthsComplete: (siteId: string) => Promise<boolean>,
): Promise<RangeTotals> {
  const [read, complete] = await Promise.all([readTotals(doc, table, siteId, [...days, ...daysAroundRange(days)]), monthsComplete(siteId)]);
  const inRange = new Set(days);
  const totals = new Map([...read].filter(([day]) => inRange.has(day)));
  return { totals, sketchScopes: sketchScopesByMonth(days, eventsByScope(read), complete) };
}
