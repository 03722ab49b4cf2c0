// Runs inside a worker_threads Worker (loaded by Node's built-in type stripping, so only
// erasable TypeScript here): imports one function's bundled handler and runs the invocations the
// host posts to it. Several invocations may be in flight at once. Events and results cross the
// thread boundary as JSON text, as they cross Lambda's invoke API.
import { randomBytes } from 'node:crypto';
import dns from 'node:dns';
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { HostToWorker, WorkerData, WorkerToHost, InvokeError } from './function-protocol.ts';

const data = workerData as WorkerData;

// NODE_OPTIONS is read at process start, which a worker thread does not have; apply the one
// option bundles commonly rely on.
if ((process.env.NODE_OPTIONS ?? '').includes('--enable-source-maps')) process.setSourceMapsEnabled(true);
const port = parentPort!;
const post = (message: WorkerToHost): void => port.postMessage(message);

// Lambda's Node.js runtime provides the AWS SDK v3 (bundles keep @aws-sdk/* external). When the
// bundle's own folder has no node_modules above it, resolve @aws-sdk/* from the project instead.
const fallbackParent = pathToFileURL(`${data.moduleFallbackDir}/package.json`).href;
registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && specifier.startsWith('@aws-sdk/')) {
        return nextResolve(specifier, { ...context, parentURL: fallbackParent });
      }
      throw error;
    }
  },
});

// *.localhost names are loopback (RFC 6761). fauxqs queue URLs use sqs.<region>.localhost, which
// not every resolver knows; answer them here so SDK clients work with the queue URLs as they are.
const originalLookup = dns.lookup;
const loopback = { address: '127.0.0.1', family: 4 };
const patchedLookup = ((hostname: string, options: unknown, callback: unknown) => {
  const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
  const opts = (typeof options === 'object' && options) || {};
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    if ((opts as { all?: boolean }).all) process.nextTick(cb, null, [loopback]);
    else process.nextTick(cb, null, loopback.address, loopback.family);
    return;
  }
  return (originalLookup as (...args: unknown[]) => void)(hostname, options, callback);
}) as typeof dns.lookup;
dns.lookup = patchedLookup;

function toInvokeError(error: unknown, fallbackType = 'Error'): InvokeError {
  if (error instanceof Error) {
    return {
      errorType: error.name || fallbackType,
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n'),
    };
  }
  return { errorType: fallbackType, errorMessage: typeof error === 'string' ? error : JSON.stringify(error) ?? String(error), trace: [] };
}

type Handler = (event: unknown, context: unknown) => unknown;
let handler: Handler | undefined;

async function init(): Promise<void> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(data.handlerFile).href)) as Record<string, unknown>;
  } catch (error) {
    post({ type: 'init-error', error: { ...toInvokeError(error), errorType: `Runtime.ImportModuleError` } });
    return;
  }
  const candidate = mod[data.handlerExport] ?? (mod.default as Record<string, unknown> | undefined)?.[data.handlerExport];
  if (typeof candidate !== 'function') {
    post({
      type: 'init-error',
      error: { errorType: 'Runtime.HandlerNotFound', errorMessage: `${data.handler} is undefined or not exported`, trace: [] },
    });
    return;
  }
  handler = candidate as Handler;
  post({ type: 'ready' });
}

function logStreamName(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}
const streamName = logStreamName();

async function invoke(id: number, requestId: string, eventJson: string, deadline: number): Promise<void> {
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: data.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: data.functionArn,
    memoryLimitInMB: String(data.memorySizeMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${data.functionName}`,
    logStreamName: streamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    if (!handler) throw new Error('handler not initialised');
    const value = await handler(JSON.parse(eventJson), context);
    // Lambda serialises the result as JSON; undefined becomes null.
    post({ type: 'result', id, ok: true, payload: JSON.stringify(value ?? null) });
  } catch (error) {
    post({ type: 'result', id, ok: false, error: toInvokeError(error) });
  }
}

port.on('message', (message: HostToWorker) => {
  if (message.type === 'invoke') void invoke(message.id, message.requestId, message.event, message.deadline);
});

await init();
