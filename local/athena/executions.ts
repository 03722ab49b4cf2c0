// The query executions of the local Athena endpoint: started at once and run in the background
// (mirror the lake, point the view at it, run the query in DuckDB), with Athena's states
// (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED), the reason of a failure, and the results kept
// for paging until the execution is among the oldest past the limit.
import { randomUUID } from 'node:crypto';
import { checkPlaceholders, parseAthenaLiteral, ParameterError, type BoundValue } from './dialect.ts';
import type { DuckDbLake, QueryResult, RunningQuery } from './duckdb-lake.ts';
import type { LakeMirror, MirrorScope } from './lake-mirror.ts';

/**
 * The partitions a query reads, when its text begins its parameters with the stats function's
 * partition condition (functions/domain/lake-where.ts: `site_id = ? AND "date" BETWEEN ? AND ?`,
 * the first placeholders of the text): its site and dates. Otherwise undefined (a full sync).
 */
export function partitionsOf(sql: string, values: readonly BoundValue[]): MirrorScope | undefined {
  const at = sql.indexOf(PARTITIONS);
  if (at < 0 || sql.slice(0, at).includes('?')) return undefined;
  const [siteId, from, to] = values;
  const isDate = (value: BoundValue | undefined): value is string => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
  if (typeof siteId !== 'string' || siteId.includes('/') || !isDate(from) || !isDate(to) || from > to) return undefined;
  return { siteId, from, to };
}
const PARTITIONS = 'site_id = ? AND "date" BETWEEN ? AND ?';

export type QueryState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface Execution {
  id: string;
  sql: string;
  workGroup: string;
  database: string;
  state: QueryState;
  reason?: string;
  submittedAt: Date;
  completedAt?: Date;
  result?: QueryResult;
  running?: RunningQuery;
}

/** A request the endpoint refuses (400 InvalidRequestException), as Athena does. */
export class InvalidRequest extends Error {
  override name = 'InvalidRequestException';
}

/** Executions kept (with their results) before the oldest are forgotten. */
const KEPT_EXECUTIONS = 500;

export interface ExecutionsOptions {
  lake: DuckDbLake;
  mirror: LakeMirror;
  workGroup: string;
  database: string;
}

/** Whether an execution has yet to end (QUEUED or RUNNING). */
const isOpen = (execution: Execution): boolean => execution.state === 'QUEUED' || execution.state === 'RUNNING';

export class Executions {
  private readonly executions = new Map<string, Execution>();
  /** Background runs not yet over (a stopped query's until DuckDB lets go of it). */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: ExecutionsOptions) {}

  /** Starts a query in the background and returns its execution at once (QUEUED). */
  start(input: { sql: string; workGroup?: string; database?: string; parameters?: readonly string[] }): Execution {
    const { workGroup, database } = this.options;
    if (input.workGroup !== workGroup) throw new InvalidRequest(`WorkGroup ${input.workGroup ?? '(none)'} is not found (this stack's is ${workGroup})`);
    if (!input.sql.trim()) throw new InvalidRequest('QueryString must not be empty');
    const execution: Execution = {
      id: randomUUID(),
      sql: input.sql,
      workGroup,
      database: input.database ?? database,
      state: 'QUEUED',
      submittedAt: new Date(),
    };
    this.executions.set(execution.id, execution);
    for (const id of this.executions.keys()) {
      if (this.executions.size <= KEPT_EXECUTIONS) break;
      this.executions.delete(id);
    }
    const finished = this.run(execution, input.parameters ?? []);
    this.inFlight.add(finished);
    void finished.finally(() => this.inFlight.delete(finished));
    return execution;
  }

  get(id: string | undefined): Execution {
    const execution = id ? this.executions.get(id) : undefined;
    if (!execution) throw new InvalidRequest(`QueryExecution ${id ?? '(none)'} was not found`);
    return execution;
  }

  /** Stops a query that has not ended: CANCELLED, its DuckDB query interrupted. */
  stop(id: string | undefined): void {
    const execution = this.get(id);
    if (!isOpen(execution)) return;
    this.end(execution, 'CANCELLED', 'Query cancelled by user');
    execution.running?.interrupt();
  }

  /** How many queries are still being mirrored for or run in DuckDB (a stopped one until DuckDB lets go of it). */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Interrupts every query still running and waits until each has let go of DuckDB (the endpoint is stopping). */
  async stopAll(): Promise<void> {
    for (const execution of this.executions.values()) if (isOpen(execution)) this.stop(execution.id);
    await Promise.allSettled([...this.inFlight]);
  }

  private end(execution: Execution, state: QueryState, reason?: string): void {
    if (!isOpen(execution)) return;
    execution.state = state;
    execution.reason = reason;
    execution.completedAt = new Date();
  }

  private async run(execution: Execution, parameters: readonly string[]): Promise<void> {
    try {
      if (execution.database !== this.options.database) throw new Error(`SCHEMA_NOT_FOUND: Schema '${execution.database}' does not exist`);
      const placeholders = checkPlaceholders(execution.sql);
      if (placeholders !== parameters.length) {
        throw new ParameterError(`Incorrect number of parameters: expected ${placeholders} but found ${parameters.length}`);
      }
      const values: BoundValue[] = parameters.map(parseAthenaLiteral);
      execution.state = 'RUNNING';
      await this.options.mirror.sync(partitionsOf(execution.sql, values));
      if (!isOpen(execution)) return; // stopped while the lake was mirrored
      execution.running = this.options.lake.start(execution.sql, values);
      const result = await execution.running.done;
      execution.result = result;
      this.end(execution, 'SUCCEEDED');
    } catch (error) {
      this.end(execution, 'FAILED', (error as Error).message);
    } finally {
      execution.running = undefined;
    }
  }
}
