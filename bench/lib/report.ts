// The benchmarks' reports: figures in aligned columns.

/** A figure: its name, value, target (or ''), and an optional note. */
export type ReportRow = [name: string, value: string, target: string, note?: string];

/** Rows in aligned columns. */
export function tableLines(rows: ReportRow[]): string[] {
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const w2 = Math.max(...rows.map((r) => r[2].length));
  return ['-'.repeat(w0 + w1 + w2 + 6), ...rows.map(([a, b, c, d]) => `${a.padEnd(w0)}  ${b.padStart(w1)}  ${c.padEnd(w2)}  ${d ?? ''}`.trimEnd())];
}
