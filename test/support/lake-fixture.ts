import { afterAll, beforeAll } from 'vitest';
import { parseFilters, type Filter } from '../../functions/domain/filters.ts';
import { duckDbLake, type DatedRecord, type DuckDbLake } from './duckdb-lake.ts';

/** A DuckDB lake of `lines` for the tests of a file: opened before them, closed after; the getter gives it. */
export function lakeOfTests(lines: readonly DatedRecord[]): () => DuckDbLake {
  let lake: DuckDbLake | undefined;
  beforeAll(async () => {
    lake = await duckDbLake([...lines]);
  });
  afterAll(() => lake?.close());
  return () => {
    if (!lake) throw new Error('the lake is opened before the tests');
    return lake;
  };
}

/** Filters from their text ('' for none); a test's own texts are valid, so an invalid one throws. */
export function filtersOf(text: string): Filter[] {
  if (text === '') return [];
  const parsed = parseFilters(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}
