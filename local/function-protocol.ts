// Messages between function-host.ts and function-worker.ts (types only).

export interface WorkerData {
  functionName: string;
  functionArn: string;
  handler: string;
  handlerFile: string;
  handlerExport: string;
  memorySizeMb: number;
  /** A folder whose node_modules provides @aws-sdk/* when the bundle's folder has none above it. */
  moduleFallbackDir: string;
}

/** Lambda's error shape for a failed invocation. */
export interface InvokeError {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

export type HostToWorker = { type: 'invoke'; id: number; requestId: string; event: string; deadline: number };

export type WorkerToHost =
  | { type: 'ready' }
  | { type: 'init-error'; error: InvokeError }
  | { type: 'result'; id: number; ok: true; payload: string }
  | { type: 'result'; id: number; ok: false; error: InvokeError };
