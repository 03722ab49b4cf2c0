import type { LakeEngine } from '../../domain/lake-query.ts';

/** Stands in for the Athena engine until it is built: every query fails. */
export function athenaEngine(settings: { workGroup: string; database: string; limitMs: number }): LakeEngine {
  void settings;
  return {
    run: () => Promise.reject(new Error('the Athena engine is not built')),
  };
}
