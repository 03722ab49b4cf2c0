// CSV fields as both CSV writers need them (the dashboard's downloads and `npm run export`):
// RFC 4180 quoting, and text a spreadsheet would run as a formula made inert. Browser-safe: the
// dashboard bundles this file, so it imports nothing.

/** What a spreadsheet may read as a formula or a command when a cell starts with it (OWASP, CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** What makes RFC 4180 quote a field. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV field. Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
 * leading `'`, so a spreadsheet shows it instead of evaluating it; a number the caller wrote as
 * a number stays one (a negative count is still a number). Quoted when it holds a comma, quote
 * or line break, its quotes doubled; `undefined` is an empty field.
 */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = typeof value === 'number' ? String(value) : FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record, CRLF-terminated. */
export const csvLine = (values: readonly (string | number | undefined)[]): string => `${values.map(csvField).join(',')}\r\n`;
