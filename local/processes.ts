// Bookkeeping for child processes the local runtime starts (DynamoDB Local's JVM), so that none
// outlives this process: on normal exit, on an uncaught exception and on SIGINT/SIGTERM/SIGHUP.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

const live = new Set<ChildProcess>();
let hooksInstalled = false;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function killAllNow(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' runs for process.exit(), the end of the event loop and uncaught exceptions.
  process.on('exit', killAllNow);
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      // Someone else listens (e.g. local/start.ts): they shut down in order and the 'exit'
      // hook is the backstop. Otherwise this is the only listener, and adding it removed Node's
      // default "terminate on signal": kill the children and terminate the way Node would have.
      if (process.listenerCount(signal) > 1) return;
      killAllNow();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** Tracks a child until it exits; it is SIGKILLed if this process ends first. */
export function trackChild(child: ChildProcess): void {
  installHooks();
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** Resolves when the child has exited (immediately if it already has). */
export function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function terminate(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = waitForExit(child);
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const outcome = await Promise.race([exited.then(() => 'exited' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

/** A TCP port that is free on 127.0.0.1 right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not allocate a port'))));
    });
  });
}

/**
 * Polls `check` until it returns true (or a value other than false/undefined), `fail` returns
 * an error, or `timeoutMs` passes. Used to await a condition instead of sleeping a fixed time.
 */
export async function waitFor<T>(
  check: () => Promise<T | false | undefined> | T | false | undefined,
  opts: { timeoutMs: number; intervalMs?: number; what: string; fail?: () => Error | undefined },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 50;
  let lastError: unknown;
  for (;;) {
    const failure = opts.fail?.();
    if (failure) throw failure;
    try {
      const value = await check();
      if (value !== false && value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`Timed out after ${opts.timeoutMs} ms waiting for ${opts.what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
