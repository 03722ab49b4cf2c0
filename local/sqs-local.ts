// fauxqs (an SQS emulator written for Node) running inside this process.
//
// fauxqs's own startFauxqs() listens on 0.0.0.0; its app builder is used here instead so the
// server listens on 127.0.0.1 only. Queue URLs keep fauxqs's default host `localhost`
// (http://sqs.us-east-1.localhost:PORT/000000000000/<name>); clients must therefore be built with
// an explicit endpoint and useQueueUrlAsEndpoint: false (see clients.ts).
import { LOCAL_REGION } from './template.ts';

type Fauxqs = typeof import('fauxqs');
let fauxqs: Promise<Fauxqs> | undefined;

/**
 * fauxqs uses node:sqlite, whose import prints "ExperimentalWarning: SQLite is an experimental
 * feature" on Node 24; that one warning is dropped while fauxqs loads, every other one passes.
 */
function loadFauxqs(): Promise<Fauxqs> {
  fauxqs ??= (async () => {
    const emitWarning = process.emitWarning;
    process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
      const text = typeof warning === 'string' ? warning : warning.message;
      if (/SQLite is an experimental feature/.test(text)) return;
      (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
    }) as typeof process.emitWarning;
    try {
      return await import('fauxqs');
    } finally {
      process.emitWarning = emitWarning;
    }
  })();
  return fauxqs;
}

export interface SqsLocalOptions {
  /** Port to listen on; a free one when omitted (or 0). */
  port?: number;
  /** Listen address (default 127.0.0.1). */
  host?: string;
}

export interface SqsLocal {
  readonly endpoint: string;
  readonly port: number;
  /** Queue counts as fauxqs reports them (its /_fauxqs/queues endpoint). */
  queueStatus(): Promise<QueueStatus[]>;
  stop(): Promise<void>;
}

export interface QueueStatus {
  name: string;
  url: string;
  arn: string;
  approximateMessageCount: number;
  approximateInflightCount: number;
  approximateDelayedCount: number;
}

export async function startSqsLocal(options: SqsLocalOptions = {}): Promise<SqsLocal> {
  const { buildApp } = await loadFauxqs();
  const app = buildApp({ logger: false, defaultRegion: LOCAL_REGION });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('fauxqs did not report a TCP address');
  const endpoint = `http://${host}:${address.port}`;
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    port: address.port,
    async queueStatus() {
      const response = await fetch(`${endpoint}/_fauxqs/queues`);
      return (await response.json()) as QueueStatus[];
    },
    stop() {
      stopped ??= app.close().then(() => undefined);
      return stopped;
    },
  };
}
