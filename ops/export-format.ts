// How `npm run export` writes events: NDJSON (each line as the lake holds it) or CSV.
import { csvLine } from '../functions/domain/csv.ts';
import type { LakeRecord } from '../functions/domain/lake.ts';

export type ExportFormat = 'ndjson' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['ndjson', 'csv'];

/**
 * The CSV columns: the event's fields, then the visit's (empty for an event sent without a visit),
 * then its custom properties as one JSON object (empty for none).
 */
export const CSV_COLUMNS = [
  'event_id', 'site_id', 'event_type', 'path', 'user_id', 'timestamp', 'received_at',
  'device', 'browser', 'os', 'country',
  'visit_page', 'visit_gap_ms', 'entry_page', 'source', 'utm_medium', 'utm_campaign', 'visit_id',
  'props',
] as const;

export const csvHeader = (): string => csvLine(CSV_COLUMNS);

/** An event as a CSV record: text fields (paths, types, sources, ...) made safe to open in a spreadsheet (csvField). */
export function csvRow(record: LakeRecord): string {
  const { visit } = record;
  const values = [
    record.event_id, record.site_id, record.event_type, record.path, record.user_id, record.timestamp, record.received_at,
    record.device, record.browser, record.os, record.country,
    visit?.page, visit?.gap_ms, visit?.entry_page, visit?.source, visit?.utm_medium, visit?.utm_campaign, visit?.id,
    record.props && JSON.stringify(record.props),
  ];
  return csvLine(values);
}

export const ndjsonLine = (record: LakeRecord): string => `${JSON.stringify(record)}\n`;
