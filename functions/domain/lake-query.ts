/**
 * A query over the raw-event lake, as the stats function asks it of a lake engine (Athena on
 * AWS; DuckDB behind the local runtime's Athena endpoint): SQL text with `?` placeholders and
 * the values bound to them, in order. User values only ever travel as parameters.
 */
export type SqlParam = string | number;

export interface LakeQuery {
  sql: string;
  params: readonly SqlParam[];
}

/** One result row: column name to value (numbers parsed by the column's type, null when absent). */
export type LakeRow = Readonly<Record<string, string | number | null>>;

export interface LakeEngine {
  /** Runs a query to completion and returns every row; throws LakeQueryTimeout past the engine's limit. */
  run(query: LakeQuery): Promise<LakeRow[]>;
}

/** The lake did not answer within the limit: the stats routes answer 503 with a clear message. */
export class LakeQueryTimeout extends Error {
  constructor(readonly limitMs: number) {
    super(`The lake query did not finish within ${limitMs} ms`);
    this.name = 'LakeQueryTimeout';
  }
}
