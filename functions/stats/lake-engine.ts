import { intEnv } from '../commons/env.ts';
import { HttpError } from '../commons/http.ts';
import type { LakeEngine } from '../domain/lake-query.ts';
import { athenaEngine } from '../store/lake/athena-engine.ts';

/** How long a lake query may run before the request is answered 503 lake_timeout, unless LAKE_LIMIT_MS says otherwise. */
export const DEFAULT_LAKE_LIMIT_MS = 20_000;

let engine: LakeEngine | undefined;

/**
 * The stats function's lake engine: Athena on the workgroup and database of LAKE_WORKGROUP and
 * LAKE_DATABASE, read at the first filtered request (so a function without them still starts and
 * serves the counters). Without them, a filtered request is a 503 lake_unavailable.
 */
export const lakeEngine = (): LakeEngine => {
  if (engine) return engine;
  const workGroup = process.env.LAKE_WORKGROUP;
  const database = process.env.LAKE_DATABASE;
  if (!workGroup || !database) {
    throw new HttpError(503, 'lake_unavailable', 'Filtered stats are answered from the lake, which this deployment does not query (LAKE_WORKGROUP and LAKE_DATABASE are not set)');
  }
  engine = athenaEngine({ workGroup, database, limitMs: intEnv('LAKE_LIMIT_MS', { default: DEFAULT_LAKE_LIMIT_MS, min: 1_000, max: 600_000 }) });
  return engine;
};
