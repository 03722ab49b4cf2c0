// `npm run bench`: starts the counting proxies (proxy.ts) in a worker thread.
import { Worker } from 'node:worker_threads';
import type { HostToProxy, ProxyToHost, WireProxyData } from './snapshot.ts';

export interface WireProxy {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  snapshot(): Promise<Extract<ProxyToHost, { type: 'snapshot' }>>;
  stop(): Promise<void>;
}

export async function startWireProxy(data: WireProxyData): Promise<WireProxy> {
  const worker = new Worker(new URL('./proxy.ts', import.meta.url), { workerData: data, execArgv: [], name: 'bench-wire' });
  const pending = new Map<number, (s: Extract<ProxyToHost, { type: 'snapshot' }>) => void>();
  let nextId = 1;
  const ready = await new Promise<Extract<ProxyToHost, { type: 'ready' }>>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: ProxyToHost) => {
      if (message.type === 'ready') resolve(message);
      else pending.get(message.id)?.(message), pending.delete(message.id);
    });
  });
  worker.on('error', (error) => console.error(`[bench] wire proxy failed: ${error.message}`));
  return {
    dynamodbEndpoint: ready.dynamodbEndpoint,
    sqsEndpoint: ready.sqsEndpoint,
    snapshot() {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        worker.postMessage({ type: 'snapshot', id } satisfies HostToProxy);
      });
    },
    async stop() {
      await worker.terminate();
    },
  };
}
