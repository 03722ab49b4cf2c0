// What an end-to-end test file names its data with: a run id of its own (so files and runs never
// share a site), how long it waits for the pipeline, and yesterday's UTC date.

/** A run id: the time and a random part. */
export const runId = (): string => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** How long a test waits for posted events to be counted (E2E_PIPELINE_TIMEOUT_MS, default 60 s). */
export const PIPELINE_TIMEOUT_MS = Number(process.env.E2E_PIPELINE_TIMEOUT_MS ?? 60_000);

/** Yesterday's UTC date, YYYY-MM-DD. */
export const yesterday = (): string => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
