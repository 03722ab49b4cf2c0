// Runs each Lambda function's bundled handler in its own worker thread ("sandbox") with its own
// environment, Lambda-style: a cold start imports the module once, invocations are messages (several
// may be in flight in one sandbox), a thrown error or a timeout is an error result, and a sandbox
// in which an invocation timed out is retired, as Lambda discards the execution environment.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { readableOutput } from './emf.ts';
import type { InvokeError, WorkerData, WorkerToHost } from './function-protocol.ts';
import type { FunctionModel } from './template.ts';

/** Lambda's limit for a synchronous invocation's request and response payloads. */
export const INVOKE_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

export type InvokeResult =
  | { ok: true; requestId: string; durationMs: number; payload: unknown }
  | { ok: false; requestId: string; durationMs: number; error: InvokeError; timedOut: boolean };

export interface FunctionHostOptions {
  fn: FunctionModel;
  functionArn: string;
  /** The complete environment of the worker (see lambdaEnvironment in lambda-environment.ts). */
  environment: Record<string, string>;
  /** A folder whose node_modules provides @aws-sdk/* to bundles that keep it external. */
  moduleFallbackDir: string;
  /** Receives the function's console output (metrics as one readable line each) and invocation errors, one line at a time. */
  log?: (line: string) => void;
  /** Cap the worker's V8 old generation at the function's MemorySize (default true). */
  limitMemory?: boolean;
}

interface Pending {
  resolve: (result: InvokeResult) => void;
  timer: NodeJS.Timeout;
  requestId: string;
  started: number;
}

/** One execution environment: a worker with the handler module loaded. */
class Sandbox {
  readonly worker: Worker;
  readonly ready: Promise<InvokeError | undefined>;
  readonly inflight = new Map<number, Pending>();
  retiring = false;
  exited = false;

  constructor(
    data: WorkerData,
    env: Record<string, string>,
    resourceLimits: { maxOldGenerationSizeMb?: number },
    private readonly onExit: (sandbox: Sandbox, error: InvokeError) => void,
    onMessage: (sandbox: Sandbox, message: WorkerToHost) => void,
    log: (line: string) => void,
  ) {
    this.worker = new Worker(new URL('./function-worker.ts', import.meta.url), {
      workerData: data,
      env,
      execArgv: [],
      stdout: true,
      stderr: true,
      resourceLimits,
      name: data.functionName,
    });
    for (const stream of [this.worker.stdout, this.worker.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', log);
    }
    this.ready = new Promise((resolve) => {
      const onFirst = (message: WorkerToHost): void => {
        if (message.type === 'ready') resolve(undefined);
        else if (message.type === 'init-error') resolve(message.error);
        else return;
        this.worker.off('message', onFirst);
      };
      this.worker.on('message', onFirst);
      this.worker.once('exit', () => resolve({ errorType: 'Runtime.ExitError', errorMessage: 'the function worker exited during init', trace: [] }));
    });
    this.worker.on('message', (message: WorkerToHost) => onMessage(this, message));
    let lastError: unknown;
    this.worker.on('error', (error) => (lastError = error));
    this.worker.once('exit', (code) => {
      this.exited = true;
      const cause = lastError instanceof Error ? `${lastError.name}: ${lastError.message}` : `exit code ${code}`;
      this.onExit(this, { errorType: 'Runtime.ExitError', errorMessage: `the function worker exited (${cause})`, trace: [] });
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export class FunctionHost {
  readonly logicalId: string;
  readonly name: string;
  readonly timeoutMs: number;
  private sandbox: Sandbox | undefined;
  private readonly sandboxes = new Set<Sandbox>();
  private nextId = 1;
  private stopped = false;
  private readonly log: (line: string) => void;
  /** What the function prints, as the log shows it. */
  private readonly output: (line: string) => void;
  /** Counters for status output. */
  readonly stats = { invocations: 0, errors: 0, timeouts: 0, coldStarts: 0 };
  /** Lines and UTF-8 bytes the function printed, as written (what CloudWatch Logs would ingest). */
  readonly printed = { lines: 0, bytes: 0 };

  constructor(private readonly opts: FunctionHostOptions) {
    this.logicalId = opts.fn.logicalId;
    this.name = opts.fn.name;
    this.timeoutMs = opts.fn.timeoutSeconds * 1000;
    const prefix = `[${opts.fn.logicalId}]`;
    const sink = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
    this.log = (line) => sink(`${prefix} ${line}`);
    this.output = (line) => {
      this.printed.lines += 1;
      this.printed.bytes += Buffer.byteLength(line);
      this.log(readableOutput(line));
    };
  }

  /** Starts a sandbox and imports the handler (a cold start). Init errors are logged, not thrown. */
  async start(): Promise<InvokeError | undefined> {
    const { sandbox, initError } = await this.acquire();
    if (initError) this.logError('INIT', initError);
    return sandbox ? undefined : initError;
  }

  /** Invokes the function like Lambda's RequestResponse invocation; never throws. */
  async invoke(event: unknown, opts: { timeoutMs?: number } = {}): Promise<InvokeResult> {
    const requestId = randomUUID();
    const started = Date.now();
    const fail = (error: InvokeError, timedOut = false): InvokeResult => {
      this.stats.errors++;
      if (timedOut) this.stats.timeouts++;
      this.logError(requestId, error);
      return { ok: false, requestId, durationMs: Date.now() - started, error, timedOut };
    };
    this.stats.invocations++;
    if (this.stopped) return fail({ errorType: 'Runtime.Stopped', errorMessage: 'the local runtime is stopping', trace: [] });
    const eventJson = JSON.stringify(event ?? null);
    if (Buffer.byteLength(eventJson) > INVOKE_PAYLOAD_LIMIT_BYTES) {
      return fail({ errorType: 'RequestEntityTooLargeException', errorMessage: `Request must be smaller than ${INVOKE_PAYLOAD_LIMIT_BYTES} bytes for the InvokeFunction operation`, trace: [] });
    }
    const { sandbox, initError } = await this.acquire();
    if (!sandbox) return fail(initError!);

    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const invokeStarted = Date.now();
    const deadline = invokeStarted + timeoutMs;
    const id = this.nextId++;
    return new Promise<InvokeResult>((resolve) => {
      const timer = setTimeout(() => {
        sandbox.inflight.delete(id);
        // Lambda discards an environment in which an invocation timed out.
        this.retire(sandbox);
        resolve(
          fail(
            { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`, trace: [] },
            true,
          ),
        );
      }, timeoutMs);
      sandbox.inflight.set(id, {
        requestId,
        started: invokeStarted,
        timer,
        resolve: (result) => resolve(result.ok ? result : fail(result.error, result.timedOut)),
      });
      sandbox.worker.postMessage({ type: 'invoke', id, requestId, event: eventJson, deadline });
    });
  }

  /** V8 heap in use by each live sandbox's worker thread, bytes (threads share the process's RSS, so this is what one can tell apart). */
  async heapUsed(): Promise<number[]> {
    const live = [...this.sandboxes].filter((sandbox) => !sandbox.exited);
    const stats = await Promise.all(live.map((sandbox) => sandbox.worker.getHeapStatistics().catch(() => undefined)));
    return stats.filter((s) => s !== undefined).map((s) => s.used_heap_size);
  }

  /**
   * The next invocation starts a new sandbox (a cold start with nothing in memory), as when
   * Lambda replaces an environment; the current one ends once its invocations have.
   */
  recycle(): void {
    if (this.sandbox) this.retire(this.sandbox);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sandbox = undefined;
    await Promise.all([...this.sandboxes].map((sandbox) => this.kill(sandbox, 'the local runtime stopped')));
  }

  private async acquire(): Promise<{ sandbox?: Sandbox; initError?: InvokeError }> {
    if (this.stopped) return { initError: { errorType: 'Runtime.Stopped', errorMessage: 'the local runtime is stopping', trace: [] } };
    if (!this.sandbox || this.sandbox.retiring || this.sandbox.exited) {
      const fn = this.opts.fn;
      if (!fn.handlerFile) {
        return { initError: { errorType: 'Runtime.ImportModuleError', errorMessage: `${fn.logicalId}: ${fn.codeProblem ?? 'no handler file'}`, trace: [] } };
      }
      this.stats.coldStarts++;
      const data: WorkerData = {
        functionName: fn.name,
        functionArn: this.opts.functionArn,
        handler: fn.handler,
        handlerFile: fn.handlerFile,
        handlerExport: fn.handlerExport,
        memorySizeMb: fn.memorySizeMb,
        moduleFallbackDir: path.resolve(this.opts.moduleFallbackDir),
      };
      const limits = this.opts.limitMemory === false ? {} : { maxOldGenerationSizeMb: fn.memorySizeMb };
      const sandbox = new Sandbox(
        data,
        this.opts.environment,
        limits,
        (s, error) => this.onSandboxExit(s, error),
        (s, message) => this.onMessage(s, message),
        this.output,
      );
      this.sandboxes.add(sandbox);
      this.sandbox = sandbox;
    }
    const sandbox = this.sandbox;
    const initError = await sandbox.ready;
    if (initError) {
      // Lambda retries the init on the next invocation.
      if (this.sandbox === sandbox) this.sandbox = undefined;
      void this.kill(sandbox, initError.errorMessage);
      return { initError };
    }
    return { sandbox };
  }

  private onMessage(sandbox: Sandbox, message: WorkerToHost): void {
    if (message.type !== 'result') return;
    const pending = sandbox.inflight.get(message.id);
    if (!pending) {
      this.log(`late result of an invocation that already timed out, discarded`);
      return;
    }
    sandbox.inflight.delete(message.id);
    clearTimeout(pending.timer);
    const durationMs = Date.now() - pending.started;
    if (message.ok && Buffer.byteLength(message.payload) > INVOKE_PAYLOAD_LIMIT_BYTES) {
      pending.resolve({
        ok: false,
        requestId: pending.requestId,
        durationMs,
        error: { errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size exceeded maximum allowed payload size (${INVOKE_PAYLOAD_LIMIT_BYTES} bytes).`, trace: [] },
        timedOut: false,
      });
    } else if (message.ok) {
      pending.resolve({ ok: true, requestId: pending.requestId, durationMs, payload: JSON.parse(message.payload) as unknown });
    } else {
      pending.resolve({ ok: false, requestId: pending.requestId, durationMs, error: message.error, timedOut: false });
    }
    if (sandbox.retiring && sandbox.inflight.size === 0) void this.kill(sandbox);
  }

  private onSandboxExit(sandbox: Sandbox, error: InvokeError): void {
    this.sandboxes.delete(sandbox);
    if (this.sandbox === sandbox) this.sandbox = undefined;
    for (const [id, pending] of sandbox.inflight) {
      sandbox.inflight.delete(id);
      clearTimeout(pending.timer);
      pending.resolve({ ok: false, requestId: pending.requestId, durationMs: Date.now() - pending.started, error, timedOut: false });
    }
  }

  /** No new invocations go to this sandbox; it is terminated once its last invocation ends. */
  private retire(sandbox: Sandbox): void {
    sandbox.retiring = true;
    if (this.sandbox === sandbox) this.sandbox = undefined;
    if (sandbox.inflight.size === 0) void this.kill(sandbox);
  }

  private async kill(sandbox: Sandbox, reason = 'the sandbox was retired'): Promise<void> {
    for (const [id, pending] of sandbox.inflight) {
      sandbox.inflight.delete(id);
      clearTimeout(pending.timer);
      pending.resolve({ ok: false, requestId: pending.requestId, durationMs: Date.now() - pending.started, error: { errorType: 'Runtime.ExitError', errorMessage: reason, trace: [] }, timedOut: false });
    }
    this.sandboxes.delete(sandbox);
    if (!sandbox.exited) await sandbox.terminate();
  }

  private logError(requestId: string, error: InvokeError): void {
    this.log(`ERROR ${requestId} ${error.errorType}: ${error.errorMessage}`);
    for (const line of error.trace.slice(1, 6)) this.log(`    ${line.trim()}`);
  }
}
